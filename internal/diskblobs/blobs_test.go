package diskblobs_test

import (
	"context"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/catalogtest"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
)

func TestConformance(t *testing.T) {
	catalogtest.TestBlobs(t, func(t *testing.T) catalog.Blobs {
		b, err := diskblobs.New(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return b
	})
}

// TestVersionPerUpload: two uploads of identical content, however quick,
// have different versions (file times are too coarse for that).
func TestVersionPerUpload(t *testing.T) {
	b, err := diskblobs.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key := "incoming/p/c.csv"
	a, err := b.Put(t.Context(), key, strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := b.Put(t.Context(), key, strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := b.Stat(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	if a.Version == "" || a.Version == c.Version || st.Version != c.Version || st.ETag != a.ETag {
		t.Fatalf("versions %q %q, stat %+v", a.Version, c.Version, st)
	}
}

func TestPutRecordsTheContentHash(t *testing.T) {
	b, err := diskblobs.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	info, err := b.Put(ctx, "incoming/p/a.csv", strings.NewReader("abc"))
	if err != nil {
		t.Fatal(err)
	}
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" // SHA-256("abc")
	if info.SHA256 != want {
		t.Fatalf("Put SHA256 = %q, want %q", info.SHA256, want)
	}
	st, err := b.Stat(ctx, "incoming/p/a.csv")
	if err != nil || st.SHA256 != want {
		t.Fatalf("Stat SHA256 = %q (%v), want %q", st.SHA256, err, want)
	}
}
