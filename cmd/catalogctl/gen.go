package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/demogen"
)

func runGen(ctx context.Context, e env, args []string) int {
	fs := newFlags(e, "gen")
	rows := fs.Int("rows", 1000, "data rows to write")
	format := fs.String("format", "csv", "csv, xlsx, json or ndjson")
	profile := fs.String("profile", "", "partner profile: "+strings.Join(demogen.Profiles(), ", "))
	headers := fs.String("headers", string(demogen.HeadersNative), "native (the partner's own headers) or canonical")
	seed := fs.Uint64("seed", 1, "random seed: equal seeds give equal files")
	defects := fs.Float64("defects", 0, "share of rows (0-1) with a defect ingest must report")
	sharedPct := fs.Int("shared", 0, "percent (0-100) of products drawn from a pool other catalogs of the same --pool share (same GTIN, name, brand; own price)")
	pool := fs.Uint64("pool", 1, "the shared pool: catalogs of one profile and pool offer the same pool products")
	poolSize := fs.Int("pool-size", 0, "products in the shared pool (0: 1000)")
	out := fs.String("o", "-", "output file (- for stdout)")
	if code, ok := parse(e, fs, args); !ok {
		return code
	}
	f, err := demogen.ParseFormat(*format)
	if err != nil {
		return fail(e, "gen", err)
	}
	w := e.stdout
	var file *os.File
	if *out != "-" {
		if file, err = os.Create(*out); err != nil {
			return fail(e, "gen", err)
		}
		w = file
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	stats, err := demogen.Write(ctx, bw, f, demogen.Options{Seed: *seed, Rows: *rows, Profile: *profile,
		Headers: demogen.HeaderStyle(*headers), DefectRate: *defects,
		SharedPct: *sharedPct, SharedPool: *pool, SharedPoolSize: *poolSize})
	if err == nil {
		err = bw.Flush()
	}
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fail(e, "gen", err)
	}
	if *out != "-" {
		b, _ := json.Marshal(stats)
		fmt.Fprintf(e.stderr, "wrote %s: %s\n", *out, b)
	}
	return exitOK
}
