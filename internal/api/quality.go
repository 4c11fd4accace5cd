package api

import (
	"io"
	"net/http"

	"github.com/catalogsearch/catalogsearch/internal/analysis"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// The quality routes: the rules every product is scored by (public, so
// that partners can read them before they send a file), and a catalog's
// products to fix (the catalog's partner only). A catalog's quality
// summary is part of its report (GET /v1/catalogs/{id}).

// qualityRules is GET /v1/quality/rules.
func (a *API) qualityRules(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{
		"rules": analysis.Rules(),
		"grades": []map[string]any{
			{"grade": catalog.GradeA, "min_score": analysis.GradeAMin},
			{"grade": catalog.GradeB, "min_score": analysis.GradeBMin},
			{"grade": catalog.GradeC, "min_score": analysis.GradeCMin},
			{"grade": catalog.GradeD, "min_score": analysis.GradeDMin},
			{"grade": catalog.GradeE, "min_score": 0},
		},
	})
	return nil
}

// toFixCSV is GET /v1/catalogs/{id}/to-fix.csv: the catalog's products
// that fail a quality rule, with their grade, score and what to fix.
func (a *API) toFixCSV(w http.ResponseWriter, r *http.Request) error {
	c, err := a.partnerCatalog(r, r.PathValue("id"))
	if err != nil {
		return err
	}
	rc, _, err := a.deps.Blobs.Open(r.Context(), intake.ToFixKey(c.ID))
	if catalog.IsNotFound(err) {
		return catalog.Errorf(catalog.CodeNotFound, "catalog %s has no products to fix", c.ID)
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+c.ID+`-to-fix.csv"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil {
		a.log.WarnContext(r.Context(), "to-fix.csv cut short", "catalog", c.ID, "err", err.Error())
	}
	return nil
}
