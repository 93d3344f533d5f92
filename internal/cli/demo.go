package cli

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/fxfeed"
	"github.com/affsync/affsync/internal/network/amazon"
	"github.com/affsync/affsync/internal/network/amazon/sim"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/web"
	"github.com/affsync/affsync/internal/webhook"
)

// runDemo starts everything on one machine: the Amazon simulator on a free
// loopback port, a fresh SQLite database in a data folder, a workspace with an
// admin, an API key and a creators-subtags connection to the simulator, a
// first sync, and the server.
func runDemo(env Env, args []string) error {
	fs, _ := newFlags(env, "demo", "demo [--addr 127.0.0.1:8080] [--dir ./affsync-demo]")
	addr := fs.String("addr", "127.0.0.1:8080", "address of the API")
	dir := fs.String("dir", "affsync-demo", "data folder (recreated on every start)")
	seed := fs.Int64("seed", 1, "seed of the simulated account")
	if err := parse(fs, args); err != nil {
		return err
	}
	log := logger(env)
	if err := os.RemoveAll(*dir); err != nil {
		return fmt.Errorf("reset %s: %w", *dir, err)
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", *dir, err)
	}

	simulator, err := sim.New(sim.Config{Seed: *seed, Days: 35})
	if err != nil {
		return err
	}
	simLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen for the simulator: %w", err)
	}
	simSrv := &http.Server{Handler: simulator, ReadHeaderTimeout: 10 * time.Second}
	go simSrv.Serve(simLn)
	defer simSrv.Close()
	simURL := "http://" + simLn.Addr().String()

	s, err := store.Open(env.Context, "sqlite:"+filepath.Join(*dir, "affsync.db"), store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Migrate(env.Context); err != nil {
		return err
	}
	box, err := sealer(env, s)
	if err != nil {
		return err
	}
	ws, err := s.EnsureWorkspace(env.Context, "default")
	if err != nil {
		return err
	}
	password := secret.RandomToken(12)
	hash, err := secret.HashPassword(password)
	if err != nil {
		return err
	}
	user, err := s.CreateUser(env.Context, ws.ID, "admin@demo.affsync.local", hash, store.RoleAdmin)
	if err != nil {
		return err
	}
	apiKey, err := createAPIKey(env, s, ws.ID, "demo", store.ScopeWrite)
	if err != nil {
		return err
	}
	// Checked as any account is, but not for real: the first sync below is
	// the demo's check.
	d, err := (&amazon.Account{Connector: amazon.ConnectorCreatorsSubtags, StoreID: simulator.StoreID(),
		Name: "Amazon (simulated) " + simulator.StoreID(), Currency: "USD", CredentialID: "demo-credential", Secret: "demo-secret",
		CredentialVersion: "3.1", APIBase: simURL, TokenURL: simURL + "/auth/o2/token", Marketplace: "www.amazon.com"}).Check()
	if err != nil {
		return err
	}
	conn, err := s.CreateConnection(env.Context, box, store.Connection{WorkspaceID: ws.ID, Network: d.Network, Connector: d.Connector,
		Name: d.Name, Currency: d.Currency, Settings: d.Settings}, map[string]string{"secret": d.Secret})
	if err != nil {
		return err
	}
	// The simulator's ECB-format feed stands in for the ECB, so the demo
	// converts with no internet, and reports in EUR to show it: the
	// dashboard's first screen is already converted.
	rates := fxfeed.New(s, fxfeed.Config{URL: simURL + "/eurofxref-hist.csv", Log: log})
	if err := rates.Refresh(env.Context); err != nil {
		return fmt.Errorf("rates from the simulator: %w", err)
	}
	if _, err := s.SetReportingCurrency(env.Context, ws.ID, "EUR"); err != nil {
		return err
	}
	// Metrics from the start, so the first sync is in them.
	obs, err := newMetricsEndpoint(s, "127.0.0.1:0")
	if err != nil {
		return err
	}
	m := obs.Series()
	sched := newScheduler(s, box, log, m, env.networks())
	start := time.Now()
	res, _, err := sched.SyncNow(env.Context, conn)
	if err != nil {
		return fmt.Errorf("first sync: %w", err)
	}
	log.Info("first sync", "files", res.Files, "rows", res.Rows, "transactions", res.Transactions.Created, "took", time.Since(start).Round(time.Millisecond))

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (choose another with --addr)", *addr, err)
	}
	fmt.Fprintf(env.Stdout, "URL http://%s\n", ln.Addr())
	fmt.Fprintf(env.Stdout, "USER %s\n", user.Email)
	fmt.Fprintf(env.Stdout, "PASSWORD %s\n", password)
	fmt.Fprintf(env.Stdout, "API_KEY %s\n", apiKey)
	fmt.Fprintf(env.Stdout, "METRICS %s\n", obs.URL())
	if f, ok := env.Stdout.(*os.File); ok {
		f.Sync()
	}
	return serve(env.Context, ln, services{
		api:     api.Config{Store: s, Sealer: box, Logger: log, Metrics: m, Networks: env.networks()},
		web:     web.Config{Store: s, Sealer: box, Logger: log, Metrics: m, Networks: env.networks()},
		sched:   sched,
		hooks:   &webhook.Dispatcher{Store: s, Sealer: box, Log: log, Metrics: m},
		metrics: obs,
		rates:   rates,
	})
}
