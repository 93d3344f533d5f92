// Package cli implements the affsync command line, one file per subcommand.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/network/networks"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
)

// Env is everything a command touches of its surroundings, so tests can run
// commands in-process.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Context is cancelled on SIGINT/SIGTERM (StdEnv) or by a test.
	Context context.Context
	// Networks are the networks connections may be of (StdEnv: the
	// built-in ones); nil: networks.Builtin().
	Networks *network.Registry
}

// networks is the environment's registry of networks.
func (env Env) networks() *network.Registry {
	if env.Networks == nil {
		return networks.Builtin()
	}
	return env.Networks
}

// StdEnv is the process's own environment. The first SIGINT or SIGTERM
// cancels its context (a clean shutdown); a second one exits at once, for
// an operator who will not wait for it.
func StdEnv() Env {
	ctx, cancel := context.WithCancel(context.Background())
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		cancel()
		s := <-sig
		fmt.Fprintf(os.Stderr, "affsync: second %v, exiting at once\n", s)
		os.Exit(exitFailure)
	}()
	return Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Context: ctx, Networks: networks.Builtin()}
}

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // something went wrong while running
	exitUsage   = 2 // bad usage or bad input
)

// usageError is a mistake in how a command was called or in its input.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(env Env, args []string) error
}

func commands() []command {
	return []command{
		{"migrate", "create or update the database schema", runMigrate},
		{"serve", "serve the REST API, the dashboard and the scheduler", runServe},
		{"apikey", "manage API keys (apikey create, list, revoke)", runAPIKey},
		{"user", "manage dashboard users (user create, list, role, remove, password)", runUser},
		{"connection", "manage network connections (connection add)", runConnection},
		{"import", "import report files into a connection", runImport},
		{"sync", "sync connections from their networks now", runSync},
		{"rates", "import ECB exchange rates (rates import FILE...)", runRates},
		{"workspace", "the workspace's reporting currency (workspace currency [CUR])", runWorkspace},
		{"transactions", "list transactions from a server's API (filters: custom, status, dates…)", runTransactions},
		{"revenues", "list revenues from a server's API, grouped", runRevenues},
		{"clicks", "list clicks from a server's API, grouped", runClicks},
		{"amazon-sim", "serve a simulated Amazon Associates account", runAmazonSim},
		{"backup", "consistent copy of an SQLite store, also while serve runs", runBackup},
		{"restore", "replace a stopped SQLite store with a backup", runRestore},
		{"demo", "simulator, server and embedded SQLite with ready data", runDemo},
	}
}

// Main runs the command line and returns the exit status.
func Main(args []string, env Env) int {
	if env.Context == nil {
		env.Context = context.Background()
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(env.Stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	// Global flags may come before the subcommand too: affsync --db X serve.
	pre := flag.NewFlagSet("affsync", flag.ContinueOnError)
	pre.SetOutput(io.Discard)
	g := addGlobals(pre)
	if err := pre.Parse(args); err != nil {
		fmt.Fprintf(env.Stderr, "affsync: %v\n", err)
		return exitUsage
	}
	args = pre.Args()
	if len(args) == 0 {
		printUsage(env.Stderr)
		return exitUsage
	}
	for _, c := range commands() {
		if c.name == args[0] {
			env := env
			env.Getenv = g.overlay(env.Getenv)
			return exitStatus(env, c.name, c.run(env, args[1:]))
		}
	}
	fmt.Fprintf(env.Stderr, "affsync: unknown command %q\n\n", args[0])
	printUsage(env.Stderr)
	return exitUsage
}

func exitStatus(env Env, name string, err error) int {
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "affsync %s: %v\n", name, err)
		return exitUsage
	default:
		fmt.Fprintf(env.Stderr, "affsync %s: %v\n", name, err)
		return exitFailure
	}
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "affsync: affiliate reports, collected and served.")
	fmt.Fprintln(w, "\nUsage: affsync [--db DSN] [--workspace NAME] COMMAND [flags]\n\nCommands:")
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nGlobal flags (every command):")
	fmt.Fprintln(w, "  --db DSN          sqlite:PATH (default sqlite:./affsync.db) or postgres://…; also AFFSYNC_DB")
	fmt.Fprintln(w, "  --workspace NAME  workspace to act in (default \"default\", created on first use)")
	fmt.Fprintln(w, "\nRun 'affsync COMMAND --help' for a command's flags.")
}

// globals are the flags every command accepts.
type globals struct {
	db, workspace *string
}

