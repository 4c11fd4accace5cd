package diskblobs_test

import (
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
