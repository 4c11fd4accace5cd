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

// DemoCatalogs returns the demo set: four partners, one per profile, with
// 300 to 1,500 products each, as CSV, XLSX and JSON. They use the canonical
// headers, which the walking skeleton's ingest maps, and carry no defects.
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
	return []DemoCatalog{
		demo(ProfileFrenchOffice, 2026_01, 1500, FormatCSV, "bureau-plus-catalogue.csv"),
		demo(ProfileEnglishHardware, 2026_02, 1200, FormatXLSX, "northbridge-tools-pricelist.xlsx"),
		demo(ProfileChineseElectronics, 2026_03, 900, FormatJSON, "brightway-catalog.json"),
		demo(ProfileFrenchTextile, 2026_04, 1000, FormatCSV, "maison-lin-collection.csv"),
	}
}
