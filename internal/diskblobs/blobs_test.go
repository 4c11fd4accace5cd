package diskblobs_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
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

// TestLinksCannotLeaveTheFolder: a symbolic link inside the blob folder
// (put there by hand, or by anything else writing into the data folder)
// that points outside it gives no access to what it points at: reading,
// stating, writing and deleting through it are refused, and the files
// outside are untouched. A link that stays inside still reads.
func TestLinksCannotLeaveTheFolder(t *testing.T) {
	ctx := t.Context()
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.csv")
	if err := os.WriteFile(secret, []byte("not yours"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	b, err := diskblobs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	if _, err := b.Put(ctx, "incoming/p/real.csv", strings.NewReader("mine")); err != nil {
		t.Fatal(err)
	}
	relSecret, err := filepath.Rel(filepath.Join(dir, "incoming", "p"), secret)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []struct{ link, target string }{
		{"incoming/out", outside},            // a folder outside
		{"incoming/p/link.csv", secret},      // a file outside, absolute
		{"incoming/p/rel.csv", relSecret},    // a file outside, relative
		{"incoming/p/inner.csv", "real.csv"}, // inside: allowed
	} {
		if err := os.Symlink(l.target, filepath.Join(dir, filepath.FromSlash(l.link))); err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range []string{"incoming/out/secret.csv", "incoming/p/link.csv", "incoming/p/rel.csv"} {
		if rc, _, err := b.Open(ctx, key); err == nil {
			got, _ := io.ReadAll(rc)
			rc.Close()
			t.Errorf("Open(%q) read %q from outside the folder", key, got)
		}
		if info, err := b.Stat(ctx, key); err == nil {
			t.Errorf("Stat(%q) = %+v, want an error", key, info)
		}
	}
	if err := b.Delete(ctx, "incoming/out/secret.csv"); err == nil {
		t.Error("Delete through a link to a folder outside succeeded")
	}
	if _, err := b.Put(ctx, "incoming/out/new.csv", strings.NewReader("x")); err == nil {
		t.Error("Put through a link to a folder outside succeeded")
	}
	// Writing or deleting a key that is a link replaces or removes the
	// link itself, never its target.
	if _, err := b.Put(ctx, "incoming/p/link.csv", strings.NewReader("overwritten")); err != nil {
		t.Errorf("Put over a link: %v", err)
	}
	if err := b.Delete(ctx, "incoming/p/rel.csv"); err != nil {
		t.Errorf("Delete of a link: %v", err)
	}
	if got, err := os.ReadFile(secret); err != nil || string(got) != "not yours" {
		t.Fatalf("the file outside is now %q (%v)", got, err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 1 {
		t.Fatalf("%d files outside, want the one secret", len(entries))
	}
	list, err := b.List(ctx, "incoming/")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, info := range list {
		keys = append(keys, info.Key)
	}
	if want := "incoming/p/link.csv incoming/p/real.csv"; strings.Join(keys, " ") != want {
		t.Errorf("List = %v, want %s (regular files only)", keys, want)
	}
	rc, _, err := b.Open(ctx, "incoming/p/inner.csv")
	if err != nil {
		t.Fatalf("a link inside the folder: %v", err)
	}
	defer rc.Close()
	if got, _ := io.ReadAll(rc); string(got) != "mine" {
		t.Fatalf("inner link read %q", got)
	}
}
