package cli

// The fault suite (issue #13): real affsync processes, killed and stopped
// under load, against a simulator that fails. go test -run Fault ./... runs
// it; each scenario prints one "FAULT:" line of figures on stdout.

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/affsync/affsync/internal/network/amazon/sim"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

var (
	faultBinOnce sync.Once
	faultBin     string
	faultBinErr  error
)

// TestMain removes the fault suite's binary once every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if faultBin != "" {
		os.RemoveAll(filepath.Dir(faultBin))
	}
	os.Exit(code)
}

// faultBinary builds affsync once for the whole suite.
func faultBinary(t *testing.T) string {
	t.Helper()
	faultBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "affsync-fault-")
		if err != nil {
			faultBinErr = err
			return
		}
		faultBin = filepath.Join(dir, "affsync")
		out, err := exec.Command("go", "build", "-o", faultBin, "github.com/affsync/affsync/cmd/affsync").CombinedOutput()
		if err != nil {
			faultBinErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if faultBinErr != nil {
		t.Fatal(faultBinErr)
	}
	return faultBin
}

func skipWithoutPostgres(t *testing.T) string {
	t.Helper()
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skip("fault scenario of several instances runs on PostgreSQL only: set " + storetest.EnvPostgres + " to a DSN to run it")
	}
	return storetest.NewPostgresDatabase(t)
}

// faultKey is a sealing key for the processes (AFFSYNC_SECRET_KEY) and the box
// the test seals connection secrets with.
func faultKey(t *testing.T) (string, *secret.Box) {
	t.Helper()
	raw := make([]byte, 32)
	rand.Read(raw)
	box, err := secret.NewBox(raw)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(raw), box
}

// logBuf collects a process's stderr; safe to read while it is written.
type logBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuf) add(s string) { l.mu.Lock(); l.b.WriteString(s + "\n"); l.mu.Unlock() }
func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// instance is a running affsync serve.
type instance struct {
	name string
	cmd  *exec.Cmd
	base string // http://host:port
	log  *logBuf
	done chan struct{} // closed once it has exited
}

func (p *instance) pid() int { return p.cmd.Process.Pid }

// startInstance runs affsync serve on dsn, its stderr collected.
func startInstance(t *testing.T, name, dsn, key string, args ...string) *instance {
	t.Helper()
	cmd := exec.Command(faultBinary(t), append([]string{"serve", "--addr", "127.0.0.1:0", "--rates-url", "off"}, args...)...)
	cmd.Env = append(os.Environ(), "AFFSYNC_DB="+dsn, "AFFSYNC_SECRET_KEY="+key, "AFFSYNC_LOG_LEVEL=info")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &instance{name: name, cmd: cmd, log: &logBuf{}, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		re := regexp.MustCompile(`url=(http://\S+)`)
		for sc.Scan() {
			p.log.add(sc.Text())
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stderr)
		cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			full := filepath.Join(os.TempDir(), fmt.Sprintf("affsync-fault-%s-%d.log", name, p.pid()))
			os.WriteFile(full, []byte(p.log.String()), 0o644)
			t.Logf("log of %s (all of it in %s):\n%s", name, full, tail(p.log.String(), 40))
		}
	})
	select {
	case p.base = <-addr:
		return p
	case <-p.done:
		t.Fatalf("%s exited at start:\n%s", name, p.log)
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not start", name)
	}
	return nil
}

// stop sends SIGTERM and answers the exit status.
func (p *instance) stop(t *testing.T, within time.Duration) int {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(within):
		t.Fatalf("%s still running %v after SIGTERM", p.name, within)
	}
	return -1
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// simAccount is a simulated Amazon account on an httptest server with a
// workspace and a creators-subtags connection to it.
type simAccount struct {
	sim  *sim.Server
	ws   store.Workspace
	conn store.Connection
}

