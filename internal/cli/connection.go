package cli

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/connect"
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/store"
)

func runConnection(env Env, args []string) error {
	reg := env.networks()
	usage := ""
	for i, name := range reg.Names() {
		n, _ := reg.Lookup(name)
		if i > 0 {
			usage += "\n       "
		}
		usage += "connection add " + name + " " + n.NewAccount().Usage()
	}
	if len(args) < 2 || args[0] != "add" {
		return usagef("usage: affsync %s", usage)
	}
	n, ok := reg.Lookup(args[1])
	if !ok {
		return usagef("network %q is not supported by connection add; supported: %s", args[1], strings.Join(reg.Names(), ", "))
	}
	a := n.NewAccount()
	fs, g := newFlags(env, "connection add "+n.Name(), "connection add "+n.Name()+" "+a.Usage())
	a.Flags(fs)
	if err := parse(fs, args[2:]); err != nil {
		return err
	}
	d, err := a.Check()
	var invalid *network.InvalidError
	if errors.As(err, &invalid) {
		return usageError{invalid.Msg}
	}
	if err != nil {
		return err
	}
	s, ws, err := g.openWorkspace(env)
	if err != nil {
		return err
	}
	defer s.Close()
	var box store.Sealer // only credentials need the key
	if d.Secret != "" {
		b, err := sealer(env, s)
		if err != nil {
			return err
		}
		box = b
	}
	c, err := connect.CreateDraft(env.Context, s, box, ws.ID, n, d, connect.Options{})
	if errors.As(err, &invalid) {
		return usageError{invalid.Msg}
	}
	if err != nil {
		return err
	}
	return printJSON(env, connectionJSON(c))
}

// connectionJSON is a connection as the CLI shows it: never its secrets.
func connectionJSON(c store.Connection) map[string]any {
	return map[string]any{
		"id": c.ID, "network": c.Network, "connector": c.Connector, "name": c.Name, "currency": c.Currency,
		"settings": c.Settings, "has_secret": c.HasSecret, "status": c.Status, "last_error": c.LastError,
		"created_at": c.CreatedAt.Format(time.RFC3339),
	}
}

func printJSON(env Env, v any) error {
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
