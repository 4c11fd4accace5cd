package api_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// TestSchemasNameEveryField walks the Go types the API serves as JSON and
// checks that every field they encode is a property of the matching schema
// in openapi.json, nested objects and arrays included: a field added to a
// type and not documented fails here, where validating a sample answer
// only fails when that answer happens to carry the field.
func TestSchemasNameEveryField(t *testing.T) {
	d := loadOpenAPI(t)
	schemas := d.raw["components"].(map[string]any)["schemas"].(map[string]any)
	for _, tc := range []struct {
		schema string
		typ    any
	}{
		{"Catalog", catalog.Catalog{}},
		{"Report", catalog.Report{}},
		{"RowError", catalog.RowError{}},
		{"Product", catalog.Product{}},
		{"ProductChange", catalog.ProductChange{}},
		{"Quality", catalog.Quality{}},
		{"QualitySummary", catalog.QualitySummary{}},
		{"Result", catalog.Result{}},
		{"Money", catalog.Money{}},
	} {
		t.Run(tc.schema, func(t *testing.T) {
			s, ok := schemas[tc.schema].(map[string]any)
			if !ok {
				t.Fatalf("openapi.json has no schema %s", tc.schema)
			}
			for _, miss := range d.undocumented(s, reflect.TypeOf(tc.typ), tc.schema) {
				t.Errorf("%s is encoded but not documented", miss)
			}
		})
	}
}

// undocumented lists the JSON fields of struct type typ, recursively, that
// schema does not name. A schema without properties (a free-form object,
// a string such as Money's) is not walked.
func (d openAPIDoc) undocumented(schema map[string]any, typ reflect.Type, at string) []string {
	schema = d.resolve(schema)
	for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Array {
		typ = typ.Elem()
		if items, ok := schema["items"].(map[string]any); ok {
			schema = d.resolve(items)
		}
	}
	props, ok := schema["properties"].(map[string]any)
	if typ.Kind() != reflect.Struct || !ok || typ == reflect.TypeOf(time.Time{}) {
		return nil
	}
	var out []string
	for f := range typ.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		p, ok := props[name].(map[string]any)
		if !ok {
			out = append(out, at+"."+name)
			continue
		}
		out = append(out, d.undocumented(p, f.Type, at+"."+name)...)
	}
	slices.Sort(out)
	return out
}
