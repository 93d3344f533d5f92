package syncer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/affsync/affsync/internal/store"
)

// Scheduler runs due syncs: the connection rows are the queue (next_run_at),
// claimed with a lease so that several instances on one database never sync
// one connection at once, and a dead instance's lease runs out and is taken
// over. At most Workers syncs run at a time.
type Scheduler struct {
	Syncer  *Syncer
	Owner   string        // this instance; default host:pid:random
	Workers int           // default 2
	Lease   time.Duration // default 2 minutes, renewed while a sync runs
	Poll    time.Duration // default 10 seconds
	Now     func() time.Time
	// KeepTombstones is how long removed transactions stay in the updated
	// feed (SPEC §4.2); the daily pass prunes older ones. Default 30 days.
	KeepTombstones time.Duration
}

// DefaultKeepTombstones is the shortest retention of tombstones SPEC §4.2 allows.
const DefaultKeepTombstones = 30 * 24 * time.Hour

func (s *Scheduler) defaults() {
	if s.Owner == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		rand.Read(b)
		s.Owner = fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	if s.Workers <= 0 {
		s.Workers = 2
	}
	if s.KeepTombstones <= 0 {
		s.KeepTombstones = DefaultKeepTombstones
	}
	if s.Lease <= 0 {
		s.Lease = 2 * time.Minute
	}
	if s.Poll <= 0 {
		s.Poll = 10 * time.Second
	}
	if s.Now == nil {
		s.Now = time.Now
	}
}

// Run claims and runs due syncs until ctx ends, then waits for running ones.
func (s *Scheduler) Run(ctx context.Context) {
	s.defaults()
	free := make(chan struct{}, s.Workers)
	for range s.Workers {
		free <- struct{}{}
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	t := time.NewTicker(s.Poll)
	defer t.Stop()
	// The daily pass runs beside the syncs, so a long one never delays a
	// claim: once at start (a server restarted daily still runs it), then daily.
	wg.Add(1)
	go func() {
		defer wg.Done()
		day := time.NewTicker(24 * time.Hour)
		defer day.Stop()
		for {
			s.DailyPass(ctx)
			select {
			case <-ctx.Done():
				return
			case <-day.C:
			}
		}
	}()
	for {
		n := len(free)
		if n > 0 {
			conns, err := s.Syncer.Store.ClaimDue(ctx, s.Owner, s.Now(), s.Lease, n)
			if err != nil && ctx.Err() == nil {
				s.Syncer.Log.Warn("claim due syncs", "err", err)
			}
			for _, c := range conns {
				<-free
				wg.Add(1)
				go func() {
					defer func() { free <- struct{}{}; wg.Done() }()
					s.RunOne(ctx, c, "schedule")
				}()
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOne syncs a connection this instance has claimed, renewing the lease
// meanwhile, then releases it with the next run: the connection's interval
// after success, an exponential backoff (capped by the interval) after failure.
func (s *Scheduler) RunOne(ctx context.Context, c store.Connection, trigger string) (Result, error) {
	s.defaults()
	syncCtx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		t := time.NewTicker(s.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-syncCtx.Done():
				return
			case <-t.C:
				if ok, err := s.Syncer.Store.RenewLease(syncCtx, c.ID, s.Owner, s.Now().Add(s.Lease)); err == nil && !ok {
					s.Syncer.Log.Warn("lease lost during a sync", "connection", c.ID)
				}
			}
		}
	}()
	res, err := s.Syncer.Sync(syncCtx, c, trigger)
	out := store.SyncOutcome{Status: store.ConnActive, NextRunAt: s.Now().Add(c.SyncInterval)}
	if err != nil {
		out.Status, out.LastError, out.FailCount = store.ConnError, err.Error(), c.FailCount+1
		backoff := time.Minute << min(out.FailCount-1, 10)
		out.NextRunAt = s.Now().Add(min(backoff, c.SyncInterval))
	}
	if err != nil && ctx.Err() != nil {
		// Shutting down cut the sync short: not the network's failure. The
		// connection goes back due now, its state as it was, so another
		// instance takes it at its next look instead of after the lease.
		out = store.SyncOutcome{Status: c.Status, LastError: c.LastError, FailCount: c.FailCount, NextRunAt: s.Now()}
		s.Syncer.Log.Info("sync released for another instance", "connection", c.ID)
	}
	if rerr := s.Syncer.Store.ReleaseConnection(context.WithoutCancel(ctx), c.ID, s.Owner, out); rerr != nil {
		s.Syncer.Log.Warn("release connection", "connection", c.ID, "err", rerr)
	}
	return res, err
}

// SyncNow claims a connection now, whether due or not, and syncs it; ok is
// false when another instance is syncing it at this moment.
func (s *Scheduler) SyncNow(ctx context.Context, c store.Connection) (res Result, ok bool, err error) {
	s.defaults()
	ok, err = s.Syncer.Store.ClaimConnection(ctx, c.WorkspaceID, c.ID, s.Owner, s.Now(), s.Lease)
	if err != nil || !ok {
		return res, ok, err
	}
	res, err = s.RunOne(ctx, c, "manual")
	return res, true, err
}

// DailyPass re-projects every connection's pending transactions as of today
// (internal/importer.Recheck), so statuses that depend on the date alone
// move without a new file, expires the inquiries left open too long and
// prunes the tombstones older than KeepTombstones. Each instance runs it; a
// second run changes nothing.
func (s *Scheduler) DailyPass(ctx context.Context) {
	s.defaults()
	s.expireInquiries(ctx)
	if n, err := s.Syncer.Store.PruneTombstones(ctx, s.Now().Add(-s.KeepTombstones)); err != nil {
		s.Syncer.Log.Warn("daily pass: prune tombstones", "err", err)
	} else if n > 0 {
		s.Syncer.Log.Info("daily pass: tombstones pruned", "pruned", n)
	}
	conns, err := s.Syncer.Store.AllConnections(ctx)
	if err != nil {
		s.Syncer.Log.Warn("daily pass", "err", err)
		return
	}
	for _, c := range conns {
		counts, err := s.Syncer.Importer.Recheck(ctx, c)
		if err != nil {
			if ctx.Err() == nil {
				s.Syncer.Log.Warn("daily pass", "connection", c.ID, "err", err)
			}
			continue
		}
		if counts.Updated > 0 {
			s.Syncer.Log.Info("daily pass", "connection", c.ID, "updated", counts.Updated)
		}
	}
}

// expireInquiries closes, in every workspace, the inquiries no transaction
// answered within store.ExpireAfterDays.
func (s *Scheduler) expireInquiries(ctx context.Context) {
	spaces, err := s.Syncer.Store.Workspaces(ctx)
	if err != nil {
		s.Syncer.Log.Warn("daily pass: expire inquiries", "err", err)
		return
	}
	for _, ws := range spaces {
		n, err := s.Syncer.Store.ExpireInquiries(ctx, ws.ID, s.Now())
		if err != nil {
			s.Syncer.Log.Warn("daily pass: expire inquiries", "workspace", ws.ID, "err", err)
			continue
		}
		if n > 0 {
			s.Syncer.Log.Info("daily pass: inquiries expired", "workspace", ws.ID, "expired", n)
		}
	}
}
