// Package embeddedtest opens the embedded default's real adapters (the
// bbolt store and the disk blobs) for tests of code built on catalog.Store
// and catalog.Blobs. It is test wiring: it imports adapters, which the
// conformance suites (catalogtest, indextest) must not.
package embeddedtest

import (
	"path/filepath"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/boltstore"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
)

// Open opens the embedded default's store (bbolt) and blobs (disk) in
// a temporary folder of tb, closed when tb ends: the real adapters for
// tests of code built on catalog.Store and catalog.Blobs.
func Open(tb testing.TB) (*boltstore.Store, *diskblobs.Blobs) {
	tb.Helper()
	dir := tb.TempDir()
	st, err := boltstore.Open(filepath.Join(dir, "store.db"), boltstore.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = st.Close() })
	bl, err := diskblobs.New(filepath.Join(dir, "blobs"))
	if err != nil {
		tb.Fatal(err)
	}
	return st, bl
}
