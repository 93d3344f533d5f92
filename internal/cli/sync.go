package cli

import (
	"fmt"
	"time"

	"github.com/affsync/affsync/internal/store"
)

func runSync(env Env, args []string) error {
	fs, g := newFlags(env, "sync", "sync [--connection ID]")
	connID := fs.String("connection", "", "sync this connection now (default: the connections that are due)")
	if err := parse(fs, args); err != nil {
		return err
	}
	s, ws, err := g.openWorkspace(env)
	if err != nil {
		return err
	}
	defer s.Close()
	box, err := sealer(env, s)
	if err != nil {
		return err
	}
	var conns []store.Connection
	if *connID != "" {
		c, err := s.Connection(env.Context, ws.ID, *connID)
		if err != nil {
			return usagef("no connection %s in workspace %q", *connID, ws.Name)
		}
		conns = append(conns, c)
	} else {
		all, err := s.Connections(env.Context, ws.ID)
		if err != nil {
			return err
		}
		now := time.Now()
		for _, c := range all { // the due ones
			if c.NextRunAt != nil && !c.NextRunAt.After(now) {
				conns = append(conns, c)
			}
		}
		if len(conns) == 0 {
			fmt.Fprintf(env.Stdout, "no connection of workspace %q is due; name one with --connection to sync it now\n", ws.Name)
		}
	}
	log := logger(env)
	reg := env.networks()
	sched := newScheduler(s, box, log, nil, reg)
	failed := 0
	for _, c := range conns {
		if !reg.Syncs(c) || c.Status == store.ConnDisabled {
			continue
		}
		start := time.Now()
		res, ok, err := sched.SyncNow(env.Context, c)
		if err == nil && !ok {
			fmt.Fprintf(env.Stdout, "%s (%s): another instance is syncing it right now; skipped\n", c.Name, c.ID)
			continue
		}
		if err != nil {
			failed++
			fmt.Fprintf(env.Stdout, "%s (%s): failed: %v\n", c.Name, c.ID, err)
			continue
		}
		fmt.Fprintf(env.Stdout, "%s (%s): %d listed, %d new files, %d rows; transactions %d created, %d updated, %d unchanged; %d files rejected (%s)\n",
			c.Name, c.ID, res.Listed, res.Files, res.Rows, res.Transactions.Created, res.Transactions.Updated, res.Transactions.Unchanged,
			len(res.Errors), time.Since(start).Round(time.Millisecond))
	}
	if failed > 0 {
		return fmt.Errorf("%d of the syncs failed", failed)
	}
	return nil
}
