package shareddata

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder is a testing.TB that records how a test would end.
type recorder struct {
	testing.TB
	skipped, failed bool
	msg             string
}

func (r *recorder) Helper() {}
func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = true
	r.msg = format
	runtime.Goexit()
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = true
	r.msg = format
	runtime.Goexit()
}

func TestMissingFile(t *testing.T) {
	for _, tc := range []struct {
		name, ci           string
		wantSkip, wantFail bool
	}{
		{"outside CI the test is skipped", "", true, false},
		{"CI=false skips too", "false", true, false},
		{"CI=true fails", "true", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CI", tc.ci)
			r := &recorder{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				Path(r, "no-such-folder", "file.csv")
			}()
			<-done
			if r.skipped != tc.wantSkip || r.failed != tc.wantFail {
				t.Fatalf("skipped %v failed %v (%s), want skipped %v failed %v", r.skipped, r.failed, r.msg, tc.wantSkip, tc.wantFail)
			}
		})
	}
}

func TestDirIsBesideTheRepository(t *testing.T) {
	d := Dir("testdata", "real")
	if !strings.HasSuffix(filepath.ToSlash(d), "/shared/testdata/real") || strings.Contains(filepath.ToSlash(d), "/internal/") {
		t.Fatalf("Dir = %s", d)
	}
}
