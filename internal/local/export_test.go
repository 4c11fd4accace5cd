package local

import "github.com/catalogsearch/catalogsearch/internal/catalog"

// Disk is the blob folder without the event a Put sends (tests only).
func (s *Stack) Disk() catalog.Blobs { return s.disk }
