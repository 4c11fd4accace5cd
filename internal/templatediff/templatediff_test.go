package templatediff

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func tmpl(t *testing.T, s string) Template {
	t.Helper()
	var v Template
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

const base = `{"Resources":{
 "Php":{"Type":"AWS::Lambda::Function","Properties":{"Runtime":"provided.al2023","Layers":["arn:aws:lambda:eu-west-3:534081306603:layer:arm-php-84-fpm:40"],
   "Code":{"S3Key":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.zip"},"Environment":{"Variables":{"STAGE":"prod"}}},
   "Metadata":{"aws:asset:path":"asset.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}},
 "Queue":{"Type":"AWS::SQS::Queue","Properties":{"RedrivePolicy":{"maxReceiveCount":3}}}},
 "Outputs":{"SiteURL":{"Value":"x"}}}`

func TestDiff(t *testing.T) {
	tests := []struct {
		name      string
		old, new  map[string]string
		want      []string // lines that must appear, in order
		wantEmpty bool
	}{
		{name: "a rebuilt Lambda alone changes nothing", old: map[string]string{"S": base},
			new: map[string]string{"S": strings.ReplaceAll(base, "0123456789abcdef", "fedcba9876543210")}, wantEmpty: true},
		{name: "CDK analytics are not infrastructure",
			old: map[string]string{"S": `{"Resources":{"CDKMetadata":{"Type":"AWS::CDK::Metadata","Properties":{"Analytics":"v2:a"}}}}`},
			new: map[string]string{"S": `{"Resources":{"CDKMetadata":{"Type":"AWS::CDK::Metadata","Properties":{"Analytics":"v2:b"}}}}`}, wantEmpty: true},
		{name: "changed properties by path", old: map[string]string{"S": base},
			new: map[string]string{"S": strings.NewReplacer(
				`534081306603:layer:arm-php-84-fpm:40`, `873528684822:layer:arm-php-84:21`,
				`{"STAGE":"prod"}`, `{"STAGE":"prod","BREF_RUNTIME":"fpm"}`,
				`"maxReceiveCount":3`, `"maxReceiveCount":5`).Replace(base)},
			want: []string{"~ stack S", "  ~ AWS::Lambda::Function Php",
				`      Properties.Environment.Variables.BREF_RUNTIME: (none) -> "fpm"`,
				`      Properties.Layers[0]: "arn:aws:lambda:eu-west-3:534081306603:layer:arm-php-84-fpm:40" -> "arn:aws:lambda:eu-west-3:873528684822:layer:arm-php-84:21"`,
				"  ~ AWS::SQS::Queue Queue", "      Properties.RedrivePolicy.maxReceiveCount: 3 -> 5"}},
		{name: "added and removed resources, outputs and stacks",
			old: map[string]string{"S": base, "Gone": `{"Resources":{"A":{"Type":"AWS::SNS::Topic"}}}`},
			new: map[string]string{"S": strings.Replace(base, `"Outputs":{"SiteURL":{"Value":"x"}}`,
				`"Outputs":{"ReservedConcurrency":{"Value":"11"}}`, 1), "New": `{"Resources":{}}`},
			want: []string{"- stack Gone (1 resources)", "+ stack New (0 resources)", "~ stack S", "  + output ReservedConcurrency", "  - output SiteURL"}},
		{name: "a new type is a replacement", old: map[string]string{"S": `{"Resources":{"A":{"Type":"AWS::SQS::Queue"}}}`},
			new:  map[string]string{"S": `{"Resources":{"A":{"Type":"AWS::SNS::Topic"}}}`},
			want: []string{"~ stack S", "  ~ AWS::SNS::Topic A (type AWS::SQS::Queue -> AWS::SNS::Topic: replaced)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, new := map[string]Template{}, map[string]Template{}
			for k, v := range tt.old {
				old[k] = tmpl(t, v)
			}
			for k, v := range tt.new {
				new[k] = tmpl(t, v)
			}
			got := Diff(old, new)
			if tt.wantEmpty {
				if len(got) != 0 {
					t.Fatalf("diff %q, want none", got)
				}
				return
			}
			i := 0
			for _, line := range got {
				if i < len(tt.want) && line == tt.want[i] {
					i++
				}
			}
			if i != len(tt.want) {
				t.Fatalf("diff:\n%s\nmissing, in order, from line %q", strings.Join(got, "\n"), tt.want[i])
			}
		})
	}
}

func TestReadDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "CatalogSearch-dev-Data.template.json"), []byte(base), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ReadDir(dir)
	if err != nil || len(got) != 1 || got["CatalogSearch-dev-Data"] == nil {
		t.Fatalf("ReadDir: %v %v", got, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Bad.template.json"), []byte(`{`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadDir(dir); err == nil {
		t.Fatal("a broken template was read")
	}
}
