package syncer_test

import (
	"context"
	"github.com/affsync/affsync/internal/connect"
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/network/networks"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/network/amazon/sim"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
	"github.com/affsync/affsync/internal/syncer"
)

var ctx = context.Background()

var today = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

type env struct {
	s   *store.Store
	sim *sim.Server
	url string
	ws  store.Workspace
	box *secret.Box
	syn *syncer.Syncer
}

func newEnv(t *testing.T, s *store.Store) env { return newEnvDays(t, s, 45) }

func newEnvDays(t *testing.T, s *store.Store, days int) env {
	return newEnvSim(t, s, sim.Config{Seed: 7, Days: days, Today: today})
}

func newEnvSim(t *testing.T, s *store.Store, cfg sim.Config) env {
	t.Helper()
	simulator, err := sim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(simulator)
	t.Cleanup(srv.Close)
	ws, err := s.EnsureWorkspace(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	box, _ := secret.NewBox([]byte("0123456789abcdef0123456789abcdef"))
	im := importer.New(s, nil)
	im.Now = func() time.Time { return today.Add(9 * time.Hour) }
	return env{s: s, sim: simulator, url: srv.URL, ws: ws, box: box, syn: &syncer.Syncer{Store: s, Importer: im, Sealer: box, Log: im.Log}}
}

func (e env) connection(t *testing.T, secretValue, version string) store.Connection {
	t.Helper()
	tokenPath := "/auth/o2/token"
	if strings.HasPrefix(version, "2.") {
		tokenPath = "/oauth2/token"
	}
	conn, err := e.s.CreateConnection(ctx, e.box, store.Connection{WorkspaceID: e.ws.ID, Network: "amazon", Connector: "creators-subtags",
		Name: "sim " + version, Settings: map[string]string{"store_id": "demo-20", "credential_id": "demo-credential", "credential_version": version,
			"api_base": e.url, "token_url": e.url + tokenPath, "marketplace": "www.amazon.com"}}, map[string]string{"secret": secretValue})
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

// compare checks the store against the simulator's ground truth, to the cent.
func (e env) compare(t *testing.T) { t.Helper(); e.compareTracking(t, "") }

// compareTracking compares with the truth of one tracking ID ("" for all).
func (e env) compareTracking(t *testing.T, tracking string) {
	t.Helper()
	diff, n := storetest.TruthDiff(t, e.s, e.ws.ID, e.sim.Truth(), tracking)
	if n < 100 {
		t.Fatalf("the simulator made only %d transactions", n)
	}
	if diff != "" {
		t.Fatalf("store differs from the ground truth: %s", diff)
	}
}

func TestSyncEqualsGroundTruth(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		conn := e.connection(t, "demo-secret", "3.1")
		res, err := e.syn.Sync(ctx, conn, "manual")
		if err != nil {
			t.Fatal(err)
		}
		if res.Listed == 0 || res.Files != res.Listed || len(res.Errors) != 0 || len(res.Notes) == 0 {
			t.Fatalf("first sync: listed %d, files %d, errors %v, notes %d", res.Listed, res.Files, res.Errors, len(res.Notes))
		}
		e.compare(t)

		// A second sync lists again but downloads nothing new.
		downloads := e.sim.Stats().Downloads.Load()
		res, err = e.syn.Sync(ctx, conn, "schedule")
		if err != nil || res.Files != 0 || res.FilesSkipped != res.Listed || e.sim.Stats().Downloads.Load() != downloads {
			t.Fatalf("second sync: %+v %v, downloads %d → %d", res, err, downloads, e.sim.Stats().Downloads.Load())
		}

		// A re-issued day is downloaded and applied.
		if err := e.sim.Reissue(today.AddDate(0, 0, -10)); err != nil {
			t.Fatal(err)
		}
		res, err = e.syn.Sync(ctx, conn, "schedule")
		if err != nil || res.Files != 3 || res.Transactions.Updated != 1 {
			t.Fatalf("sync after a re-issue: %+v %v", res, err)
		}
		e.compare(t)
		runs, _ := s.Runs(ctx, e.ws.ID, conn.ID, 10)
		if len(runs) != 3 || runs[0].Outcome != "ok" || runs[2].Files != res.Listed {
			t.Fatalf("runs: %+v", runs)
		}
	})
}

func TestCognitoCredentialsAndWrongSecret(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		nc, err := networks.Builtin().Open(e.connection(t, "demo-secret", "2.1"))
		if err != nil {
			t.Fatal(err)
		}
		src, err := nc.Source("demo-secret", network.SourceOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := connect.Check(ctx, nc, src); err != nil {
			t.Fatalf("form-style credentials: %v", err)
		}
		wrong := e.connection(t, "not-the-secret", "3.1")
		_, ok, err := (&syncer.Scheduler{Syncer: e.syn}).SyncNow(ctx, wrong)
		if !ok {
			t.Fatal("could not claim a free connection")
		}
		if err == nil || !strings.Contains(err.Error(), "credentials rejected") || strings.Contains(err.Error(), "not-the-secret") {
			t.Fatalf("wrong secret: %v", err)
		}
		got, _ := s.Connection(ctx, e.ws.ID, wrong.ID)
		if got.Status != store.ConnError || !strings.Contains(got.LastError, "credentials rejected") {
			t.Fatalf("connection after a refused sync: %q %q", got.Status, got.LastError)
		}
	})
}

