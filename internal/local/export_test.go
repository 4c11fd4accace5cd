package local

import "github.com/catalogsearch/catalogsearch/internal/catalog"

// Disk is the blob folder without the event a Put sends (tests only).
func (s *Stack) Disk() catalog.Blobs { return s.disk }

// IngestStore is the store the stack's ingest writes through (tests only).
func (s *Stack) IngestStore() catalog.Store { return s.ingestStore }
