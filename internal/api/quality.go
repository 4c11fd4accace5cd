package api

import (
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
	return a.reportCSV(w, r, "to-fix", intake.ToFixKey, "has no products to fix")
}
