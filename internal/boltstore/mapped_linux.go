package boltstore

import "syscall"

// dropMapped drops the resident pages of the n bytes mapped at addr from
// the process (MADV_DONTNEED; the mapping is the store file's, read-only
// and shared, so the next read of a page loads it from the page cache).
// The address is passed as a number, as the system call takes it: no Go
// pointer is made from it.
func dropMapped(addr uintptr, n int64) error {
	if addr == 0 || n <= 0 {
		return nil
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, addr, uintptr(n), syscall.MADV_DONTNEED); errno != 0 {
		return errno
	}
	return nil
}
