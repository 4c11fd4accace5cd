package stacks

import (
	"fmt"
	"path/filepath"

	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// SynonymsPath is the stage's synonyms file as a path on this machine
// (SynonymsFile is relative to the app directory, moduleDir), or "" when
// the stage uses the built-in rules.
func (c StageConfig) SynonymsPath(moduleDir string) string {
	if c.SynonymsFile == "" || filepath.IsAbs(c.SynonymsFile) {
		return c.SynonymsFile
	}
	return filepath.Join(moduleDir, c.SynonymsFile)
}

// CheckSynonymsFile parses the stage's synonyms file as the Lambdas will
// at cold start, so that a file they would refuse fails the synth instead,
// with the file and the line.
func CheckSynonymsFile(c StageConfig, moduleDir string) error {
	path := c.SynonymsPath(moduleDir)
	if path == "" {
		return nil
	}
	if _, err := search.ReadSynonymsFile(path); err != nil {
		return fmt.Errorf("stage %s: synonymsFile: %w", c.Stage, err)
	}
	return nil
}

// searchIndexBundle returns the extra files and environment of the
// Lambdas that open the search index (api, indexer, reindex): the stage's
// synonyms file as contract.SynonymsFileInBundle next to bootstrap, and
// contract.EnvSynonymsFile naming it under LambdaTaskRoot. Both are empty
// when the stage uses the built-in rules.
func searchIndexBundle(c StageConfig, moduleDir string) (files, env map[string]string) {
	path := c.SynonymsPath(moduleDir)
	if path == "" {
		return nil, nil
	}
	return map[string]string{contract.SynonymsFileInBundle: path},
		map[string]string{contract.EnvSynonymsFile: LambdaTaskRoot + "/" + contract.SynonymsFileInBundle}
}

// withEnv returns env with the variables of extra added.
func withEnv(extra, env map[string]string) map[string]string {
	for k, v := range extra {
		env[k] = v
	}
	return env
}