func newSimAccount(t *testing.T, s *store.Store, box *secret.Box, workspace string, cfg sim.Config, interval time.Duration) simAccount {
	t.Helper()
	ctx := context.Background()
	simulator, err := sim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(simulator)
	t.Cleanup(srv.Close)
	ws, err := s.EnsureWorkspace(ctx, workspace)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	conn, err := s.CreateConnection(ctx, box, store.Connection{WorkspaceID: ws.ID, Network: "amazon", Connector: "creators-subtags",
		Name: "sim " + workspace, Currency: "USD", SyncInterval: interval, NextRunAt: &now, Settings: map[string]string{
			"store_id": simulator.StoreID(), "credential_id": "demo-credential", "credential_version": "3.1",
			"api_base": srv.URL, "token_url": srv.URL + "/auth/o2/token", "marketplace": "www.amazon.com"}},
		map[string]string{"secret": "demo-secret"})
	if err != nil {
		t.Fatal(err)
	}
	return simAccount{sim: simulator, ws: ws, conn: conn}
}

// truthDiff compares a workspace's transactions with its simulator's ground
// truth, to the cent, as the syncer's tests do; "" when equal.
func truthDiff(t *testing.T, s *store.Store, a simAccount) string {
	t.Helper()
	diff, n := storetest.TruthDiff(t, s, a.ws.ID, a.sim.Truth(), "")
	if n < 20 {
		t.Fatalf("the simulator made only %d transactions", n)
	}
	return diff
}

func head(xs []string) []string { return xs[:min(len(xs), 5)] }

// pidOfOwner is the process id in a lease owner (host:pid:random).
func pidOfOwner(owner string) int {
	parts := strings.Split(owner, ":")
	if len(parts) < 3 {
		return 0
	}
	pid, _ := strconv.Atoi(parts[len(parts)-2])
	return pid
}

