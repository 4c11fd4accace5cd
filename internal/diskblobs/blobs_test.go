package diskblobs_test

import (
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