// TestSchedulersNeverOverlap runs two schedulers (two instances) on one
// database over several due connections: every connection is synced, and
// never by both at once.
func TestSchedulersNeverOverlap(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnvDays(t, s, 5)
		var conns []store.Connection
		for range 4 {
			c := e.connection(t, "demo-secret", "3.1")
			if err := s.ScheduleConnection(ctx, e.ws.ID, c.ID, time.Now().Add(-time.Minute)); err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		for _, owner := range []string{"instance-a", "instance-b"} {
			sch := &syncer.Scheduler{Syncer: e.syn, Owner: owner, Workers: 2, Poll: 20 * time.Millisecond, Lease: time.Minute}
			go func() { sch.Run(runCtx); done <- struct{}{} }()
		}
		deadline := time.Now().Add(60 * time.Second)
		for {
			all := true
			for _, c := range conns {
				runs, _ := s.Runs(ctx, e.ws.ID, c.ID, 10)
				if len(runs) == 0 || runs[0].FinishedAt == nil {
					all = false
				}
			}
			if all || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		stop()
		<-done
		<-done
		for _, c := range conns {
			runs, _ := s.Runs(ctx, e.ws.ID, c.ID, 10)
			if len(runs) != 1 || runs[0].Outcome != "ok" {
				t.Fatalf("connection %s: %d runs (%+v); want exactly one", c.ID, len(runs), runs)
			}
			got, _ := s.Connection(ctx, e.ws.ID, c.ID)
			if got.NextRunAt == nil || !got.NextRunAt.After(time.Now().Add(30*time.Minute)) || got.Status != store.ConnActive {
				t.Fatalf("after its run: next %v status %s", got.NextRunAt, got.Status)
			}
		}
	})
}

// TestDataFeedSync syncs the same account through the legacy DataFeed (HTTP
// Digest, the HTML listing): the store equals the ground truth too.
func TestDataFeedSync(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnvDays(t, s, 20)
		conn, err := s.CreateConnection(ctx, e.box, store.Connection{WorkspaceID: e.ws.ID, Network: "amazon", Connector: "creators-subtags",
			Name: "datafeed", Settings: map[string]string{"transport": "datafeed", "store_id": "demo-20", "api_base": e.url, "marketplace": "www.amazon.com"}},
			map[string]string{"secret": "demo-secret"})
		if err != nil {
			t.Fatal(err)
		}
		res, ok, err := (&syncer.Scheduler{Syncer: e.syn}).SyncNow(ctx, conn)
		if err != nil || !ok || res.Files == 0 {
			t.Fatalf("DataFeed sync: %+v %v %v", res, ok, err)
		}
		e.compare(t)
	})
}

// TestFailingAmazonConverges: with 30% of calls answered 429 or 500, syncs
// retry (waits recorded, not slept) and the store ends equal to the truth.
func TestFailingAmazonConverges(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnvSim(t, s, sim.Config{Seed: 7, Days: 15, Today: today, FailRate: 0.3})
		waits := 0
		e.syn.Retry = network.RetryPolicy{MaxAttempts: 4, Sleep: func(context.Context, time.Duration) error { waits++; return nil }}
		conn := e.connection(t, "demo-secret", "3.1")
		sched := &syncer.Scheduler{Syncer: e.syn}
		var lastErr error
		for range 8 {
			if _, _, lastErr = sched.SyncNow(ctx, conn); lastErr == nil {
				break
			}
		}
		if lastErr != nil {
			t.Fatalf("never converged: %v", lastErr)
		}
		if waits == 0 || e.sim.Stats().Failures.Load() == 0 {
			t.Fatal("no failure was met")
		}
		e.compare(t)
	})
}

// TestTrackingConnector: creators-subtags-tracking keeps only its tracking
// ID's rows, and equals that part of the truth.
func TestTrackingConnector(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnvDays(t, s, 10)
		conn, err := s.CreateConnection(ctx, e.box, store.Connection{WorkspaceID: e.ws.ID, Network: "amazon", Connector: "creators-subtags-tracking",
			Name: "tracking", Settings: map[string]string{"store_id": "demo-20", "credential_id": "demo-credential", "credential_version": "3.1",
				"api_base": e.url, "token_url": e.url + "/auth/o2/token", "marketplace": "www.amazon.com", "tracking_id": "demo-21"}},
			map[string]string{"secret": "demo-secret"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := (&syncer.Scheduler{Syncer: e.syn}).SyncNow(ctx, conn); err != nil {
			t.Fatal(err)
		}
		e.compareTracking(t, "demo-21")
	})
}

