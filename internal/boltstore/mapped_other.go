//go:build !linux

package boltstore

// dropMapped does nothing outside Linux: the mapping's pages stay resident
// until the kernel reclaims them.
func dropMapped(addr uintptr, n int64) error { return nil }
