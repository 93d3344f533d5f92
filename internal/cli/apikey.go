package cli

import (
	"fmt"

	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
)

func runAPIKey(env Env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return usagef("usage: affsync apikey create --name N [--scope read|write]")
	}
	fs, g := newFlags(env, "apikey create", "apikey create --name N [--scope read|write]")
	name := fs.String("name", "", "a name to recognise the key by (required)")
	scope := fs.String("scope", store.ScopeRead, "read or write")
	if err := parse(fs, args[1:]); err != nil {
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
