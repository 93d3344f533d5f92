package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/collector"
	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/web"
)

func runServe(env Env, args []string) error {
	fs, g := newFlags(env, "serve", "serve [--addr 127.0.0.1:8080]")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	secureCookies := fs.Bool("secure-cookies", false, "mark dashboard cookies Secure (set it behind a proxy that ends TLS)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve takes no arguments")
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
	log := logger(env)
	log.Info("serving", "url", "http://"+ln.Addr().String(), "db", s.Dialect())
	sched := newScheduler(s, box, log)
	return serve(env.Context, log, s, box, ln, sched, *secureCookies)
}

// serve runs the HTTP server and the background work (the sync scheduler,
// database upkeep) on ln until ctx ends.
func serve(ctx context.Context, log *slog.Logger, s *store.Store, sealer store.Sealer, ln net.Listener, sched *collector.Scheduler, secureCookies bool) error {
	apiServer := api.New(api.Config{Store: s, Sealer: sealer, Logger: log})
	defer apiServer.Close()
	dashboard, err := web.New(web.Config{Store: s, Sealer: sealer, Logger: log, SecureCookies: secureCookies})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	apiServer.Register(mux) // /v1/ and /healthz
	dashboard.Register(mux) // everything else
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	go maintain(ctx, log, s)
	go sched.Run(ctx)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
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

// newScheduler is the sync machinery of a store: collector, importer, scheduler.
func newScheduler(s *store.Store, sealer store.Sealer, log *slog.Logger) *collector.Scheduler {
	return &collector.Scheduler{Collector: &collector.Collector{Store: s, Importer: importer.New(s, log), Sealer: sealer, Log: log}}
}
