package demogen

import (
	"context"
	"io"
)

// DemoCatalog is one file that `catalogctl serve --demo` seeds.
type DemoCatalog struct {
	Partner string  `json:"partner"` // partner id, equal to Options.Partner
	Title   string  `json:"title"`   // who the partner is, for people
	File    string  `json:"file"`    // file name, its extension matching Format
	Format  Format  `json:"format"`
	Options Options `json:"options"`
}

// Write writes the demo catalog to w.
func (d DemoCatalog) Write(ctx context.Context, w io.Writer) (Stats, error) {
	return Write(ctx, w, d.Format, d.Options)
}

// DemoCatalogs returns the demo set: six partners of four profiles, with
// 300 to 1,500 products each, as CSV, XLSX, JSON and NDJSON. They use the
// canonical headers, which the walking skeleton's ingest maps, and carry no
// defects. The three office suppliers offer products of one shared pool
// (DemoSharedPool): a buyer finds the same product (same GTIN) from two or
// three of them at different prices.
func DemoCatalogs() []DemoCatalog {
	demo := func(profile string, seed uint64, rows int, f Format, file string) DemoCatalog {
		p := findProfile(profile)
		return DemoCatalog{
			Partner: p.partner,
			Title:   p.title,
			File:    file,
			Format:  f,
			Options: Options{Seed: seed, Rows: rows, Profile: profile, Headers: HeadersCanonical, Partner: p.partner},
		}
	}
	// reseller is another partner of profile's pool, offering pct percent
	// of its products from it.
	reseller := func(d DemoCatalog, partner, title, skuPrefix string, pct int) DemoCatalog {
		d.Partner, d.Title, d.Options.Partner, d.Options.SKUPrefix = partner, title, partner, skuPrefix
		return shared(d, pct)
	}
	return []DemoCatalog{
		shared(demo(ProfileFrenchOffice, 2026_01, 1500, FormatCSV, "bureau-plus-catalogue.csv"), 20),
		demo(ProfileEnglishHardware, 2026_02, 1200, FormatXLSX, "northbridge-tools-pricelist.xlsx"),
		demo(ProfileChineseElectronics, 2026_03, 900, FormatJSON, "brightway-catalog.json"),
		demo(ProfileFrenchTextile, 2026_04, 1000, FormatCSV, "maison-lin-collection.csv"),
		reseller(demo(ProfileFrenchOffice, 2026_05, 500, FormatNDJSON, "papeterie-centrale.ndjson"),
			"papeterie-centrale", "Revendeur de fournitures de bureau, livraison en 24 h", "PC-", 50),
		reseller(demo(ProfileFrenchOffice, 2026_06, 400, FormatCSV, "bureau-direct-tarifs.csv"),
			"bureau-direct", "Vente en ligne de fournitures aux entreprises", "BD-", 60),
	}
}

// DemoSharedPool and DemoSharedPoolSize are the pool the demo's office
// suppliers share (Options.SharedPool).
const (
	DemoSharedPool     = 2026_10
	DemoSharedPoolSize = 400
)

// shared makes d draw pct percent of its products from the demo's pool,
// with their stock.
func shared(d DemoCatalog, pct int) DemoCatalog {
	d.Options.SharedPct, d.Options.SharedPool, d.Options.SharedPoolSize = pct, DemoSharedPool, DemoSharedPoolSize
	d.Options.Stock = true
	return d
}
