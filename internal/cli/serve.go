package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/fxfeed"
	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/metrics"
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/syncer"
	"github.com/affsync/affsync/internal/web"
	"github.com/affsync/affsync/internal/webhook"
)

func runServe(env Env, args []string) error {
	fs, g := newFlags(env, "serve", "serve [--addr 127.0.0.1:8080] [--metrics-addr ADDR] [--rates-url URL|off] [--public-url URL] [--rate-limit 20] [--rate-burst 100] [--webhook-poll 5s]\n"+
		"             [--sync-lease 2m] [--sync-poll 10s] [--webhook-timeout 10s] [--webhook-retry-base 30s]")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	metricsAddr := fs.String("metrics-addr", "", "serve Prometheus /metrics on this address, apart from --addr (default: off)")
	poll := fs.Duration("webhook-poll", 5*time.Second, "how often the webhook queue is looked at when idle")
	lease := fs.Duration("sync-lease", defaultSyncLease, "how long a sync's claim on a connection lasts unrenewed: after an instance dies, others take its syncs over this long after its last renewal (at least 10s)")
	syncPoll := fs.Duration("sync-poll", defaultSyncPoll, "how often the scheduler looks for due syncs (at least 1s)")
	hookTimeout := fs.Duration("webhook-timeout", 10*time.Second, "how long a webhook receiver may take to answer a delivery (at least 1s)")
	hookRetry := fs.Duration("webhook-retry-base", webhook.DefaultRetryBase, "pause after a webhook delivery's first failed attempt, doubling on each next one up to an hour (at least 1s)")
	rate := fs.Float64("rate-limit", api.DefaultRateLimit.PerSecond, "API requests a second per key, refilled (0: no limit)")
	burst := fs.Int("rate-burst", api.DefaultRateLimit.Burst, "API requests a key may make at once")
	maxUpload := fs.Int64("max-upload", api.DefaultMaxUpload, "largest POST /v1/imports, in bytes")
	publicURL := fs.String("public-url", env.Getenv("AFFSYNC_PUBLIC_URL"),
		"where shoppers reach this server, the base of /r/ redirect links (default $AFFSYNC_PUBLIC_URL, else the request's host)")
	grace := fs.Duration("shutdown-timeout", 30*time.Second, "on SIGTERM or SIGINT, how long in-flight requests may take to finish")
	secureCookies := fs.Bool("secure-cookies", false, "mark dashboard cookies Secure (set it behind a proxy that ends TLS)")
	ratesURL := fs.String("rates-url", cmp.Or(env.Getenv("AFFSYNC_RATES_URL"), fxfeed.DefaultURL),
		"ECB-format exchange rates feed, refreshed daily (default $AFFSYNC_RATES_URL, else the ECB's 90-day XML); off: no refresh")
	keepTombstones := fs.Duration("keep-tombstones", syncer.DefaultKeepTombstones,
		"how long removed transactions stay in time_type=updated listings (at least 720h, 30 days)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve takes no arguments")
	}
	if u, err := url.Parse(*publicURL); *publicURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		return usagef("--public-url must be an http(s) URL like https://go.example.com, not %q", *publicURL)
	}
	if *rate < 0 || *burst < 1 || *maxUpload < 1 {
		return usagef("--rate-limit must be 0 or more, --rate-burst and --max-upload at least 1")
	}
	if *grace <= 0 {
		return usagef("--shutdown-timeout must be a positive duration, like 30s")
	}
	if *keepTombstones < syncer.DefaultKeepTombstones {
		return usagef("--keep-tombstones must be at least 720h (30 days): apps that sync less often would miss removals")
	}
	if *poll <= 0 {
		return usagef("--webhook-poll must be a positive duration, like 5s")
	}
	// A lease renews every third of itself; shorter than 10 s, a slow
	// database round trip could lose it to another instance mid-sync.
	if *lease < 10*time.Second {
		return usagef("--sync-lease must be at least 10s, like 2m")
	}
	if *syncPoll < time.Second {
		return usagef("--sync-poll must be at least 1s, like 10s")
	}
	if *hookTimeout < time.Second || *hookRetry < time.Second {
		return usagef("--webhook-timeout and --webhook-retry-base must be at least 1s")
	}
	if u, err := url.Parse(*ratesURL); *ratesURL != "off" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		return usagef("--rates-url must be an http(s) URL or off")
	}
	s, err := g.openStore(env)
	if err != nil {
		return err
	}
	defer s.Close()
	box, err := sealer(env, s)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	obs, err := newMetricsEndpoint(s, *metricsAddr)
	if err != nil {
		ln.Close()
		return err
	}
	m := obs.Series()
	log := logger(env)
	log.Info("serving", "url", "http://"+ln.Addr().String(), "db", s.Dialect())
	sched := newScheduler(s, box, log, m, env.networks())
	sched.KeepTombstones = *keepTombstones
	sched.Lease, sched.Poll = *lease, *syncPoll
	hooks := &webhook.Dispatcher{Store: s, Sealer: box, Log: log, Poll: *poll, Metrics: m,
		Timeout: *hookTimeout, RetryBase: *hookRetry}
	return serve(env.Context, ln, services{
		api: api.Config{Store: s, Sealer: box, Logger: log, Networks: env.networks(), PublicURL: *publicURL, MaxUpload: *maxUpload,
			RateLimit: api.RateLimit{PerSecond: *rate, Burst: *burst, Disabled: *rate == 0}, Metrics: m},
		web:     web.Config{Store: s, Sealer: box, Logger: log, Networks: env.networks(), SecureCookies: *secureCookies, PublicURL: *publicURL, Metrics: m},
		sched:   sched,
		hooks:   hooks,
		metrics: obs,
		rates:   ratesRefresher(s, *ratesURL, log),
		grace:   *grace,
	})
}

