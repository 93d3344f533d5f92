package cli

import (
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
)

const apiKeyUsage = "usage: affsync apikey create --name N [--scope read|write] | apikey list [--json] | apikey revoke ID"

func runAPIKey(env Env, args []string) error {
	if len(args) == 0 {
		return usagef(apiKeyUsage)
	}
	switch args[0] {
	case "create":
		return runAPIKeyCreate(env, args[1:])
	case "list":
		return runAPIKeyList(env, args[1:])
	case "revoke":
		return runAPIKeyRevoke(env, args[1:])
	}
	return usagef(apiKeyUsage)
}

func runAPIKeyCreate(env Env, args []string) error {
	fs, g := newFlags(env, "apikey create", "apikey create --name N [--scope read|write]")
	name := fs.String("name", "", "a name to recognise the key by (required)")
	scope := fs.String("scope", store.ScopeRead, "read or write")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *name == "" {
		return usagef("--name is required")
	}
	if *scope != store.ScopeRead && *scope != store.ScopeWrite {
		return usagef("--scope must be read or write, not %q", *scope)
	}
	s, ws, err := g.openWorkspace(env)
	if err != nil {
		return err
	}
	defer s.Close()
	key, err := createAPIKey(env, s, ws.ID, *name, *scope)
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, key)
	return nil
}

// runAPIKeyList prints the workspace's keys: a table, or JSON with --json.
// Secrets exist nowhere to print; the prefix tells keys apart.
func runAPIKeyList(env Env, args []string) error {
	fs, g := newFlags(env, "apikey list", "apikey list [--json]")
	asJSON := fs.Bool("json", false, "print a JSON array instead of a table")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("apikey list takes no arguments")
	}
	s, ws, err := g.openWorkspace(env)
	if err != nil {
		return err
	}
	defer s.Close()
	keys, err := s.APIKeys(env.Context, ws.ID)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]map[string]any, len(keys))
		for i, k := range keys {
			out[i] = map[string]any{"id": k.ID, "name": k.Name, "scope": k.Scope, "prefix": k.Prefix,
				"created_at": k.CreatedAt.Format(time.RFC3339), "last_used_at": timeOrNil(k.LastUsedAt), "revoked_at": timeOrNil(k.RevokedAt)}
		}
		return printJSON(env, out)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSCOPE\tPREFIX\tCREATED\tLAST USED\tREVOKED")
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s…\t%s\t%s\t%s\n", k.ID, k.Name, k.Scope, k.Prefix, k.CreatedAt.Format(time.RFC3339),
			timeOrDash(k.LastUsedAt), timeOrDash(k.RevokedAt))
	}
	return tw.Flush()
}

func runAPIKeyRevoke(env Env, args []string) error {
	fs, g := newFlags(env, "apikey revoke", "apikey revoke ID")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("usage: affsync apikey revoke ID (the id from apikey list)")
	}
	id := fs.Arg(0)
	s, ws, err := g.openWorkspace(env)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.RevokeAPIKey(env.Context, ws.ID, id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return usagef("no API key %s in workspace %s", id, ws.Name)
		}
		return err
	}
	fmt.Fprintln(env.Stdout, "revoked", id)
	return nil
}

func timeOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.Format(time.RFC3339)
}

func timeOrDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}

// createAPIKey makes a key and returns its secret, which exists nowhere else.
func createAPIKey(env Env, s *store.Store, workspaceID, name, scope string) (string, error) {
	plain, prefix, hash, err := secret.NewAPIKey()
	if err != nil {
		return "", err
	}
	if _, err := s.CreateAPIKey(env.Context, workspaceID, name, scope, prefix, hash); err != nil {
		return "", err
	}
	return plain, nil
}
