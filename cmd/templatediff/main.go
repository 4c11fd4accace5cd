// Command templatediff prints what changed between two syntheses of one
// stage: templatediff OLD_ASSEMBLY_DIR NEW_ASSEMBLY_DIR. It exits 0 with
// "no infrastructure change" or the changes, 2 on usage or read errors.
// scripts/cdk-template-diff.sh runs it for every stage (make cdk-template-diff).
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/catalogsearch/catalogsearch/internal/templatediff"
)

func main() { os.Exit(Run(os.Args[1:], os.Stdout, os.Stderr)) }

// Run compares the templates of the two folders of args.
func Run(args []string, stdout, stderr io.Writer) int {
	if len(args) != 2 {
		fmt.Fprintln(stderr, "usage: templatediff OLD_ASSEMBLY_DIR NEW_ASSEMBLY_DIR")
		return 2
	}
	old, err := templatediff.ReadDir(args[0])
	if err == nil && len(old) == 0 {
		err = fmt.Errorf("%s holds no *.template.json", args[0])
	}
	if err != nil {
		fmt.Fprintln(stderr, "templatediff:", err)
		return 2
	}
	cur, err := templatediff.ReadDir(args[1])
	if err == nil && len(cur) == 0 {
		err = fmt.Errorf("%s holds no *.template.json", args[1])
	}
	if err != nil {
		fmt.Fprintln(stderr, "templatediff:", err)
		return 2
	}
	lines := templatediff.Diff(old, cur)
	if len(lines) == 0 {
		fmt.Fprintln(stdout, "no infrastructure change")
		return 0
	}
	for _, l := range lines {
		fmt.Fprintln(stdout, l)
	}
	return 0
}
