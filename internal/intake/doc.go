// Package intake is the API-facing side of ingest: upload slots (where a
// partner puts a catalog file, and the catalog record that waits for it)
// and the checks before a held catalog is confirmed. It parses no file and
// imports nothing heavy, so that the api Lambda, which only hands work to
// the ingest Lambda, stays small; package ingest does the parsing and
// processing and builds on this one.
package intake
