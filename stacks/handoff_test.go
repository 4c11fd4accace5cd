package stacks

import (
	"sort"
	"strings"
	"testing"
)

// maxImportValues is how many Fn::ImportValue a stage may keep across its
// templates: none. Every value one stack needs from another goes through
// an SSM parameter (handoff.go), so no export locks a rollback. A value
// that truly needs an export's lock would be counted here, each one named
// with its reason in this comment.
const maxImportValues = 0

// TestCrossStackValuesUseParameters counts the exports and imports of each
// stage (issue 13: 114 Fn::ImportValue in prod jammed rollbacks), and
// checks that every SSM parameter a stack reads is written by a stack it
// depends on explicitly, so the order of deployment survives without
// exports.
func TestCrossStackValuesUseParameters(t *testing.T) {
	forEachStage(t, func(t *testing.T, s *synthesized) {
		imports := 0
		writers := map[string]string{} // parameter name -> stack part
		for _, part := range s.stackParts() {
			imports += strings.Count(jsonString(s.templates[part]), `"Fn::ImportValue"`)
			outputs, _ := s.templates[part]["Outputs"].(map[string]any)
			for id, o := range outputs {
				if get(o, "Export") != nil {
					t.Errorf("%s: output %s is an export", part, id)
				}
			}
			for _, p := range s.resources(part, "AWS::SSM::Parameter") {
				if name, ok := p.Props["Name"].(string); ok {
					writers[name] = part
				}
			}
		}
		if s.cfg.WAF {
			writers[s.cfg.ParameterName(EdgeWebACLParameter)] = "Edge" // written in the stage's region by an SDK call
		}
		if imports > maxImportValues {
			t.Errorf("%d Fn::ImportValue across the stage's templates, want at most %d", imports, maxImportValues)
		}
		prefix := s.cfg.ParameterName("")
		for _, part := range s.stackParts() {
			deps := map[string]bool{}
			ds, _ := get(s.manifest, "artifacts", s.cfg.StackName(part), "dependencies").([]any)
			for _, d := range ds {
				deps[d.(string)] = true
			}
			params, _ := s.templates[part]["Parameters"].(map[string]any)
			var read []string
			for _, p := range params {
				name, _ := get(p, "Default").(string)
				if get(p, "Type") != "AWS::SSM::Parameter::Value<String>" || !strings.HasPrefix(name, prefix) {
					continue
				}
				read = append(read, name)
				w, ok := writers[name]
				switch {
				case !ok:
					t.Errorf("%s reads %s, which no stack of the stage writes", part, name)
				case !deps[s.cfg.StackName(w)]:
					t.Errorf("%s reads %s, written by %s, without depending on it", part, name, w)
				}
			}
			sort.Strings(read)
			t.Logf("%s reads %d parameters: %s", part, len(read), strings.Join(read, ", "))
		}
	})
}
