// Package templatediff compares two syntheses of the CDK app (the
// CloudFormation templates of one stage) and says, resource by resource,
// what a change does to them: stacks, resources and outputs added or
// removed, and each changed property by its path. Asset hashes (which
// change with any rebuilt Lambda) are reduced to "<asset>" so that a
// reviewer sees infrastructure changes, not new builds.
package templatediff

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
)

// Template is one CloudFormation template, as decoded JSON.
type Template = map[string]any

// cdkMetadata is the type of the CDK's analytics resource, not infrastructure.
const cdkMetadata = "AWS::CDK::Metadata"

// MaxChangesPerResource caps the property paths listed for one resource.
const MaxChangesPerResource = 25

// assetName matches the file names of CDK assets: a content hash.
var assetName = regexp.MustCompile(`^[0-9a-f]{64}(\.[a-z]+)?$`)

// ReadDir reads every *.template.json of dir (a cloud assembly), keyed by
// stack name.
func ReadDir(dir string) (map[string]Template, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.template.json"))
	if err != nil {
		return nil, err
	}
	out := make(map[string]Template, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var t Template
		if err := json.Unmarshal(b, &t); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".template.json")] = t
	}
	return out, nil
}

// Diff returns the changes from old to new, one line each, stacks in name
// order; nothing when the templates are the same but for asset hashes.
func Diff(old, new map[string]Template) []string {
	var lines []string
	for _, name := range keys(old, new) {
		o, inOld := old[name]
		n, inNew := new[name]
		switch {
		case !inOld:
			lines = append(lines, fmt.Sprintf("+ stack %s (%d resources)", name, len(section(n, "Resources"))))
			continue
		case !inNew:
			lines = append(lines, fmt.Sprintf("- stack %s (%d resources)", name, len(section(o, "Resources"))))
			continue
		}
		var body []string
		for _, part := range []string{"Resources", "Outputs", "Parameters", "Conditions"} {
			body = append(body, diffSection(part, section(o, part), section(n, part))...)
		}
		if len(body) > 0 {
			lines = append(lines, "~ stack "+name)
			lines = append(lines, body...)
		}
	}
	return lines
}

func section(t Template, name string) map[string]any {
	m, _ := t[name].(map[string]any)
	return m
}

func keys[V any](a, b map[string]V) []string {
	seen := map[string]bool{}
	for k := range a {
		seen[k] = true
	}
	for k := range b {
		seen[k] = true
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// diffSection compares the entries of one template section.
func diffSection(part string, old, new map[string]any) []string {
	var lines []string
	kind := strings.TrimSuffix(strings.ToLower(part), "s")
	for _, id := range keys(old, new) {
		o, inOld := old[id]
		n, inNew := new[id]
		if typeOf(o) == cdkMetadata || typeOf(n) == cdkMetadata {
			continue // the CDK's usage analytics: changes with any construct
		}
		label := kind + " " + id
		if t := typeOf(n); t != "" {
			label = t + " " + id
		} else if t := typeOf(o); t != "" {
			label = t + " " + id
		}
		switch {
		case !inOld:
			lines = append(lines, "  + "+label)
		case !inNew:
			lines = append(lines, "  - "+label)
		default:
			var changes []string
			walk("", normalize(o), normalize(n), &changes)
			if len(changes) == 0 {
				continue
			}
			if typeOf(o) != typeOf(n) {
				lines = append(lines, fmt.Sprintf("  ~ %s (type %s -> %s: replaced)", label, typeOf(o), typeOf(n)))
				continue
			}
			lines = append(lines, "  ~ "+label)
			for i, c := range changes {
				if i == MaxChangesPerResource {
					lines = append(lines, fmt.Sprintf("      ... and %d more", len(changes)-i))
					break
				}
				lines = append(lines, "      "+c)
			}
		}
	}
	return lines
}

func typeOf(v any) string {
	m, _ := v.(map[string]any)
	t, _ := m["Type"].(string)
	return t
}

// normalize drops what changes with every build: asset hashes and the
// asset metadata the CDK writes.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if strings.HasPrefix(k, "aws:asset:") {
				continue
			}
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case string:
		if assetName.MatchString(x) {
			return "<asset>"
		}
		return x
	}
	return v
}

// walk lists the paths where o and n differ: "path: old -> new".
func walk(path string, o, n any, out *[]string) {
	if reflect.DeepEqual(o, n) {
		return
	}
	om, oIsMap := o.(map[string]any)
	nm, nIsMap := n.(map[string]any)
	if oIsMap && nIsMap {
		for _, k := range keys(om, nm) {
			walk(join(path, k), om[k], nm[k], out)
		}
		return
	}
	oa, oIsArr := o.([]any)
	na, nIsArr := n.([]any)
	if oIsArr && nIsArr && len(oa) == len(na) {
		for i := range oa {
			walk(fmt.Sprintf("%s[%d]", path, i), oa[i], na[i], out)
		}
		return
	}
	*out = append(*out, fmt.Sprintf("%s: %s -> %s", path, show(o), show(n)))
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// show renders a value on one line, shortened.
func show(v any) string {
	if v == nil {
		return "(none)"
	}
	b, _ := json.Marshal(v)
	s := string(b)
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}
