package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestAPILinksNoParsing: the api Lambda hands confirmations to the ingest
// Lambda and never parses a file, so its binary must not link the ingest
// pipeline (and with it excelize and the x/text encodings): that keeps it
// small and quick to start.
func TestAPILinksNoParsing(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the api Lambda's dependencies: %v", err)
	}
	out, err := exec.CommandContext(t.Context(), goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 || !slices.Contains(deps, "github.com/catalogsearch/catalogsearch/internal/intake") {
		t.Fatalf("go list -deps gave %d packages, not the api Lambda's: %v", len(deps), deps)
	}
	for _, d := range deps {
		for _, banned := range []string{
			"github.com/catalogsearch/catalogsearch/internal/ingest",
			"github.com/catalogsearch/catalogsearch/internal/images", // the images Lambda's (imagesfn)
			"github.com/xuri/excelize",
			"golang.org/x/text/encoding",
		} {
			if d == banned || strings.HasPrefix(d, banned+"/") {
				t.Errorf("the api Lambda links %s", d)
			}
		}
	}
}
