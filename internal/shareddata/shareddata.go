// Package shareddata finds the third-party test files the team keeps in
// ../shared/ beside the repository (real catalog exports, relevance sets),
// which are never copied into the repository.
//
// A test that needs one calls Path (or Read): when the file is there it gets
// its path; when it is absent the test is skipped with one line saying what
// was skipped and why, except under CI=true, where a missing file fails the
// test (CI always has ../shared/). `make test` counts the skips and prints
// them at its end (scripts/gotest.sh).
package shareddata

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
)

// Dir is the folder of the shared data beside the repository root, given
// as path elements below it (Dir() is ../shared itself).
func Dir(elem ...string) string {
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(here), "..", "..")
	return filepath.Join(append([]string{root, "..", "shared"}, elem...)...)
}

// Path returns the path of ../shared/<elem...>, skipping t when it is
// absent (failing it under CI=true).
func Path(t testing.TB, elem ...string) string {
	t.Helper()
	p := Dir(elem...)
	if _, err := os.Stat(p); err != nil {
		Missing(t, p, err)
	}
	return p
}

// Read returns the content of ../shared/<elem...>, skipping t when it is
// absent (failing it under CI=true).
func Read(t testing.TB, elem ...string) []byte {
	t.Helper()
	p := Path(t, elem...)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("shared test data %s: %v", p, err)
	}
	return b
}

// Missing ends t because the shared file p is absent: a one-line skip, or a
// failure under CI=true.
func Missing(t testing.TB, p string, err error) {
	t.Helper()
	if ci, _ := strconv.ParseBool(os.Getenv("CI")); ci {
		t.Fatalf("shared test data missing under CI=true: %s (%v); CI must have ../shared/ beside the repository", p, err)
	}
	t.Skipf("shared test data absent: %s (third-party files live in ../shared/ beside the repository)", filepath.Clean(p))
}
