package catalog

// Quality is a product's completeness score, computed at ingest from rules
// a partner can read (package analysis) and stored with the product, so
// search and the partner area read it without rescanning anything.
type Quality struct {
	Score int    `json:"score"` // 0 to 100
	Grade string `json:"grade"` // A (best) to E
	// Issues are the codes of the rules the product fails, in rule order.
	Issues []string `json:"issues,omitempty"`
}

// Grades, best first.
const (
	GradeA = "A"
	GradeB = "B"
	GradeC = "C"
	GradeD = "D"
	GradeE = "E"
)

// Grades lists every grade, best first.
func Grades() []string { return []string{GradeA, GradeB, GradeC, GradeD, GradeE} }

// ValidGrade reports whether g is one of Grades.
func ValidGrade(g string) bool {
	switch g {
	case GradeA, GradeB, GradeC, GradeD, GradeE:
		return true
	}
	return false
}

// QualitySummary is the quality of the products of one catalog file: how
// many have each grade and which rules fail most often.
type QualitySummary struct {
	Products int `json:"products"`
	// Score is the mean of the products' scores, rounded down.
	Score int `json:"score"`
	// Grade is the grade of Score: the catalog's grade.
	Grade string `json:"grade"`
	// Grades counts the products of each grade; every grade is present.
	Grades map[string]int `json:"grades"`
	// Issues are the failed rules, most frequent first (then by code).
	Issues []IssueCount `json:"issues"`
	// ToFix is how many products fail at least one rule: the rows of the
	// catalog's products-to-fix download.
	ToFix int `json:"to_fix"`
}

// IssueCount is how many products of a catalog fail one rule.
type IssueCount struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Count   int    `json:"count"`
}
