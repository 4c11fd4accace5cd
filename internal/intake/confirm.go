package intake

import (
	"context"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// RejectedKey is the blob key of a catalog's rejected-rows CSV.
func RejectedKey(catalogID string) string {
	return contract.ReportsPrefix + catalogID + "/rejected.csv"
}

// ToFixKey is the blob key of a catalog's products-to-fix CSV (the
// products that fail a quality rule, with what to fix).
func ToFixKey(catalogID string) string {
	return contract.ReportsPrefix + catalogID + "/to-fix.csv"
}

// recentCatalogs is how many of the partner's latest catalogs
// CheckConfirm looks through for a newer file.
const recentCatalogs = 20

// CheckConfirm checks that the catalog catalogID may be confirmed now and
// returns it as stored: it must be in status needs_confirmation, no newer
// file of the partner may have arrived since (unless that one was refused
// or failed: confirming would undo it), and its file must still be in
// blobs. It returns CodeNotFound for an unknown catalog and CodeConflict
// (with the catalog) when one of the conditions does not hold. It changes
// nothing: the caller applies the catalog (ingest.Service.Confirm) or
// queues it for the ingest Lambda.
func CheckConfirm(ctx context.Context, store catalog.Store, blobs catalog.Blobs, catalogID string) (catalog.Catalog, error) {
	c, err := store.GetCatalog(ctx, catalogID)
	if err != nil {
		return catalog.Catalog{}, err
	}
	return c, Confirmable(ctx, store, blobs, c)
}

// Confirmable runs CheckConfirm's checks on c as the caller read it.
func Confirmable(ctx context.Context, store catalog.Store, blobs catalog.Blobs, c catalog.Catalog) error {
	if c.Status != catalog.StatusNeedsConfirmation {
		return catalog.Errorf(catalog.CodeConflict, "catalog %s is %s, not waiting for confirmation", c.ID, c.Status)
	}
	recent, err := store.ListCatalogs(ctx, c.Partner, recentCatalogs)
	if err != nil {
		return err
	}
	for _, o := range recent {
		if o.ID != c.ID && o.ReceivedAt.After(c.ReceivedAt) && o.Status != catalog.StatusRefused && o.Status != catalog.StatusFailed {
			return catalog.Errorf(catalog.CodeConflict,
				"a newer file of partner %s (catalog %s) arrived after %s; confirming this one would undo it", c.Partner, o.ID, c.ID)
		}
	}
	if _, err := blobs.Stat(ctx, c.Key); err != nil {
		if catalog.IsNotFound(err) {
			return catalog.Errorf(catalog.CodeConflict, "the file of catalog %s (%s) is gone; upload it again", c.ID, c.File)
		}
		return err
	}
	return nil
}
