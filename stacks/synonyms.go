package stacks

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"

	"github.com/catalogsearch/catalogsearch/internal/contract"
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

// CheckSynonymsFile parses the stage's synonyms file with parse, the
// parser the Lambdas use at cold start (the app passes the search
// package's: infrastructure does not import it), so that a file they would
// refuse fails the synth instead, with the file and the line. A nil parse
// only checks that the file can be read.
func CheckSynonymsFile(c StageConfig, moduleDir string, parse func(path string) error) error {
	path := c.SynonymsPath(moduleDir)
	if path == "" {
		return nil
	}
	if parse == nil {
		parse = func(path string) error {
			_, err := os.Stat(path)
			return err
		}
	}
	if err := parse(path); err != nil {
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
	maps.Copy(env, extra)
	return env
}
