package webserve

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const envOrphanHelper = "WEBSERVE_ORPHAN_HELPER"

// TestOrphanHelper is not a test: run by TestPHPDiesWithItsParent as a
// child process, it starts php -S like serve does, prints php's pid and
// address, and waits to be killed.
func TestOrphanHelper(t *testing.T) {
	pub := os.Getenv(envOrphanHelper)
	if pub == "" {
		return // run as a test, it has nothing to do (the os/exec helper idiom)
	}
	site, err := StartPHP(context.Background(), PHPOptions{PublicDir: pub})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	p := site.procs[0]
	fmt.Println(p.cmd.Process.Pid, p.addr)
	select {}
}

// liveInGroup lists the processes of process group pgid that are not
// zombies.
func liveInGroup(t *testing.T, pgid int) []string {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	var live []string
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		raw, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...: comm may hold spaces, so split after ')'.
		_, rest, ok := strings.Cut(string(raw), ") ")
		f := strings.Fields(rest)
		if !ok || len(f) < 3 {
			continue
		}
		if g, _ := strconv.Atoi(f[2]); g == pgid && f[0] != "Z" {
			live = append(live, e.Name()+":"+f[0])
		}
	}
	return live
}

// TestPHPDiesWithItsParent: when the process that started php -S (serve)
// is killed with SIGKILL, php ends too and frees its port.
func TestPHPDiesWithItsParent(t *testing.T) {
	if _, err := exec.LookPath("php"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("php is not installed")
		}
		t.Skip("php is not installed (make php-cli)")
	}
	pub := t.TempDir()
	if err := os.WriteFile(filepath.Join(pub, "index.php"), []byte("<?php echo 'ok';\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	helper := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestOrphanHelper$") //nolint:gosec // the test binary itself
	helper.Env = append(os.Environ(), envOrphanHelper+"="+pub)
	out, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = helper.Process.Kill()
		t.Fatalf("helper: %v (%q)", err, line)
	}
	var pid int
	var addr string
	if _, err := fmt.Sscan(line, &pid, &addr); err != nil {
		_ = helper.Process.Kill()
		t.Fatalf("helper said %q", line)
	}
	// Whatever the outcome, nothing of this test outlives it.
	defer func() { _ = syscall.Kill(-pid, syscall.SIGKILL) }()
	if live := liveInGroup(t, pid); len(live) == 0 {
		t.Fatal("php -S is not running")
	}
	if err := helper.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = helper.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for {
		live := liveInGroup(t, pid)
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = conn.Close()
		}
		if len(live) == 0 && err != nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("5s after its parent was killed, php still runs (%v) and its port %s answers: %v", live, addr, err == nil)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
