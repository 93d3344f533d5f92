// Command redirectserver is the server of bench/redirect.sh: the real API
// mux (with GET /r/{code}) plus a bench-only trivial route, over a fresh
// store holding one redirect link. It prints its URL and the link's code,
// serves until SIGINT/SIGTERM, then writes the queued hits and prints what
// became of them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/linkbuilder"
	"github.com/affsync/affsync/internal/store"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "redirectserver:", err)
		os.Exit(1)
	}
}

func run() error {
	dir, err := os.MkdirTemp("", "affsync-redirect-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dsn := flag.String("db", "sqlite:"+filepath.Join(dir, "bench.db"), "database (a fresh one: the bench adds a workspace and a link)")
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := store.Open(ctx, *dsn, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	ws, err := s.EnsureWorkspace(ctx, "redirect-bench")
	if err != nil {
		return err
	}
	p, err := linkbuilder.Parse("https://www.amazon.com/dp/B0C1234567")
	if err != nil {
		return err
	}
	link, err := s.CreateLink(ctx, store.Link{WorkspaceID: ws.ID, Code: linkbuilder.NewCode(), URL: p.URL("bench-20", ""),
		Channel: "bench-20", Program: p.Program, UniquePerClick: true})
	if err != nil {
		return err
	}

	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	apiServer := api.New(api.Config{Store: s, Logger: log})
	mux := http.NewServeMux()
	apiServer.Register(mux)
	// The baseline: a constant answer through the same mux and server.
	mux.HandleFunc("GET /bench/trivial", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("URL http://%s\nCODE %s\n", ln.Addr(), link.Code)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	apiServer.Close()
	st := apiServer.ClickStats()
	rows, _, err := s.Clicks(context.Background(), ws.ID, store.AggregateFilter{})
	if err != nil {
		return err
	}
	fmt.Printf("HITS written=%d dropped=%d failed=%d; /v1/clicks total=%d\n", st.Written, st.Dropped, st.Failed, rows[0].Clicks)
	return nil
}
