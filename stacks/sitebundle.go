package stacks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// The site's Lambda code is web/ as it is, minus its tests and browser
// tooling, plus a Composer vendor folder: Bref 3's layer bootstrap
// requires vendor/autoload.php under the task root and runs the FPM
// runtime class of the bref/bref package from it (it fails at cold start
// with "Could not find the Composer vendor directory" otherwise). The
// vendor folder is installed at synth time, on the operator's machine, by
// `composer install --no-dev` from web/composer.json, into the bundle only
// (web/vendor is never used, nor needed locally: the site's own classes
// have their own autoloader).

// siteExcluded matches the paths of web/ (slash-separated, relative) that
// the Lambda code leaves out: tests and browser tooling, documentation,
// dot files, and any local vendor folder (the bundle gets its own).
var siteExcluded = regexp.MustCompile(`^(tests|e2e|test-results|vendor)(/|$)|(^|/)node_modules(/|$)|(^|/)\.|\.md$|^phpunit\.xml`)

// SiteExcluded reports whether the path of web/ rel stays out of the
// site's Lambda code.
func SiteExcluded(rel string) bool { return siteExcluded.MatchString(filepath.ToSlash(rel)) }

// ComposerInstallArgs are the arguments of the Composer command that
// installs the site's runtime dependencies into the bundle folder dir:
// production packages only, no prompts, an optimized class map.
func ComposerInstallArgs(dir string) []string {
	return []string{"install", "--no-dev", "--no-interaction", "--no-progress", "--prefer-dist", "--optimize-autoloader", "--working-dir=" + dir}
}

// errNoComposer is the synth's answer when Composer is not installed.
var errNoComposer = errors.New("website: Composer is not installed (no `composer` on PATH): the site's Lambda code needs Bref's runtime (bref/bref, web/composer.json), which `composer install --no-dev` adds when the stacks are synthesized; install Composer 2 and synthesize again (docs/deploy.md, \"What you need\")")

// BundleSite writes the site's Lambda code into out: the files of webDir
// but those SiteExcluded, then the vendor folder that composer (a path;
// empty: `composer` from PATH) installs there from webDir's composer.json
// (and composer.lock when there is one).
func BundleSite(ctx context.Context, webDir, out, composer string) error {
	if _, err := os.Stat(filepath.Join(webDir, "composer.json")); err != nil {
		return fmt.Errorf("website: %w", err)
	}
	if composer == "" {
		p, err := exec.LookPath("composer")
		if err != nil {
			return errNoComposer
		}
		composer = p
	}
	if err := copySite(webDir, out); err != nil {
		return fmt.Errorf("website: copy %s: %w", webDir, err)
	}
	// The command is fixed; composer is the operator's binary or the tests' stub.
	cmd := exec.CommandContext(ctx, composer, ComposerInstallArgs(out)...) //nolint:gosec // G204: see above
	cmd.Dir = out
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("website: %s %v: %w\n%s", composer, ComposerInstallArgs(out), err, output.String())
	}
	if _, err := os.Stat(filepath.Join(out, "vendor", "autoload.php")); err != nil {
		return fmt.Errorf("website: composer install left no vendor/autoload.php, which Bref's bootstrap requires: %w\n%s", err, output.String())
	}
	return nil
}

// copySite copies the files of webDir that are not SiteExcluded into out.
func copySite(webDir, out string) error {
	return filepath.WalkDir(webDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(webDir, path)
		if err != nil || rel == "." {
			return err
		}
		if SiteExcluded(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		dst := filepath.Join(out, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755) //nolint:gosec // Lambda runs the code as another user: folders in the zip must be world-readable
		}
		if !d.Type().IsRegular() {
			return nil // no symlinks or devices in the code
		}
		return copyFile(path, dst)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src) //nolint:gosec // a file of the site's own folder
	if err != nil {
		return err
	}
	defer func() { _ = in.Close() }()
	o, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644) //nolint:gosec // read by the Lambda's own user
	if err != nil {
		return err
	}
	if _, err := io.Copy(o, in); err != nil {
		_ = o.Close()
		return err
	}
	return o.Close()
}

// siteBundling implements awscdk.ILocalBundling for the site's code: CDK
// calls TryBundle when it stages the asset (never Docker).
type siteBundling struct {
	webDir   string
	composer string
}

// TryBundle bundles the site into outputDir or fails the synth.
func (b *siteBundling) TryBundle(outputDir *string, _ *awscdk.BundlingOptions) *bool {
	if err := BundleSite(context.Background(), b.webDir, *outputDir, b.composer); err != nil {
		panic(err) // jsii turns it into an error of the synth
	}
	return jsii.Bool(true)
}
