package stacks

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// SiteRates reads and checks the stage's rates file (RatesFile, relative
// to moduleDir) and returns it as the site's contract.EnvRates value; ""
// when the stage has none.
func (c StageConfig) SiteRates(moduleDir string) (string, error) {
	if c.RatesFile == "" {
		return "", nil
	}
	path := c.RatesFile
	if !filepath.IsAbs(path) {
		path = filepath.Join(moduleDir, path)
	}
	b, err := os.ReadFile(path) //nolint:gosec // the stage's own configuration
	if err != nil {
		return "", fmt.Errorf("stage %s: ratesFile: %w", c.Stage, err)
	}
	rates, err := contract.CheckRates(b)
	if err != nil {
		return "", fmt.Errorf("stage %s: ratesFile %s: %w", c.Stage, c.RatesFile, err)
	}
	return rates, nil
}
