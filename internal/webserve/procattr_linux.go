package webserve

import "syscall"

// phpProcAttr puts php in its own process group and has the kernel send
// it SIGTERM when the thread that started it ends with its process.
func phpProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