// The scheduler's defaults as serve offers them.
const (
	defaultSyncLease = 2 * time.Minute
	defaultSyncPoll  = 10 * time.Second
)

// ratesRefresher is serve's daily rates refresh, or nil with --rates-url off.
func ratesRefresher(s *store.Store, url string, log *slog.Logger) *fxfeed.Refresher {
	if url == "off" {
		return nil
	}
	return fxfeed.New(s, fxfeed.Config{URL: url, Log: log})
}

// services is what serve runs: the API, the dashboard, and the background
// work beside them.
type services struct {
	api   api.Config
	web   web.Config
	sched *syncer.Scheduler
	hooks *webhook.Dispatcher
	// metrics serves /metrics on its own listener; nil: off.
	metrics *metricsEndpoint
	rates   *fxfeed.Refresher // nil: no refresh
	grace   time.Duration     // for in-flight requests at shutdown (default 30 s)
}

// serve runs the HTTP server and the background work (the sync scheduler,
// the webhook dispatcher, database upkeep, the writer of redirect hits) on
// ln until ctx ends, then waits for the background work to stop before the
// store closes.
func serve(ctx context.Context, ln net.Listener, sv services) error {
	log, s, sched, hooks := sv.api.Logger, sv.api.Store, sv.sched, sv.hooks
	apiServer := api.New(sv.api)
	// Runs as serve returns, after the HTTP server has stopped taking
	// requests: the queued redirect hits are written then.
	defer apiServer.Close()
	dashboard, err := web.New(sv.web)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	apiServer.Register(mux) // /v1/, /healthz and /r/
	dashboard.Register(mux) // everything else
	srv := &http.Server{
		Handler:           metrics.Requests(mux, sv.metrics.Series(), log), // counted, and logged at debug
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ctx, stop := context.WithCancel(ctx)
	var background sync.WaitGroup
	defer background.Wait()
	defer stop()
	background.Go(func() { maintain(ctx, log, s) })
	background.Go(func() { sched.Run(ctx) })
	background.Go(func() { hooks.Run(ctx) })
	if sv.metrics != nil {
		background.Go(func() { sv.metrics.run(ctx, log) })
	}
	if sv.rates != nil {
		background.Go(func() { sv.rates.Run(ctx) })
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	grace := sv.grace
	if grace <= 0 {
		grace = 30 * time.Second
	}
	// ctx has ended, so syncs and webhook deliveries are already stopping
	// and giving their claims back, for another instance, while requests
	// finish.
	log.Info("stopping", "grace", grace)
	shutdown, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	stop()
	background.Wait()
	log.Info("stopped")
	return nil
}

// maintain checkpoints and optimises SQLite every hour while serving.
func maintain(ctx context.Context, log *slog.Logger, s *store.Store) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Maintain(ctx); err != nil {
				log.Warn("database maintenance", "err", err)
			}
		}
	}
}

// newScheduler is the sync machinery of a store: syncer, importer, scheduler.
func newScheduler(s *store.Store, sealer store.Sealer, log *slog.Logger, m *metrics.Metrics, reg *network.Registry) *syncer.Scheduler {
	im := importer.New(s, log)
	im.Networks = reg
	im.Metrics = m
	return &syncer.Scheduler{Syncer: &syncer.Syncer{Store: s, Importer: im, Sealer: sealer, Log: log, Metrics: m}}
}
