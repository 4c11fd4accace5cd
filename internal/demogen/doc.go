// Package demogen generates realistic, deterministic product catalogs: the
// demo data that `catalogctl serve --demo` seeds and the large files that the
// ingest and search benchmarks read.
//
// A catalog is a sequence of rows drawn from a partner profile (a French
// office-supplies wholesaler, an English hardware distributor, a Chinese
// electronics exporter, a French home-textile maker). Each profile has its
// own vocabulary (French names and descriptions with accents and elisions,
// or English), brands, 2–3 level category paths, currencies, origin
// countries, B2B attributes (MOQ, unit, lead time), variant groups (rows that
// share a parent model and differ by size or colour) and the column headers
// such a partner really sends. With HeadersCanonical every profile emits the
// ten lowercase headers of the thin ingest instead.
//
// The same Options (seed included) always give byte-identical output: the
// generator draws from its own PCG source and reads no package state. A
// share of rows can carry the defects ingest must report (missing price, bad
// EAN check digit, empty name); their exact number is round(DefectRate ×
// Rows), and Stats counts them by kind.
//
// Catalogs can offer the same products: with Options.SharedPct, a share of
// a catalog's products are drawn from a pool (Options.SharedPool) that
// other catalogs of the profile draw from too, each pool product from the
// pool's own random source, so that two partners offer one product under
// one GTIN, name and brand at their own prices. Catalogs of distinct seeds
// otherwise never share a GTIN. The demo's three office suppliers share a
// pool (DemoCatalogs).
//
// Every writer (CSV, XLSX, JSON array, NDJSON) streams: memory stays flat
// whatever the row count. The XLSX writer spools the sheet to a temporary
// file, as excelize's StreamWriter does, and zips it straight to the output.
package demogen
