package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestEveryCommandHasHelp(t *testing.T) {
	for name := range commands() {
		code, out, _ := run(t, name, "--help")
		if code != exitOK || !strings.Contains(out, "Usage: catalogctl "+name) {
			t.Errorf("%s --help: exit %d, output %q", name, code, out)
		}
	}
	code, out, _ := run(t, "--help")
	if code != exitOK || !strings.Contains(out, "Commands:") {
		t.Fatalf("--help: exit %d, %q", code, out)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{}, {"nope"}, {"ingest", "--nonsense"}, {"ingest", "file.csv"}, {"ingest", "--partner", "acme"},
		{"ingest", "--partner", "acme", "--mode", "sometimes", "f.csv"}, {"search", "--attr", "novalue", "x"},
		{"search", "--limit", "0", "x"}, {"serve", "extra-arg"},
	} {
		if code, _, _ := run(t, args...); code != exitUsage {
			t.Errorf("catalogctl %v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestUnexpectedArgumentIsNamed(t *testing.T) {
	for _, name := range []string{"serve", "reindex"} {
		code, _, stderr := run(t, name, "--data", t.TempDir(), "extra-arg")
		if code != exitUsage || stderr != "catalogctl "+name+": unexpected argument \"extra-arg\"\n" {
			t.Errorf("catalogctl %s extra-arg: exit %d, stderr %q", name, code, stderr)
		}
	}
}

// TestGenIngestSearch runs the thin slice end to end on the embedded
// default: a generated catalog is ingested into a fresh data folder and a
// word of one product's name finds it.
func TestGenIngestSearch(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	file := filepath.Join(dir, "office.csv")
	if code, _, stderr := run(t, "gen", "--rows", "200", "--headers", "canonical", "--seed", "7", "-o", file); code != exitOK {
		t.Fatalf("gen: exit %d: %s", code, stderr)
	}
	code, out, stderr := run(t, "ingest", "--data", data, "--partner", "bureau-plus", "--json", file)
	if code != exitOK {
		t.Fatalf("ingest: exit %d: %s %s", code, out, stderr)
	}
	var c catalog.Catalog
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatalf("ingest --json printed %q: %v", out, err)
	}
	if c.Report == nil || c.Report.Rows != 200 || c.Report.Accepted+c.Report.Rejected != c.Report.Rows || c.Report.Accepted == 0 {
		t.Fatalf("report = %+v", c.Report)
	}

	// Pick a real product name from the file and search one of its words.
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	header := strings.Split(lines[0], ",")
	nameCol := -1
	for i, h := range header {
		if strings.TrimPrefix(h, "\ufeff") == "name" {
			nameCol = i
		}
	}
	if nameCol < 0 {
		t.Fatalf("no name column in %q", lines[0])
	}
	word := ""
	for w := range strings.FieldsSeq(strings.Split(lines[1], ",")[nameCol]) {
		if len(w) > len(word) {
			word = strings.Trim(w, `"`)
		}
	}
	code, out, stderr = run(t, "search", "--data", data, "--json", word)
	if code != exitOK {
		t.Fatalf("search: exit %d: %s", code, stderr)
	}
	var res catalog.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search --json printed %q: %v", out, err)
	}
	if res.Total == 0 || len(res.Hits) == 0 {
		t.Fatalf("searching %q found nothing: %s", word, out)
	}
	found := false
	for _, h := range res.Hits {
		if strings.Contains(strings.ToLower(h.Product.Name), strings.ToLower(word)) {
			found = true
		}
	}
	if !found {
		t.Fatalf("no hit for %q has it in its name: %s", word, out)
	}

	// The plain text form lists the same count.
	code, out, _ = run(t, "search", "--data", data, word)
	if code != exitOK || !strings.Contains(out, " products (") {
		t.Fatalf("text search: exit %d %q", code, out)
	}

	// An unreadable file is a clear failure, not a panic.
	if code, _, stderr := run(t, "ingest", "--data", data, "--partner", "bureau-plus", filepath.Join(dir, "missing.csv")); code == exitOK || !strings.Contains(stderr, "missing.csv") {
		t.Fatalf("missing file: exit %d, stderr %q", code, stderr)
	}
}
