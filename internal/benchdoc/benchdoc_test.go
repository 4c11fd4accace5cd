package benchdoc

import (
	"os"
	"strings"
	"testing"
)

func TestLoadAverage(t *testing.T) {
	if _, err := os.Stat("/proc/loadavg"); err != nil {
		t.Skip("no /proc/loadavg on this system")
	}
	for _, n := range []int{1, 3} {
		if got := len(strings.Fields(LoadAverage(n))); got != n {
			t.Errorf("LoadAverage(%d) = %q: %d figures", n, LoadAverage(n), got)
		}
	}
	if got := LoadAverage(0); got != "unknown" {
		t.Errorf("LoadAverage(0) = %q, want unknown", got)
	}
}

func TestMetOrMissed(t *testing.T) {
	if MetOrMissed(true) != "met" || MetOrMissed(false) != "**missed**" {
		t.Fatalf("MetOrMissed: %q, %q", MetOrMissed(true), MetOrMissed(false))
	}
}
