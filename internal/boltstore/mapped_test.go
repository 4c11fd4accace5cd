package boltstore_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/boltstore"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/catalogtest"
)

// mappedRSS is the resident part (kB) of this process's mappings of the
// file at path, from /proc/self/smaps.
func mappedRSS(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	kb, inFile := 0, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		switch {
		case len(fields) > 0 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":"):
			inFile = len(fields) >= 6 && fields[len(fields)-1] == path
		case inFile && len(fields) >= 2 && fields[0] == "Rss:":
			n, err := strconv.Atoi(fields[1])
			if err != nil {
				t.Fatal(err)
			}
			kb += n
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return kb
}

// TestMappedPagesStayBounded: writing and then scanning a catalog far
// larger than ReleaseMappedAfter leaves only about that much of the store
// file resident in the process (bbolt reads through a memory mapping,
// whose pages would otherwise all stay resident: the peak RSS of a large
// first ingest grew with the catalog), and every product reads back whole.
func TestMappedPagesStayBounded(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the mapping's resident pages are read from /proc/self/smaps and dropped with madvise on Linux only")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "catalog.db")
	const releaseAfter = 1 << 20
	s, err := boltstore.Open(path, boltstore.Options{ReleaseMappedAfter: releaseAfter})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const n, batch = 12000, 200
	long := strings.Repeat("a sturdy product described at length ", 25) // ~1 KB a product
	var ps []catalog.Product
	for i := range n {
		p := catalogtest.SampleProduct("acme", fmt.Sprintf("sku-%05d", (i*7919)%n)) // not in key order, as a file
		p.Description = long
		ps = append(ps, p)
		if len(ps) == batch {
			if _, err := s.PutProducts(ctx, ps); err != nil {
				t.Fatal(err)
			}
			ps = ps[:0]
		}
	}
	seen := 0
	for p, err := range s.Products(ctx, "acme") {
		if err != nil {
			t.Fatal(err)
		}
		if p.Description != long {
			t.Fatalf("product %s read back with description %q", p.ID, p.Description)
		}
		seen++
	}
	if seen != n {
		t.Fatalf("scanned %d products, want %d", seen, n)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	// The catalog is written twice (products and outbox): over 20 MB of
	// file. What stays resident is what was touched since the last drop
	// (at most releaseAfter of estimated pages) plus the tree's upper pages.
	rss := mappedRSS(t, path)
	const bound = 6 * releaseAfter >> 10 // kB
	t.Logf("file %d kB, resident %d kB of its mapping, %d releases", info.Size()>>10, rss, s.MappedReleases())
	if info.Size() < 16<<20 {
		t.Fatalf("the file is only %d kB: the test needs one much larger than the bound", info.Size()>>10)
	}
	if rss > bound {
		t.Fatalf("%d kB of the store file's mapping resident after writing and scanning %d products, want at most %d kB",
			rss, n, bound)
	}
	if s.MappedReleases() == 0 {
		t.Fatal("no release of the mapping was counted")
	}
}
