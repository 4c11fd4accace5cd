package indextest

import (
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// SynonymsFile is the per-deployment synonyms file of the suite: the
// default rules plus one of its own, to prove the file is honoured.
const SynonymsFile = `# conformance suite synonyms
t shirt, t-shirt, tshirt, tee shirt, tee-shirt
sofa, couch => canape
`

var base = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func price(amount, currency string) *catalog.Money {
	return &catalog.Money{Amount: catalog.MustDecimal(amount), Currency: currency}
}

// product builds a fixture product; n orders UpdatedAt (higher is newer).
func product(partner, key string, n int, name, brand string, cat []string, p *catalog.Money) catalog.Product {
	return catalog.Product{
		ID: catalog.ProductID(partner, key), Partner: partner, Key: key, SKU: key,
		Name: name, Brand: brand, Category: cat, Price: p,
		UpdatedAt: base.Add(time.Duration(n) * time.Hour), Version: 1,
		Source: catalog.Source{CatalogID: "fixture", File: "fixture.csv", Row: n},
	}
}

// Fixture is the fixed catalog every engine indexes for the suite. Each
// product is there for a rule; the comments say which.
func Fixture() []catalog.Product {
	with := func(p catalog.Product, f func(*catalog.Product)) catalog.Product { f(&p); return p }
	return []catalog.Product{
		with(product("p1", "BC1010", 1, "Chaise pliante en bois", "Acme", []string{"Maison", "Mobilier", "Chaises"}, price("29.90", "EUR")), func(p *catalog.Product) {
			p.Description = "Chaise pliante robuste, idéale pour l'événement en extérieur."
			p.GTIN = "4006381333931"
			p.SupplierRef = "REF-77.001"
			p.Attributes = map[string]string{"Color": "Green", "Material": "Wood"}
		}),
		with(product("p1", "BC1011", 2, "Chaise de bureau ergonomique", "ErgoPro", []string{"Bureau", "Sièges"}, price("149", "EUR")), func(p *catalog.Product) {
			p.Attributes = map[string]string{"Color": "Black"}
		}),
		with(product("p1", "SH-200", 3, "Chaussures de randonnée", "Montagne", []string{"Sport", "Chaussures"}, price("89.50", "EUR")), func(p *catalog.Product) {
			p.Attributes = map[string]string{"Color": "Brown"}
			p.Variants = []catalog.Variant{
				{SKU: "SH-200-42", Options: map[string]string{"Size": "42"}},
				{SKU: "SH-200-43", Options: map[string]string{"Size": "43"}},
			}
		}),
		product("p1", "SH-300", 4, "Trail running shoes", "Montagne", []string{"Sport", "Chaussures"}, price("120", "USD")),
		product("p1", "TS-1", 5, "T-shirt coton bio", "Acme", []string{"Mode", "Hauts"}, price("15", "EUR")),
		product("p1", "TS-2", 6, "Tshirt manches longues", "Basics", []string{"Mode", "Hauts"}, price("19", "EUR")),
		product("p1", "TS-3", 7, "Tee shirt col V", "Basics", []string{"Mode", "Hauts"}, price("12", "EUR")),
		product("p2", "EV-1", 8, "Billet pour l'événement annuel", "EventCo", []string{"Loisirs", "Billetterie"}, price("45", "EUR")),
		product("p2", "CA-1", 9, "Canapé d'angle convertible", "Confort", []string{"Maison", "Mobilier", "Canapés"}, price("899", "EUR")),
		product("p2", "TA-1", 10, "Table de cuisine en chêne", "Acme", []string{"Maison", "Cuisine"}, price("250", "EUR")),
		product("p2", "CF-1", 11, "Cafetière électrique", "Kafe", []string{"Maison", "Cuisine", "Électroménager"}, price("39.99", "EUR")),
		with(product("p2", "LA-1", 12, "Lampe de bureau LED", "Lumina", []string{"Bureau", "Éclairage"}, price("25", "EUR")), func(p *catalog.Product) {
			p.GTIN = "0012345678905"
		}),
		with(product("p3", "PX-18", 13, "Perceuse sans fil 18V", "Bricomax", []string{"Bricolage", "Outillage"}, price("79", "EUR")), func(p *catalog.Product) {
			p.SupplierRef = "PX 18.V-02"
		}),
		// Mentions the SKU BC1010 in its name: the exact identifier hit
		// (the chair) must still rank first.
		product("p3", "CT-9", 14, "Cartouche compatible BC1010", "Printa", []string{"Bureau", "Informatique"}, price("9", "EUR")),
		product("p3", "OR-15", 15, "Ordinateur portable 15 pouces", "Compu", []string{"Bureau", "Informatique"}, price("699", "EUR")),
		product("p2", "BC2000", 16, "Chaise pliante métal", "Acme", []string{"Maison", "Mobilier", "Chaises"}, price("19.90", "EUR")),
		product("p2", "CO-1", 17, "Couteau de cuisine", "Kafe", []string{"Maison", "Cuisine"}, price("9.50", "EUR")),
		// No price, no brand: sorts last by price, counts in no brand.
		product("p3", "GC-1", 18, "Carte cadeau", "", []string{"Loisirs"}, nil),
		// Raw text in highlights: the ampersand stays as it is.
		product("p3", "SP-1", 19, "Sel & poivre moulin", "Kafe", []string{"Maison", "Cuisine"}, price("14", "EUR")),
		product("p3", "IM-1", 20, "Imprimante laser", "Printa", []string{"Bureau", "Informatique"}, price("199", "EUR")),
	}
}

// IDs of fixture products, for readable assertions.
const (
	chairWood   = "p1:BC1010"
	chairOffice = "p1:BC1011"
	hikingShoes = "p1:SH-200"
	trailShoes  = "p1:SH-300"
	tshirt1     = "p1:TS-1"
	tshirt2     = "p1:TS-2"
	tshirt3     = "p1:TS-3"
	ticket      = "p2:EV-1"
	sofa        = "p2:CA-1"
	table       = "p2:TA-1"
	coffee      = "p2:CF-1"
	lamp        = "p2:LA-1"
	drill       = "p3:PX-18"
	cartridge   = "p3:CT-9"
	laptop      = "p3:OR-15"
	chairMetal  = "p2:BC2000"
	knife       = "p2:CO-1"
	giftCard    = "p3:GC-1"
	saltPepper  = "p3:SP-1"
	printer     = "p3:IM-1"
)
