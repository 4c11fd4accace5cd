package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// Exit statuses of every command.
const (
	exitOK    = 0 // done (an ingest with rejected rows is done)
	exitFail  = 1 // the work failed or the input was refused as a whole
	exitUsage = 2 // bad flags or arguments
)

// env is what a command gets: its streams and the process environment.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	usage   string // argument synopsis after the name
	run     func(ctx context.Context, e env, args []string) int
}

func commands() map[string]command {
	cs := []command{
		{"serve", "run the local stack: API under /api, the PHP site everywhere else", "[--data DIR] [--addr HOST:PORT] [--demo]", runServe},
		{"ingest", "ingest catalog files for a partner", "[--data DIR] --partner ID [--mode full|partial] [--dry-run] [--json] FILE...", runIngest},
		{"confirm", "apply a catalog held for confirmation (it would remove many products)", "[--data DIR] [--json] [--partial] CATALOG_ID", runConfirm},
		{"search", "search the local index", "[--data DIR] [--json] [--limit N] QUERY", runSearch},
		{"reindex", "rebuild the search index (local Bleve, or OpenSearch) from the store", "[--data DIR] [--opensearch URL [--alias A] [--region R]] [--synonyms FILE] [--quiet]", runReindex},
		{"images", "fetch a partner's product images into the data folder (again, with --refetch)", "[--data DIR] --partner ID [--refetch] [--json]", runImages},
		{"gen", "write a generated demo or benchmark catalog", "[--rows N] [--format csv|xlsx|json|ndjson] [--profile P] [--seed N] [-o FILE]", runGen},
		{"smoke", "check a deployed stage (or the local stack) after a deploy: one line per step", "--url URL [--key KEY] [--timeout D]", runSmoke},
		{"partner-key", "issue or revoke a partner's API key (upload, reports)", "[--data DIR] (--partner ID | --revoke KEY)", runPartnerKey},
		{"operator-key", "issue or revoke an operator key (the insights of every catalog and of searches)", "[--data DIR] [--revoke KEY]", runOperatorKey},
	}
	m := make(map[string]command, len(cs))
	for _, c := range cs {
		m[c.name] = c
	}
	return m
}

// Run is catalogctl with its arguments (without the program name); it
// returns the exit status. Tests call it directly.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := env{stdin: stdin, stdout: stdout, stderr: stderr}
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 {
			if c, ok := cmds[args[1]]; ok {
				return c.run(ctx, e, []string{"--help"})
			}
		}
		printUsage(stdout, cmds)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "catalogctl: unknown command %q\n\n", args[0])
		printUsage(stderr, cmds)
		return exitUsage
	}
	return c.run(ctx, e, args[1:])
}

func printUsage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "catalogctl: Catalog Search on one machine (bbolt store, Bleve index, files on disk).")
	fmt.Fprintln(w, "\nUsage: catalogctl COMMAND [flags] [args]\n\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun `catalogctl COMMAND --help` for a command's flags.")
}

// newFlags returns a FlagSet whose --help prints the command's synopsis and
// flags to stdout.
func newFlags(e env, name string) *flag.FlagSet {
	c := commands()[name]
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: catalogctl %s %s\n\n%s.\n\nFlags:\n", c.name, c.usage, upperFirst(c.summary))
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args; it returns (status, false) when the command must stop:
// exitOK after --help, exitUsage on a bad flag.
func parse(e env, fs *flag.FlagSet, args []string) (int, bool) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "--help" || a == "-help" {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return exitOK, false
		}
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage, false
	}
	return 0, true
}

// parseNoArgs is parse for a command that takes flags only: an argument
// left over is a usage error that names it.
func parseNoArgs(e env, fs *flag.FlagSet, args []string) (int, bool) {
	if code, ok := parse(e, fs, args); !ok {
		return code, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "catalogctl %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return exitUsage, false
	}
	return 0, true
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func defaultDataDir() string {
	if d := os.Getenv("CATALOG_DATA"); d != "" {
		return d
	}
	return "data"
}

func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", defaultDataDir(), "data folder (store, index, files); env CATALOG_DATA")
}

// fail prints err for a person and returns the exit status for it.
func fail(e env, cmd string, err error) int {
	var ce *catalog.Error
	if errors.As(err, &ce) && ce.Code != catalog.CodeInternal {
		fmt.Fprintf(e.stderr, "catalogctl %s: %s\n", cmd, ce.Message)
	} else {
		fmt.Fprintf(e.stderr, "catalogctl %s: %v\n", cmd, err)
	}
	if catalog.CodeOf(err) == catalog.CodeInvalid {
		return exitUsage
	}
	return exitFail
}

func logger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}