func addGlobals(fs *flag.FlagSet) globals {
	return globals{
		db:        fs.String("db", "", "database: sqlite:PATH or postgres://… (default $AFFSYNC_DB or sqlite:./affsync.db)"),
		workspace: fs.String("workspace", "", "workspace name (default \"default\")"),
	}
}

// overlay makes flags given before the subcommand visible as if set in the
// environment, so each command reads one source.
func (g globals) overlay(getenv func(string) string) func(string) string {
	return func(k string) string {
		switch {
		case k == "AFFSYNC_DB" && *g.db != "":
			return *g.db
		case k == "AFFSYNC_WORKSPACE" && *g.workspace != "":
			return *g.workspace
		}
		return getenv(k)
	}
}

// newFlags makes a subcommand's flag set with the global flags on it too.
func newFlags(env Env, name, usage string) (*flag.FlagSet, globals) {
	fs := flag.NewFlagSet("affsync "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	g := addGlobals(fs)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: affsync %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return fs, g
}

// parse parses flags; a flag error is a usage error.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// dsn is the database to use: --db, else AFFSYNC_DB, else ./affsync.db.
func (g globals) dsn(env Env) string {
	if *g.db != "" {
		return *g.db
	}
	if v := env.Getenv("AFFSYNC_DB"); v != "" {
		return v
	}
	return "sqlite:./affsync.db"
}

func (g globals) workspaceName(env Env) string {
	if *g.workspace != "" {
		return *g.workspace
	}
	if v := env.Getenv("AFFSYNC_WORKSPACE"); v != "" {
		return v
	}
	return "default"
}

// openStore opens and migrates the database.
func (g globals) openStore(env Env) (*store.Store, error) {
	s, err := store.Open(env.Context, g.dsn(env), store.Options{})
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(env.Context); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// openWorkspace opens the store and the workspace the command acts in.
func (g globals) openWorkspace(env Env) (*store.Store, store.Workspace, error) {
	s, err := g.openStore(env)
	if err != nil {
		return nil, store.Workspace{}, err
	}
	ws, err := s.EnsureWorkspace(env.Context, g.workspaceName(env))
	if err != nil {
		s.Close()
		return nil, store.Workspace{}, err
	}
	return s, ws, nil
}

// sealer loads the key that encrypts credentials: AFFSYNC_SECRET_KEY, else a
// key file beside the SQLite database (created on first use). PostgreSQL has
// no file to sit beside, so it needs the variable.
func sealer(env Env, s *store.Store) (*secret.Box, error) {
	keyFile := ""
	if s.Dialect() == store.SQLite && s.Path() != ":memory:" {
		keyFile = s.Path() + ".key"
	}
	if env.Getenv("AFFSYNC_SECRET_KEY") == "" && keyFile == "" {
		return nil, errors.New("AFFSYNC_SECRET_KEY is not set: with PostgreSQL, set it to 32 random bytes in base64 (openssl rand -base64 32) on every instance")
	}
	key, err := secret.LoadKey(env.Getenv("AFFSYNC_SECRET_KEY"), keyFile, true)
	if err != nil {
		return nil, err
	}
	return secret.NewBox(key)
}

// logger writes to stderr at AFFSYNC_LOG_LEVEL (debug, info, warn, error;
// default info), as text or, with AFFSYNC_LOG_FORMAT=json, one JSON object a
// line. A value it does not know is said once and the default kept: a typo
// in the environment should not stop a server from starting.
func logger(env Env) *slog.Logger {
	var level slog.Level // info
	badLevel := false
	if v := env.Getenv("AFFSYNC_LOG_LEVEL"); v != "" {
		badLevel = level.UnmarshalText([]byte(v)) != nil
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	format := strings.ToLower(env.Getenv("AFFSYNC_LOG_FORMAT"))
	switch format {
	case "json":
		h = slog.NewJSONHandler(env.Stderr, opts)
	default:
		h = slog.NewTextHandler(env.Stderr, opts)
	}
	log := slog.New(h)
	if badLevel {
		log.Warn("AFFSYNC_LOG_LEVEL is not debug, info, warn or error; logging at info", "value", env.Getenv("AFFSYNC_LOG_LEVEL"))
	}
	if format != "" && format != "json" && format != "text" {
		log.Warn("AFFSYNC_LOG_FORMAT is not text or json; logging as text", "value", env.Getenv("AFFSYNC_LOG_FORMAT"))
	}
	return log
}
