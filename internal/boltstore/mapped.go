package boltstore

import (
	bolt "go.etcd.io/bbolt"
)

// bbolt reads the store file through a read-only shared memory mapping:
// every page a transaction reads (a product looked up or written, a key
// scanned) stays resident in the process, and counts in its RSS, until the
// mapping is replaced, which happens only when the file grows past it. A
// first ingest writes products in the order of the file, so its writes
// touch leaves all over the products tree: without a release, the resident
// part of the mapping grows with the catalog (2.3 GB of a 1,000,000-row
// first ingest). These pages are the file's, not the heap's: dropping them
// from the mapping (madvise MADV_DONTNEED) costs nothing but a minor fault
// on the next read of the page, which the kernel serves from its page cache.

// DefaultReleaseMappedAfter is how much of the mapping (an estimate of the
// bytes read and written through it) the store lets become resident before
// it drops the mapping's pages (Options.ReleaseMappedAfter).
const DefaultReleaseMappedAfter = 64 << 20

// touch counts n bytes of the mapping that tx reads or writes, and drops
// the mapping's resident pages once the count passes the store's
// threshold. It must be called inside tx: while a transaction is open the
// mapping cannot be replaced (bbolt replaces it under a lock that every
// transaction holds for reading, and a write transaction only at commit),
// so the range dropped is the store file's and nothing else's.
func (s *Store) touch(tx *bolt.Tx, n int) {
	if s.releaseAfter <= 0 || n <= 0 {
		return
	}
	if s.touched.Add(int64(n)) < s.releaseAfter {
		return
	}
	s.touched.Store(0)
	s.release(tx)
}

// release drops the resident pages of the mapping, up to the size of the
// file as tx sees it (never past the mapping). A failure only leaves the
// pages resident, so it is not reported.
func (s *Store) release(tx *bolt.Tx) {
	if err := dropMapped(s.db.Info().Data, tx.Size()); err == nil {
		s.releases.Add(1)
	}
}

// MappedReleases is how many times the store dropped the resident pages of
// its file's mapping (see Options.ReleaseMappedAfter).
func (s *Store) MappedReleases() int64 { return s.releases.Load() }

// pageCost is what one access by key (a lookup, a write, a delete) counts
// towards the release: the leaf page it lands on, anywhere in the file.
func (s *Store) pageCost() int { return s.db.Info().PageSize }
