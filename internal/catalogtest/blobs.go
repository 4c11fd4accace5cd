package catalogtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// NewBlobs returns a fresh, empty blob store for one subtest.
type NewBlobs func(t *testing.T) catalog.Blobs

// TestBlobs runs the catalog.Blobs conformance suite.
func TestBlobs(t *testing.T, newBlobs NewBlobs) {
	ctx := context.Background()
	for _, c := range blobsCases() {
		t.Run(c.name, func(t *testing.T) { c.run(ctx, t, newBlobs(t)) })
	}
}

// blobsCase is one subtest of the suite; it gets a fresh, empty catalog.Blobs.
type blobsCase struct {
	name string
	run  func(ctx context.Context, t *testing.T, b catalog.Blobs)
}

// blobsCases lists the suite's subtests: a new behaviour is one function
// below and one line here.
func blobsCases() []blobsCase {
	return []blobsCase{
		{"PutOpenRoundTrip", blobsPutOpenRoundTrip},
		{"ETagFollowsContent", blobsETagFollowsContent},
		{"MissingIsNotFound", blobsMissingIsNotFound},
		{"ListByPrefixSorted", blobsListByPrefixSorted},
		{"Delete", blobsDelete},
		{"LargeStreamingPut", blobsLargeStreamingPut},
		{"RejectsUnsafeKeys", blobsRejectsUnsafeKeys},
	}
}

func blobsPutOpenRoundTrip(ctx context.Context, t *testing.T, b catalog.Blobs) {
	key := "incoming/acme/Catalogue été 2026 (v2).csv"
	content := "sku,name\nA1,Chaise\n"
	info, err := b.Put(ctx, key, strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if info.Key != key || info.Size != int64(len(content)) || info.ETag == "" {
		t.Fatalf("Put info = %+v", info)
	}
	rc, oinfo, err := b.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != content || oinfo.ETag != info.ETag || oinfo.Size != info.Size {
		t.Fatalf("Open = %q %+v, want %q %+v", got, oinfo, content, info)
	}
	st, err := b.Stat(ctx, key)
	if err != nil || st.ETag != info.ETag || st.Size != info.Size {
		t.Fatalf("Stat = %+v, %v", st, err)
	}
}

func blobsETagFollowsContent(ctx context.Context, t *testing.T, b catalog.Blobs) {
	a1, err := b.Put(ctx, "incoming/p/a.csv", strings.NewReader("one"))
	if err != nil {
		t.Fatal(err)
	}
	a2, err := b.Put(ctx, "incoming/p/a.csv", strings.NewReader("two"))
	if err != nil {
		t.Fatal(err)
	}
	a3, err := b.Put(ctx, "incoming/p/a.csv", strings.NewReader("two"))
	if err != nil {
		t.Fatal(err)
	}
	if a1.ETag == a2.ETag || a2.ETag != a3.ETag {
		t.Fatalf("etags %q %q %q: want a change with the content and none without", a1.ETag, a2.ETag, a3.ETag)
	}
}

func blobsMissingIsNotFound(ctx context.Context, t *testing.T, b catalog.Blobs) {
	_, _, err := b.Open(ctx, "incoming/p/none.csv")
	wantCode(t, err, catalog.CodeNotFound)
	_, err = b.Stat(ctx, "incoming/p/none.csv")
	wantCode(t, err, catalog.CodeNotFound)
}

func blobsListByPrefixSorted(ctx context.Context, t *testing.T, b catalog.Blobs) {
	for _, k := range []string{"incoming/b/2.csv", "incoming/a/1.csv", "incoming/a/0.json", "reports/x/rejected.csv"} {
		if _, err := b.Put(ctx, k, strings.NewReader(k)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := b.List(ctx, "incoming/")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, i := range got {
		keys = append(keys, i.Key)
	}
	if strings.Join(keys, " ") != "incoming/a/0.json incoming/a/1.csv incoming/b/2.csv" {
		t.Fatalf("List(incoming/) = %v", keys)
	}
	got, err = b.List(ctx, "incoming/a/")
	if err != nil || len(got) != 2 {
		t.Fatalf("List(incoming/a/) = %v, %v", got, err)
	}
}

func blobsDelete(ctx context.Context, t *testing.T, b catalog.Blobs) {
	if _, err := b.Put(ctx, "incoming/p/x.csv", strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, "incoming/p/x.csv"); err != nil {
		t.Fatal(err)
	}
	_, err := b.Stat(ctx, "incoming/p/x.csv")
	wantCode(t, err, catalog.CodeNotFound)
	if err := b.Delete(ctx, "incoming/p/x.csv"); err != nil {
		t.Fatalf("deleting a missing key: %v", err)
	}
}

func blobsLargeStreamingPut(ctx context.Context, t *testing.T, b catalog.Blobs) {
	const size = 12 << 20 // more than one S3 multipart part
	data := make([]byte, size)
	if _, err := rand.Read(data); err != nil {
		t.Fatal(err)
	}
	// A reader that is not an io.Seeker nor sized, like a network body.
	info, err := b.Put(ctx, "incoming/p/big.bin", io.MultiReader(bytes.NewReader(data)))
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != size {
		t.Fatalf("size = %d, want %d", info.Size, size)
	}
	rc, _, err := b.Open(ctx, "incoming/p/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes (err %v), content equal: %v", len(got), err, bytes.Equal(got, data))
	}
}

func blobsRejectsUnsafeKeys(ctx context.Context, t *testing.T, b catalog.Blobs) {
	for _, k := range []string{"", "/abs", "incoming/../etc/passwd", "a//b", "incoming/p/..", "x\x00y"} {
		if _, err := b.Put(ctx, k, strings.NewReader("x")); catalog.CodeOf(err) != catalog.CodeInvalid {
			t.Errorf("Put(%q) err = %v, want code invalid", k, err)
		}
	}
}
