package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// composerStub is the tests' stand-in for Composer (Composer's registry
// cannot be reached here): it records its arguments and writes a
// placeholder vendor/autoload.php (stacks/testdata/composer/composer).
func composerStub(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", "composer", "composer"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBundleSite runs the site's bundling with the Composer stub: web/ is
// copied without its tests, then `composer install --no-dev` runs in the
// bundle, whose vendor/autoload.php Bref's bootstrap requires.
func TestBundleSite(t *testing.T) {
	webDir := filepath.Join(the.moduleDir, "web")
	cases := []struct {
		name     string
		composer func(t *testing.T) string
		env      map[string]string
		wantErr  string
	}{
		{name: "installs the vendor folder", composer: composerStub},
		{name: "Composer missing", composer: func(t *testing.T) string {
			t.Setenv("PATH", t.TempDir()) // no composer anywhere
			return ""
		}, wantErr: "Composer is not installed"},
		{name: "Composer fails", composer: composerStub, env: map[string]string{"COMPOSER_STUB_FAIL": "1"}, wantErr: "failing as asked"},
		{name: "no autoload.php", composer: func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "composer")
			if err := os.WriteFile(p, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil { //nolint:gosec // an executable stub
				t.Fatal(err)
			}
			return p
		}, wantErr: "no vendor/autoload.php"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "composer.log")
			t.Setenv("COMPOSER_STUB_LOG", log)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			out := t.TempDir()
			err := BundleSite(t.Context(), webDir, out, tc.composer(t))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got %v, want an error with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			args, _ := os.ReadFile(log)
			if got, want := strings.TrimSpace(string(args)), strings.Join(ComposerInstallArgs(out), " "); got != want {
				t.Errorf("composer ran with %q, want %q", got, want)
			}
			for _, f := range []string{"vendor/autoload.php", "composer.json", "public/index.php", "src/OriginGuard.php"} {
				if _, err := os.Stat(filepath.Join(out, f)); err != nil {
					t.Errorf("bundle lacks %s", f)
				}
			}
			for _, f := range []string{"tests", "e2e", "README.md", "phpunit.xml"} {
				if _, err := os.Stat(filepath.Join(out, f)); err == nil {
					t.Errorf("bundle ships %s", f)
				}
			}
		})
	}
}

// TestSiteComposerJSON checks web/composer.json: bref/bref ^3, as Bref 3's
// upgrade guide writes it, for the PHP version of the layer.
func TestSiteComposerJSON(t *testing.T) {
	var doc struct {
		Require map[string]string `json:"require"`
		Config  struct {
			Platform map[string]string `json:"platform"`
		} `json:"config"`
	}
	if err := readJSON(filepath.Join(the.moduleDir, "web", "composer.json"), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Require["bref/bref"] != "^3" || len(doc.Require) != 1 {
		t.Errorf("require %v, want bref/bref ^3 only", doc.Require)
	}
	if want := WebPHPVersion[:1] + "." + WebPHPVersion[1:] + ".0"; doc.Config.Platform["php"] != want {
		t.Errorf("config.platform.php %q, want %q (the layer's PHP)", doc.Config.Platform["php"], want)
	}
}
