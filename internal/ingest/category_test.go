package ingest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
)

// Category values split into a hierarchy only when it is one: '>' always,
// '/' when the file's values draw a tree (values.TreeSeparators), or as
// the partner's category_separators setting says.
func TestCategoryHierarchyOnlyWhenReal(t *testing.T) {
	flat := "sku;name;category;price\n" +
		"T1;Tote canvas;Bags/Totes;12\n" +
		"T2;Tote leather;Bags/Totes;40\n" +
		"G1;Gift card;Women/Men;25\n" +
		"S1;Sneaker;Shoes;60\n"
	tree := "sku;name;category;price\n" +
		"P1;Terracotta pot;Home/Garden/Pots;12\n" +
		"P2;Glazed pot;Home/Garden/Pots;18\n" +
		"R1;Rake;Home/Garden/Tools;22\n" +
		"K1;Knife;Home/Kitchen;30\n" +
		"B1;Bolt;DIY;1\n"
	cats := func(ps map[string]catalog.Product) string {
		var b strings.Builder
		for _, k := range []string{"T1", "G1", "S1", "P1", "R1", "K1"} {
			if p, ok := ps[k]; ok {
				fmt.Fprintf(&b, "%s=%s;", k, strings.Join(p.Category, " > "))
			}
		}
		return b.String()
	}
	tests := []struct {
		name, settings, file, want string
	}{
		{"flat names stay flat", "", flat, "T1=Bags/Totes;G1=Women/Men;S1=Shoes;"},
		{"a tree splits", "", tree, "P1=Home > Garden > Pots;R1=Home > Garden > Tools;K1=Home > Kitchen;"},
		{"the setting splits flat names", `{"category_separators":"/"}`, flat, "T1=Bags > Totes;G1=Women > Men;S1=Shoes;"},
		{"the setting keeps a tree whole", `{"category_separators":"none"}`, tree, "P1=Home/Garden/Pots;R1=Home/Garden/Tools;K1=Home/Kitchen;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			if tt.settings != "" {
				e.put(ingest.SettingsKey("acme"), tt.settings)
			}
			c := e.ingest("acme", "cats.csv", tt.file, "")
			if c.Status != catalog.StatusDone {
				t.Fatalf("%s %+v", c.Status, c.Report)
			}
			if got := cats(e.products("acme")); got != tt.want {
				t.Errorf("categories %s, want %s", got, tt.want)
			}
		})
	}
}

// A tree seen only after the first rows is still seen: the file is read
// ahead before its first product is written.
func TestCategoryTreeDetectedPastTheHeaderRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("sku,name,category\n")
	for i := range 40 {
		fmt.Fprintf(&b, "F%d,Flat %d,Sale/Outlet\n", i, i)
	}
	for i := range 40 {
		fmt.Fprintf(&b, "H%d,Pot %d,Home/Garden/%s\n", i, i, []string{"Pots", "Tools"}[i%2])
	}
	e := newEnv(t)
	e.ingest("acme", "late.csv", b.String(), "")
	ps := e.products("acme")
	if got := strings.Join(ps["F0"].Category, " > "); got != "Sale > Outlet" {
		t.Errorf("F0 category %q, want the tree's split (the file's values decide for all its rows)", got)
	}
	if got := strings.Join(ps["H39"].Category, " > "); got != "Home > Garden > Tools" {
		t.Errorf("H39 category %q", got)
	}
}

func TestCategorySeparatorsSettingIsChecked(t *testing.T) {
	for _, bad := range []string{`{"category_separators":","}`, `{"category_separators":"//"}`, `{"category_separators":"None"}`} {
		e := newEnv(t)
		e.put(ingest.SettingsKey("acme"), bad)
		c := e.ingest("acme", "a.csv", "sku;name\nA1;Stylo\n", "")
		if c.Status != catalog.StatusRefused || !strings.Contains(c.Report.Reason, "category_separators") {
			t.Errorf("%s: %s %q", bad, c.Status, c.Report.Reason)
		}
	}
}
