package cli

import (
	"errors"
	"fmt"

	"github.com/affsync/affsync/internal/store"
)

const workspaceUsage = "usage: affsync workspace currency [CUR]   (prints the reporting currency; with CUR sets it)"

func runWorkspace(env Env, args []string) error {
	if len(args) == 0 || args[0] != "currency" {
		return usagef(workspaceUsage)
	}
	fs, g := newFlags(env, "workspace currency", "workspace currency [CUR]")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef(workspaceUsage)
	}
	s, ws, err := g.openWorkspace(env)
	if err != nil {
		return err
	}
	defer s.Close()
	if fs.NArg() == 1 {
		ws, err = s.SetReportingCurrency(env.Context, ws.ID, fs.Arg(0))
		if errors.Is(err, store.ErrUnknownCurrency) {
			return usagef("%v", err)
		}
		if err != nil {
			return err
		}
	}
	if ws.Currency == "" {
		fmt.Fprintf(env.Stderr, "workspace %q has no reporting currency yet: its first connection's currency becomes it, or set one with 'affsync workspace currency CUR'\n", ws.Name)
		return nil
	}
	fmt.Fprintln(env.Stdout, ws.Currency)
	return nil
}
