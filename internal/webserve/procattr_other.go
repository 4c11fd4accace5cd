//go:build !linux

package webserve

import "syscall"

// phpProcAttr puts php in its own process group. Outside Linux there is no
// parent-death signal: a php left by a killed serve must be stopped by hand.
func phpProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
