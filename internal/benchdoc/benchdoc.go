// Package benchdoc holds what the benchmark programs (bench/) write the same way
// into their sections of docs/bench/: the machine's load and a target's
// verdict.
package benchdoc

import (
	"os"
	"strings"
)

// LoadAverage returns the first n figures of /proc/loadavg (1, 5 and 15
// minutes), space-separated: how busy the machine was, which wall-clock
// figures depend on. It returns "unknown" when they cannot be read.
func LoadAverage(n int) string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < n || n < 1 {
		return "unknown"
	}
	return strings.Join(f[:n], " ")
}

// MetOrMissed is the verdict column of a target: met, or missed in bold.
func MetOrMissed(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}
