package ingest

import (
	"github.com/catalogsearch/catalogsearch/internal/analysis"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// History: every ingest records what it did to each product (created,
// changed with the fields that changed and the price before and after,
// removed) with Store.PutChanges, from the delta it computes anyway. The
// changes of a batch are written before its products: a retry of the same
// delivery (the same catalog ID) writes the same items again, so a crash
// between the two loses no history. A dry run and an unchanged file record
// nothing; neither does a rewrite that changes none of the fields a buyer
// sees (new quality rules change the content hash only).

// change is the change p (stored before as old, nil when there is none)
// makes, of kind; false when it records nothing.
func (w *productWriter) change(kind catalog.ChangeKind, old, p *catalog.Product) (catalog.ProductChange, bool) {
	c := catalog.ProductChange{CatalogID: w.catalogID, Partner: w.partner, ProductID: p.ID, Kind: kind, Name: p.Name,
		PriceAfter: analysis.ListPrice(p), At: w.at}
	switch {
	case kind == "":
		return c, false
	case kind == catalog.ChangeChanged && old == nil: // removed meanwhile
		c.Kind = catalog.ChangeCreated
	case kind == catalog.ChangeChanged:
		c.Fields = analysis.ChangedFields(old, p)
		if len(c.Fields) == 0 {
			return c, false
		}
		c.PriceBefore = analysis.ListPrice(old)
	}
	return c, true
}

// removal is the change that removing the stored product p makes.
func (w *productWriter) removal(p *catalog.Product) catalog.ProductChange {
	return catalog.ProductChange{CatalogID: w.catalogID, Partner: w.partner, ProductID: p.ID, Kind: catalog.ChangeRemoved, Name: p.Name,
		PriceBefore: analysis.ListPrice(p), At: w.at}
}