// leases answers each connection's lease owner ("" when none).
func leases(t *testing.T, ctx context.Context, db *pgx.Conn) map[string]string {
	t.Helper()
	rows, err := db.Query(ctx, `SELECT id, COALESCE(lease_owner, '') FROM connections`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for rows.Next() {
		var id, owner string
		if err := rows.Scan(&id, &owner); err != nil {
			t.Fatal(err)
		}
		out[id] = owner
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFaultKillMidSync: two instances on one PostgreSQL database sync two
// connections from simulators that fail 30% of calls; the instance holding
// a sync is killed with SIGKILL; the other takes the connection over once
// the lease has run out, and both workspaces end equal to the truth.
func TestFaultKillMidSync(t *testing.T) {
	dsn := skipWithoutPostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	s := storetest.Open(t, dsn)
	key, box := faultKey(t)
	accounts := []simAccount{
		newSimAccount(t, s, box, "one", sim.Config{Seed: 7, Days: 8, FailRate: 0.3}, 5*time.Minute),
		newSimAccount(t, s, box, "two", sim.Config{Seed: 8, Days: 8, FailRate: 0.3}, 5*time.Minute),
	}
	db, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())

	const lease = 10 * time.Second
	flags := []string{"--sync-lease", lease.String(), "--sync-poll", "1s", "--webhook-poll", "1s"}
	procs := []*instance{startInstance(t, "A", dsn, key, flags...), startInstance(t, "B", dsn, key, flags...)}

	// The first lease seen names the victim: the instance holding that sync.
	var victim, survivor *instance
	var connID string
	for victim == nil {
		if ctx.Err() != nil {
			t.Fatal("no instance claimed a sync")
		}
		for id, owner := range leases(t, ctx, db) {
			for i, p := range procs {
				if owner != "" && pidOfOwner(owner) == p.pid() {
					victim, survivor, connID = p, procs[1-i], id
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	killedAt := time.Now()
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-victim.done
	// The kill must have cut a sync short: the connection still names the
	// dead instance, with no finished run of it after the kill.
	if owner := leases(t, ctx, db)[connID]; pidOfOwner(owner) != victim.pid() {
		t.Fatalf("the sync of %s ended before the kill (lease owner now %q); nothing was tested", connID, owner)
	}

	var takeover time.Duration
	for takeover == 0 {
		if ctx.Err() != nil {
			t.Fatalf("%s was never taken over after the kill", connID)
		}
		if owner := leases(t, ctx, db)[connID]; owner != "" && pidOfOwner(owner) == survivor.pid() {
			takeover = time.Since(killedAt)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if takeover < lease/2 {
		t.Fatalf("taken over %v after the kill, before the lease of %v could have run out: two instances held one sync", takeover, lease)
	}

	// Both connections end with an ok run that finished after the kill (a
	// failed one is retried after its backoff), and equal to the truth.
	var conn store.Connection
	for _, a := range accounts {
		for {
			if ctx.Err() != nil {
				t.Fatalf("%s: no successful sync after the kill: %s", a.conn.ID, truthDiff(t, s, a))
			}
			runs, err := s.Runs(ctx, a.ws.ID, a.conn.ID, 20)
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) > 0 && runs[0].Outcome == "ok" && runs[0].FinishedAt != nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if d := truthDiff(t, s, a); d != "" {
			t.Fatalf("%s after the kill: %s", a.conn.ID, d)
		}
		if a.conn.ID == connID {
			conn = a.conn
		}
	}
	// The dead instance's run must not stay "running" for ever: the
	// survivor's run closed it as abandoned.
	runs, _ := s.Runs(ctx, conn.WorkspaceID, connID, 20)
	abandoned := 0
	for _, r := range runs {
		switch {
		case r.Outcome == "running":
			t.Fatalf("a run of %s is still running after the takeover: %+v", connID, runs)
		case r.Error == store.AbandonedRun:
			abandoned++
		}
	}
	if abandoned != 1 {
		t.Fatalf("%d runs of %s closed as abandoned, want the dead instance's one: %+v", abandoned, connID, runs)
	}
	t.Logf("runs of %s: %+v", connID, runs)
	if code := survivor.stop(t, 30*time.Second); code != 0 {
		t.Fatalf("survivor exit %d", code)
	}
	fmt.Printf("FAULT: kill -9 mid-sync (postgres): connection %s held by %s (pid %d), killed at %s; taken over by %s %v after the kill (lease %v); %d runs (the dead instance's closed as abandoned); store equals the truth for %d connections\n",
		connID, victim.name, victim.pid(), killedAt.UTC().Format("15:04:05.000"), survivor.name, takeover.Round(time.Millisecond), lease, len(runs), len(accounts))
}

// receiver is a webhook endpoint that fails or hangs its first attempts at
// some rate and keeps the events it took in, by Affsync-Event.
type receiver struct {
	name               string
	failRate, hangRate float64
	hang               time.Duration
	mu                 sync.Mutex
	tries              map[string]int // event → POSTs received
	accepted           map[string]int // event → times taken in (2xx, or hung after taking it)
	posts, failed      int
	hung               int
}

func newReceiver(name string, failRate, hangRate float64, hang time.Duration) *receiver {
	return &receiver{name: name, failRate: failRate, hangRate: hangRate, hang: hang, tries: map[string]int{}, accepted: map[string]int{}}
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	ev := r.Header.Get("Affsync-Event")
	rc.mu.Lock()
	rc.posts++
	rc.tries[ev]++
	// The first three tries of an event may fail; later ones go through, so
	// the scenario is bounded in time.
	first := rc.tries[ev] <= 3
	roll := mrand.Float64()
	switch {
	case first && roll < rc.hangRate:
		// It takes the event in, then answers too late: affsync sees a
		// timeout and sends it again, a duplicate for the receiver to drop.
		rc.hung++
		rc.accepted[ev]++
		rc.mu.Unlock()
		select { // past the delivery timeout; the answer reaches no one
		case <-time.After(rc.hang):
		case <-r.Context().Done():
		}
		return
	case first && roll < rc.hangRate+rc.failRate:
		rc.failed++
		rc.mu.Unlock()
		http.Error(w, "receiver down", http.StatusInternalServerError)
		return
	}
	rc.accepted[ev]++
	rc.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// TestFaultWebhooksAndRedirects: two instances on one PostgreSQL database;
// a sync queues webhook events for receivers that fail and hang; redirect
// links are hit on both instances while one gets SIGTERM. Every event the
// store queued reaches each receiver (duplicates dropped by Affsync-Event,
// nothing extra), and every hit answered 302 is counted once in /v1/clicks.
func TestFaultWebhooksAndRedirects(t *testing.T) {
	dsn := skipWithoutPostgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	s := storetest.Open(t, dsn)
	key, box := faultKey(t)
	acct := newSimAccount(t, s, box, "hooks", sim.Config{Seed: 9, Days: 3, FailRate: 0.3}, time.Hour)
	receivers := []*receiver{newReceiver("flaky", 0.3, 0, 0), newReceiver("hanging", 0.1, 0.2, 3*time.Second)}
	hookIDs := map[string]*receiver{}
	for _, rc := range receivers {
		srv := httptest.NewServer(rc)
		t.Cleanup(srv.Close)
		w, err := s.CreateWebhook(ctx, box, store.Webhook{WorkspaceID: acct.ws.ID, URL: srv.URL + "/hook", Description: rc.name,
			Events: []string{"transaction.created", "transaction.updated", "transaction.deleted"}, Active: true}, "whsec-"+rc.name)
		if err != nil {
			t.Fatal(err)
		}
		hookIDs[w.ID] = rc
	}
	apiKey, err := createAPIKey(Env{Context: ctx}, s, acct.ws.ID, "fault", store.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for i := range 3 {
		l, err := s.CreateLink(ctx, store.Link{WorkspaceID: acct.ws.ID, Code: fmt.Sprintf("fault%d", i),
			URL: "https://www.amazon.com/dp/B0FAULT00" + strconv.Itoa(i) + "?tag=demo-20", Channel: "demo-20", Program: "amazon.com", UniquePerClick: i == 0})
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, l.Code)
	}

	db, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(context.Background())
	flags := []string{"--sync-lease", "10s", "--sync-poll", "1s", "--webhook-poll", "1s", "--webhook-timeout", "1s",
		"--webhook-retry-base", "1s", "--shutdown-timeout", "10s"}
	a, b := startInstance(t, "A", dsn, key, flags...), startInstance(t, "B", dsn, key, flags...)

	// Redirect load on both instances; A gets SIGTERM in the middle of it.
	noFollow := &http.Client{Timeout: 5 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var answered, refused, other atomic.Int64
	loadCtx, stopLoad := context.WithCancel(ctx)
	var load sync.WaitGroup
	for g := range 8 {
		load.Go(func() {
			for i := 0; loadCtx.Err() == nil; i++ {
				base := []string{a.base, b.base}[(g+i)%2]
				res, err := noFollow.Get(base + "/r/" + codes[i%len(codes)] + "?custom=g" + strconv.Itoa(g))
				if err != nil {
					refused.Add(1) // the stopped instance: no answer, nothing to count
					continue
				}
				res.Body.Close()
				if res.StatusCode == http.StatusFound {
					answered.Add(1)
				} else {
					other.Add(1)
				}
			}
		})
	}
	time.Sleep(1500 * time.Millisecond)
	beforeStop := answered.Load()
	if code := a.stop(t, 30*time.Second); code != 0 {
		t.Fatalf("A exit %d after SIGTERM", code)
	}
	time.Sleep(1 * time.Second)
	stopLoad()
	load.Wait()
	if other.Load() > 0 {
		t.Fatalf("%d redirects answered neither 302 nor refused", other.Load())
	}
	if beforeStop == 0 || answered.Load() == beforeStop {
		t.Fatalf("the load did not span the stop: %d answered before, %d in all", beforeStop, answered.Load())
	}

	// Every answered hit is counted, once; B writes them in batches.
	counted := int64(-1)
	for ctx.Err() == nil {
		if counted = redirectClicks(t, b.base, apiKey); counted >= answered.Load() {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if counted != answered.Load() {
		t.Fatalf("redirects: %d answered 302, %d counted in /v1/clicks", answered.Load(), counted)
	}

	// The sync's events: every one the store queued is accepted by each
	// receiver; none is lost and none made up.
	var queued map[string]map[string]bool // webhook → event ids
	for {
		if ctx.Err() != nil {
			t.Fatalf("deliveries never all ended: %v", deliveryStatuses(t, ctx, db))
		}
		runs, _ := s.Runs(ctx, acct.ws.ID, acct.conn.ID, 10)
		st := deliveryStatuses(t, ctx, db)
		if len(runs) > 0 && runs[0].Outcome == "ok" && st["pending"] == 0 && st["delivered"] > 0 {
			if st["failed"] > 0 {
				t.Fatalf("deliveries failed for good: %v", st)
			}
			queued = queuedEvents(t, ctx, db)
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	var figures []string
	for id, rc := range hookIDs {
		rc.mu.Lock()
		want := queued[id]
		var missing, extra []string
		dups := 0
		for ev := range want {
			if rc.accepted[ev] == 0 {
				missing = append(missing, ev)
			}
		}
		for ev, n := range rc.accepted {
			if !want[ev] {
				extra = append(extra, ev)
			}
			dups += n - 1
		}
		if len(want) == 0 || len(missing) > 0 || len(extra) > 0 {
			rc.mu.Unlock()
			t.Fatalf("receiver %s: %d queued, %d accepted; missing %v, extra %v", rc.name, len(want), len(rc.accepted), head(missing), head(extra))
		}
		figures = append(figures, fmt.Sprintf("%s: %d queued, %d delivered (%d POSTs, %d answered 500, %d hung past the timeout after taking the event in), %d duplicated (dropped by Affsync-Event)",
			rc.name, len(want), len(rc.accepted), rc.posts, rc.failed, rc.hung, dups))
		rc.mu.Unlock()
	}
	sort.Strings(figures)
	if code := b.stop(t, 30*time.Second); code != 0 {
		t.Fatalf("B exit %d after SIGTERM", code)
	}
	// After B's own flush, still once.
	if n := storedRedirectClicks(t, s, acct.ws.ID); n != answered.Load() {
		t.Fatalf("after both stopped: %d answered, %d stored", answered.Load(), n)
	}
	fmt.Printf("FAULT: webhooks (postgres, 2 instances): %s\n", strings.Join(figures, "; "))
	fmt.Printf("FAULT: redirects (postgres, SIGTERM to A mid-load): %d hits answered 302 (%d before the stop), %d counted in /v1/clicks, %d refused by the stopped instance\n",
		answered.Load(), beforeStop, counted, refused.Load())
}

// redirectClicks is the sum of GET /v1/clicks?source=redirect.
func redirectClicks(t *testing.T, base, key string) int64 {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/v1/clicks?source=redirect&limit=1000", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var page struct {
		Data []struct {
			Clicks int64 `json:"clicks"`
		} `json:"data"`
		Next string `json:"next_cursor"`
	}
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("GET /v1/clicks: %d %s", res.StatusCode, b)
	}
	if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, x := range page.Data {
		n += x.Clicks
	}
	return n
}

func storedRedirectClicks(t *testing.T, s *store.Store, workspaceID string) int64 {
	t.Helper()
	rows, _, err := s.Clicks(context.Background(), workspaceID, store.AggregateFilter{Source: "redirect", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, x := range rows {
		n += x.Clicks
	}
	return n
}

func deliveryStatuses(t *testing.T, ctx context.Context, db *pgx.Conn) map[string]int {
	t.Helper()
	rows, err := db.Query(ctx, `SELECT status, count(*) FROM webhook_deliveries GROUP BY status`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			t.Fatal(err)
		}
		out[st] = n
	}
	return out
}

func queuedEvents(t *testing.T, ctx context.Context, db *pgx.Conn) map[string]map[string]bool {
	t.Helper()
	rows, err := db.Query(ctx, `SELECT webhook_id, event_id FROM webhook_deliveries`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]bool{}
	for rows.Next() {
		var hook, ev string
		if err := rows.Scan(&hook, &ev); err != nil {
			t.Fatal(err)
		}
		if out[hook] == nil {
			out[hook] = map[string]bool{}
		}
		out[hook][ev] = true
	}
	return out
}

// lockedRe is what SQLite says when a writer could not get the lock.
var lockedRe = regexp.MustCompile(`(?i)database is locked|SQLITE_BUSY|database table is locked`)

// runCLI runs one affsync command against dsn and answers its exit status
// and its stdout and stderr together.
func runCLI(ctx context.Context, t *testing.T, dsn, key string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, faultBinary(t), args...)
	cmd.Env = append(os.Environ(), "AFFSYNC_DB="+dsn, "AFFSYNC_SECRET_KEY="+key)
	out, err := cmd.CombinedOutput()
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("affsync %v: %v", args, err)
	}
	return cmd.ProcessState.ExitCode(), string(out)
}

// TestFaultSQLiteWritersUnderLoad: on one SQLite file, affsync import, sync
// and connection add run from the command line while serve syncs and is
// under API and redirect load. No "database is locked" may reach a user: not
// in a command's output or exit status, nor as an HTTP 5xx.
func TestFaultSQLiteWritersUnderLoad(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	dir := t.TempDir()
	dsn := "sqlite:" + filepath.Join(dir, "affsync.db")
	s := storetest.Open(t, dsn)
	key, box := faultKey(t)
	served := newSimAccount(t, s, box, "default", sim.Config{Seed: 11, Days: 10, FailRate: 0.3}, 3*time.Second)
	cliSynced := newSimAccount(t, s, box, "default", sim.Config{Seed: 12, Days: 10, FailRate: 0.3}, time.Hour)
	// serve syncs the one; the other is not due, so the sync command runs it.
	if err := s.ScheduleConnection(ctx, cliSynced.ws.ID, cliSynced.conn.ID, time.Now().Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	apiKey, err := createAPIKey(Env{Context: ctx}, s, served.ws.ID, "fault", store.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	link, err := s.CreateLink(ctx, store.Link{WorkspaceID: served.ws.ID, Code: "sqlitefault",
		URL: "https://www.amazon.com/dp/B0FAULT999?tag=demo-20", Channel: "demo-20", Program: "amazon.com"})
	if err != nil {
		t.Fatal(err)
	}
	code, out := runCLI(ctx, t, dsn, key, "connection", "add", "amazon", "--connector", "import", "--store-id", "outside-22", "--mode", "subtags")
	if code != 0 {
		t.Fatalf("connection add: exit %d\n%s", code, out)
	}
	var importConn struct{ ID string }
	if err := json.Unmarshal([]byte(out), &importConn); err != nil || importConn.ID == "" {
		t.Fatalf("connection add printed %q (%v)", out, err)
	}
	report, err := os.ReadFile(filepath.Join("..", "..", "testdata", "outside", "central-csv", "Fee-Earnings-outside-22.csv"))
	if err != nil {
		t.Fatal(err)
	}

	srv := startInstance(t, "serve", dsn, key, "--sync-poll", "1s", "--sync-lease", "10s", "--webhook-poll", "1s", "--rate-limit", "0")

	// API and redirect load until the commands are done.
	var requests, fivexx atomic.Int64
	var firstBad atomic.Value
	loadCtx, stopLoad := context.WithCancel(ctx)
	noFollow := &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	paths := []string{"/r/" + link.Code, "/v1/transactions?limit=200", "/r/" + link.Code + "?custom=x", "/v1/clicks?group_by=day",
		"/v1/revenues?group_by=day,channel", "/r/" + link.Code, "/v1/connections"}
	var load sync.WaitGroup
	for g := range 6 {
		load.Go(func() {
			for i := 0; loadCtx.Err() == nil; i++ {
				req, _ := http.NewRequestWithContext(loadCtx, "GET", srv.base+paths[(g+i)%len(paths)], nil)
				req.Header.Set("Authorization", "Bearer "+apiKey)
				res, err := noFollow.Do(req)
				if err != nil {
					if loadCtx.Err() == nil {
						firstBad.CompareAndSwap(nil, err.Error())
						fivexx.Add(1)
					}
					continue
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				requests.Add(1)
				if res.StatusCode >= 500 || lockedRe.Match(body) {
					fivexx.Add(1)
					firstBad.CompareAndSwap(nil, fmt.Sprintf("%s: %d %s", req.URL.Path, res.StatusCode, body))
				}
			}
		})
	}

	// The commands, one after the other, each a writer of its own.
	const rounds = 4
	var commands, locked, synced int
	var lockedOut []string
	check := func(what string, code int, out string) {
		t.Logf("%s: exit %d: %s", what, code, strings.TrimSpace(out))
		commands++
		if lockedRe.MatchString(out) {
			locked++
			lockedOut = append(lockedOut, what+": "+out)
		}
		if code != 0 {
			t.Errorf("%s: exit %d\n%s", what, code, out)
		}
	}
	for i := range rounds {
		// A new name each round, so each import is a write, not a skip.
		file := filepath.Join(dir, fmt.Sprintf("Fee-Earnings-outside-22-round%d.csv", i))
		if err := os.WriteFile(file, report, 0o644); err != nil {
			t.Fatal(err)
		}
		code, out := runCLI(ctx, t, dsn, key, "import", "--connection", importConn.ID, file)
		check("import", code, out)
		if !strings.Contains(out, "imported "+file) {
			t.Errorf("import round %d wrote nothing:\n%s", i, out)
		}
		code, out = runCLI(ctx, t, dsn, key, "sync", "--connection", cliSynced.conn.ID)
		if code != 0 && strings.Contains(out, "failed: ") && !lockedRe.MatchString(out) {
			// The simulator's failures can outlast the retries: that is
			// the network's error, said as such, not a lock.
			t.Logf("sync: exit %d: %s", code, strings.TrimSpace(out))
			commands++
		} else {
			check("sync", code, out)
			if code == 0 && strings.Contains(out, "new files") {
				synced++
			}
		}
		code, out = runCLI(ctx, t, dsn, key, "connection", "add", "custom", "--name", fmt.Sprintf("shop %d", i), "--currency", "EUR")
		check("connection add", code, out)
	}
	stopLoad()
	load.Wait()
	if code := srv.stop(t, 30*time.Second); code != 0 {
		t.Fatalf("serve exit %d after SIGTERM", code)
	}
	serveLocked := len(lockedRe.FindAllString(srv.log.String(), -1))
	runs, _ := s.Runs(ctx, served.ws.ID, served.conn.ID, 100)
	if locked > 0 || fivexx.Load() > 0 {
		t.Fatalf("%d of %d commands and %d of %d requests met a locked database or a 5xx; first request: %v; commands: %v",
			locked, commands, fivexx.Load(), requests.Load(), firstBad.Load(), head(lockedOut))
	}
	if requests.Load() == 0 || len(runs) == 0 || synced == 0 {
		t.Fatalf("no load: %d requests, %d syncs of serve, %d syncs from the command line", requests.Load(), len(runs), synced)
	}
	fmt.Printf("FAULT: sqlite writers under load: %d CLI commands (import, sync (%d did sync), connection add) while serve ran %d syncs and answered %d API and redirect requests: 0 locked, 0 5xx; 'database is locked' in serve's own log: %d\n",
		commands, synced, len(runs), requests.Load(), serveLocked)
}