// TestDeadInstanceLeaseTakenOver: an instance claims a connection and dies
// without releasing it; once the lease runs out, another instance syncs it.
func TestDeadInstanceLeaseTakenOver(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnvDays(t, s, 3)
		conn := e.connection(t, "demo-secret", "3.1")
		now := time.Now()
		if err := s.ScheduleConnection(ctx, e.ws.ID, conn.ID, now.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if got, err := s.ClaimDue(ctx, "dead-instance", now, 300*time.Millisecond, 10); err != nil || len(got) != 1 {
			t.Fatalf("the first instance's claim: %v %v", got, err)
		}
		live := &syncer.Scheduler{Syncer: e.syn, Owner: "live-instance", Poll: 50 * time.Millisecond}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { live.Run(runCtx); close(done) }()
		deadline := time.Now().Add(30 * time.Second)
		var runs []store.Run
		for time.Now().Before(deadline) {
			if runs, _ = s.Runs(ctx, e.ws.ID, conn.ID, 10); len(runs) == 1 && runs[0].FinishedAt != nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		stop()
		<-done
		if len(runs) != 1 || runs[0].Outcome != "ok" {
			t.Fatalf("the live instance did not take the connection over: %+v", runs)
		}
	})
}

// TestSyncSetsProgramStatus: each sync outcome says what it means for the
// connection's program, with history; a refusal names why.
func TestSyncSetsProgramStatus(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		status := func(conn store.Connection) (string, []string) {
			t.Helper()
			progs, err := s.Programs(ctx, e0(s, t).ID)
			if err != nil {
				t.Fatal(err)
			}
			hist, err := s.ProgramHistory(ctx, conn.WorkspaceID, conn.ID, "amazon.com")
			if err != nil {
				t.Fatal(err)
			}
			var steps []string
			for _, h := range hist {
				steps = append(steps, h.FromStatus+"→"+h.ToStatus)
			}
			for _, p := range progs {
				if p.ConnectionID == conn.ID && p.Program == "amazon.com" {
					return p.Status, steps
				}
			}
			return "", steps
		}
		e := newEnvDays(t, s, 3)
		good := e.connection(t, "demo-secret", "3.1")
		if _, err := e.syn.Sync(ctx, good, "manual"); err != nil {
			t.Fatal(err)
		}
		if st, steps := status(good); st != "active" || strings.Join(steps, " ") != "→active" {
			t.Fatalf("after a good sync: %q %v", st, steps)
		}

		wrong := e.connection(t, "not-the-secret", "3.1")
		if _, err := e.syn.Sync(ctx, wrong, "manual"); err == nil {
			t.Fatal("a wrong secret synced")
		}
		if st, _ := status(wrong); st != "credentials rejected" {
			t.Fatalf("after a refused sync: %q", st)
		}

		noReports := newEnvSim(t, s, sim.Config{Seed: 7, Days: 3, Today: today, ReportsNotAvailable: true})
		locked := noReports.connection(t, "demo-secret", "3.1")
		if _, err := noReports.syn.Sync(ctx, locked, "manual"); err == nil {
			t.Fatal("a sync without report access succeeded")
		}
		if st, _ := status(locked); st != "no report access" {
			t.Fatalf("without report access: %q", st)
		}
		// Access granted later: the program becomes active, and its history says so.
		locked.Settings["api_base"], locked.Settings["token_url"] = e.url, e.url+"/auth/o2/token"
		if _, err := e.syn.Sync(ctx, locked, "manual"); err != nil {
			t.Fatal(err)
		}
		if st, steps := status(locked); st != "active" || strings.Join(steps, " ") != "→no report access no report access→active" {
			t.Fatalf("after access came: %q %v", st, steps)
		}
	})
}

func e0(s *store.Store, t *testing.T) store.Workspace {
	t.Helper()
	ws, err := s.EnsureWorkspace(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// A sync cut short by shutdown is released due now, its state unchanged:
// another instance claims it at once, and it counts as no failure.
func TestShutdownReleasesSync(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnvDays(t, s, 3)
		conn := e.connection(t, "demo-secret", "3.1")
		now := time.Now()
		if err := s.ScheduleConnection(ctx, e.ws.ID, conn.ID, now.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		claimed, err := s.ClaimDue(ctx, "stopping", now, time.Hour, 10)
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claim: %v %v", claimed, err)
		}
		stopped, cancel := context.WithCancel(ctx)
		cancel()
		stopping := &syncer.Scheduler{Syncer: e.syn, Owner: "stopping", Lease: time.Hour}
		if _, err := stopping.RunOne(stopped, claimed[0], "schedule"); err == nil {
			t.Fatal("a sync on a stopped context succeeded")
		}
		got, err := s.ClaimDue(ctx, "other", time.Now(), time.Hour, 10)
		if err != nil || len(got) != 1 || got[0].ID != conn.ID {
			t.Fatalf("another instance claimed %v (%v) right after the stop, want the connection", got, err)
		}
		if got[0].FailCount != claimed[0].FailCount || got[0].Status != claimed[0].Status || got[0].LastError != claimed[0].LastError {
			t.Fatalf("the stop changed the connection: %s %q fails %d, was %s %q %d",
				got[0].Status, got[0].LastError, got[0].FailCount, claimed[0].Status, claimed[0].LastError, claimed[0].FailCount)
		}
	})
}
