package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the serve goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveLocal runs `catalogctl serve` (what make run runs: the API and the
// PHP site) on a free port with data folder dir, and returns its URL.
func serveLocal(t *testing.T, dir string) string {
	t.Helper()
	if _, err := exec.LookPath("php"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("php is not installed (make web-tools installs it)")
		}
		t.Skip("php is not installed: the site's smoke steps need it (make web-tools)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--web", "../../web/public"}, strings.NewReader(""), &out, &errb)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("serve did not stop")
		}
	})
	re := regexp.MustCompile(`running at (http://127\.0\.0\.1:\d+)/`)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d: %s", code, errb.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("serve did not start: %s", errb.String())
	return ""
}

var smokeLine = regexp.MustCompile(`^(ok  |FAIL) (\S+(?: \S+)?)\s+\S+\s*(.*)$`)

// TestSmokeOnTheLocalStack runs catalogctl smoke against the local stack:
// every step passes (with a smoke partner key: an upload through the slot
// flow becomes searchable, then is removed); a key of another partner is
// refused before anything is written; and a stack whose index was removed
// fails at the step that needs it, with one clear line and exit 1.
func TestSmokeOnTheLocalStack(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	base := serveLocal(t, dir)
	key := issue(t, dir, SmokePartner)

	code, out, errOut := run(t, "smoke", "--url", base+"/", "--key", key, "--timeout", "30s")
	if code != exitOK {
		t.Fatalf("smoke: exit %d\n%s%s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	steps := []string{"health", "home page", "results page", "search", "suggest", "partner key", "upload", "searchable", "clean-up", "removed"}
	if len(lines) != len(steps)+1 || !strings.HasPrefix(lines[len(lines)-1], "smoke passed: 10 steps") {
		t.Fatalf("smoke output:\n%s", out)
	}
	for i, want := range steps {
		m := smokeLine.FindStringSubmatch(lines[i])
		if m == nil || m[1] != "ok  " || m[2] != want {
			t.Errorf("line %d %q, want step %q ok with its time", i, lines[i], want)
		}
	}
	// Without a key: the read-only steps.
	if code, out, _ := run(t, "smoke", "--url", base); code != exitOK || !strings.Contains(out, "smoke passed: 5 steps") {
		t.Errorf("smoke without a key: exit %d\n%s", code, out)
	}
	// A real partner's catalog is never replaced.
	other := issue(t, dir, "bureau")
	if code, out, _ := run(t, "smoke", "--url", base, "--key", other); code != exitFail || !strings.Contains(out, "FAIL partner key") || strings.Contains(out, "ok   upload") {
		t.Errorf("smoke with another partner's key: exit %d\n%s", code, out)
	}

	// The stack loses its index: the first step that writes to it and
	// reads back fails, and smoke stops there.
	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, "smoke", "--url", base, "--key", key, "--timeout", "5s")
	lines = strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	if code != exitFail || !strings.HasPrefix(last, "FAIL ") || strings.Contains(out, "smoke passed") {
		t.Fatalf("smoke on a stack without its index: exit %d\n%s", code, out)
	}
	if !strings.Contains(last, "searchable") && !strings.Contains(last, "search") {
		t.Errorf("the failing line does not name the search step: %q", last)
	}
}

func TestSmokeUsage(t *testing.T) {
	for _, args := range [][]string{{"smoke"}, {"smoke", "--url", "ftp://x"}, {"smoke", "--url", "http://127.0.0.1:1", "extra"}} {
		if code, _, _ := run(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	// Nothing answers: the first step fails.
	code, out, _ := run(t, "smoke", "--url", "http://127.0.0.1:1")
	if code != exitFail || !strings.HasPrefix(out, "FAIL health") {
		t.Errorf("smoke against nothing: exit %d %q", code, out)
	}
}
