package ingest

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
)

// A spool stores its rows, cells neutralised, after an optional head; its
// first error sticks; an unusable folder is an internal error naming what
// it holds.
func TestCSVSpool(t *testing.T) {
	ctx := context.Background()
	blobs, err := diskblobs.New(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		dir   string
		rows  [][]string
		head  io.Reader
		want  string
		err   string
		empty bool
	}{
		{"rows after the head", t.TempDir(), [][]string{{"=1+1", "a"}, {"b", "-x"}}, strings.NewReader("h1,h2\n"),
			"h1,h2\n'=1+1,a\nb,'-x\n", "", false},
		{"rows only", t.TempDir(), [][]string{{"@SUM", ""}}, nil, "'@SUM,\n", "", false},
		{"nothing spooled", t.TempDir(), nil, nil, "", "", true},
		{"no folder for the file", filepath.Join(t.TempDir(), "gone"), [][]string{{"a"}}, nil, "",
			"temporary file for rejected rows", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &csvSpool{dir: tt.dir, pattern: "t-*.csv", what: "rejected rows"}
			defer s.discard()
			for _, r := range tt.rows {
				_ = s.write(r)
			}
			if s.empty() != tt.empty {
				t.Fatalf("empty %v, want %v", s.empty(), tt.empty)
			}
			if tt.empty && tt.err == "" {
				return
			}
			err := s.store(ctx, blobs, "reports/t.csv", tt.head)
			if tt.err != "" {
				if catalog.CodeOf(err) != catalog.CodeInternal || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("store: %v, want an internal error about %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			rc, _, err := blobs.Open(ctx, "reports/t.csv")
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			got, _ := io.ReadAll(rc)
			if string(got) != tt.want {
				t.Fatalf("stored %q, want %q", got, tt.want)
			}
		})
	}
}
