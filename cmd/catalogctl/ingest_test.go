package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// jsonReport parses ingest --json output: exactly one JSON object per line.
func jsonReports(t *testing.T, out string) []map[string]any {
	t.Helper()
	var reps []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("stdout is not JSON lines: %q: %v", out, err)
		}
		reps = append(reps, m)
	}
	return reps
}

func TestIngestExitStatusAndJSON(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	good := writeFile(t, dir, "good.csv", "sku,name,price\nA,Chaise,12\n,Sans sku,3\nB,Table,douze\nC,Lampe,\"19,90 €\"\n")
	binary := writeFile(t, dir, "garbage.csv", string([]byte{0, 1, 2, 3, 0, 0, 9, 8, 7, 0xff, 0xfe, 0, 0, 0, 1, 2}))

	tests := []struct {
		name   string
		args   []string
		code   int
		status string
		check  func(t *testing.T, r map[string]any)
	}{
		{"processed with rejected rows", []string{"ingest", "--data", data, "--partner", "acme", "--json", good}, exitOK, "done",
			func(t *testing.T, r map[string]any) {
				if r["rows"] != 4.0 || r["accepted"] != 2.0 || r["rejected"] != 2.0 || r["format"] != "csv" || r["encoding"] != "utf-8" ||
					r["unchanged"] != 0.0 || r["removed"] != 0.0 {
					t.Fatalf("report = %v", r)
				}
				errs := r["errors"].([]any)
				if len(errs) != 2 {
					t.Fatalf("errors = %v", errs)
				}
				e0 := errs[0].(map[string]any)
				if e0["row"] != 3.0 || e0["code"] != "missing_identifier" || e0["message"] == "" {
					t.Fatalf("error = %v", e0)
				}
				if e1 := errs[1].(map[string]any); e1["column"] != "price" || e1["code"] != "bad_price" {
					t.Fatalf("error = %v", e1)
				}
				if rep := r["report"].(map[string]any); rep["rows"] != 4.0 {
					t.Fatalf("nested report = %v", rep)
				}
			}},
		{"unchanged re-ingest", []string{"ingest", "--data", data, "--partner", "acme", "--json", good}, exitOK, "done",
			func(t *testing.T, r map[string]any) {
				if r["unchanged"] != 2.0 || r["created"] != 0.0 {
					t.Fatalf("report = %v", r)
				}
			}},
		{"refused as a whole", []string{"ingest", "--data", data, "--partner", "acme", "--json", binary}, exitFail, "refused",
			func(t *testing.T, r map[string]any) {
				if !strings.Contains(r["reason"].(string), "binary") || r["errors"] == nil {
					t.Fatalf("report = %v", r)
				}
			}},
		{"usage: no partner", []string{"ingest", "--data", data, "--json", good}, exitUsage, "usage_error", nil},
		{"usage: bad flag", []string{"ingest", "--json", "--nope", good}, exitUsage, "usage_error", nil},
		{"usage: bad partner", []string{"ingest", "--data", data, "--partner", "A B", "--json", good}, exitUsage, "usage_error", nil},
		{"usage: missing file", []string{"ingest", "--data", data, "--partner", "acme", "--json", filepath.Join(dir, "nope.csv")}, exitUsage, "usage_error", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := run(t, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stdout %q stderr %q", code, tt.code, out, stderr)
			}
			reps := jsonReports(t, out)
			if len(reps) != 1 || reps[0]["status"] != tt.status {
				t.Fatalf("reports = %v", reps)
			}
			for _, k := range []string{"rows", "accepted", "rejected", "unchanged", "removed", "status", "format", "encoding", "errors"} {
				if _, ok := reps[0][k]; !ok {
					t.Fatalf("report has no %q: %v", k, reps[0])
				}
			}
			if tt.check != nil {
				tt.check(t, reps[0])
			}
		})
	}
}

func TestIngestGuardAndConfirm(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	var full, part strings.Builder
	full.WriteString("sku,name\n")
	part.WriteString("sku,name\n")
	for i := range 10 {
		fmt.Fprintf(&full, "S%d,Produit %d\n", i, i)
		if i < 3 {
			fmt.Fprintf(&part, "S%d,Produit %d\n", i, i)
		}
	}
	if code, out, _ := run(t, "ingest", "--data", data, "--partner", "acme", writeFile(t, dir, "v1.csv", full.String())); code != exitOK {
		t.Fatalf("v1: %d %s", code, out)
	}
	code, out, _ := run(t, "ingest", "--data", data, "--partner", "acme", "--json", writeFile(t, dir, "v2.csv", part.String()))
	r := jsonReports(t, out)[0]
	if code != exitOK || r["status"] != "needs_confirmation" || r["removed"] != 0.0 {
		t.Fatalf("v2: exit %d %v", code, r)
	}
	id := r["id"].(string)
	if code, _, stderr := run(t, "confirm", "--data", data); code != exitUsage {
		t.Fatalf("confirm without id: %d %s", code, stderr)
	}
	code, out, stderr := run(t, "confirm", "--data", data, "--json", id)
	if code != exitOK {
		t.Fatalf("confirm: %d %s %s", code, out, stderr)
	}
	if r := jsonReports(t, out)[0]; r["status"] != "done" || r["removed"] != 7.0 {
		t.Fatalf("confirmed: %v", r)
	}
	if code, _, stderr := run(t, "confirm", "--data", data, id); code != exitFail || !strings.Contains(stderr, "not waiting") {
		t.Fatalf("second confirm: %d %s", code, stderr)
	}
}

func TestIngestDryRunUsesPartnerSettings(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	settings := filepath.Join(data, "blobs", "partners", "acme")
	if err := os.MkdirAll(settings, 0o750); err != nil {
		t.Fatal(err)
	}
	writeFile(t, settings, "settings.json", `{"mapping":{"Code interne":"sku","Libellé article":"name"}}`)
	file := writeFile(t, dir, "f.csv", "Code interne;Libellé article\nA1;Stylo\n")
	code, out, stderr := run(t, "ingest", "--data", data, "--partner", "acme", "--dry-run", "--json", file)
	r := jsonReports(t, out)[0]
	if code != exitOK || r["status"] != "done" || r["accepted"] != 1.0 || r["dry_run"] != true {
		t.Fatalf("exit %d %v %s", code, r, stderr)
	}
	if code, out, _ := run(t, "search", "--data", data, "--json", "Stylo"); code != exitOK || strings.Contains(out, `"A1"`) {
		t.Fatalf("a dry run indexed something: %s", out)
	}
}
