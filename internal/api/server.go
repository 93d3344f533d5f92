// Package api serves affsync's REST API (v1).
package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/affsync/affsync/internal/clickqueue"
	"github.com/affsync/affsync/internal/store"
)

// Config is what the API needs; nothing is read from globals.
type Config struct {
	Store  *store.Store
	Sealer store.Sealer
	Logger *slog.Logger
	Now    func() time.Time
	// PublicURL is where shoppers reach this server ("https://go.example.com"),
	// the base of redirect links; empty: the host each request came to.
	PublicURL string
	Clicks    clickqueue.Options // the queue of redirect hits
}

// Server is the REST API.
type Server struct {
	store  *store.Store
	sealer store.Sealer
	log    *slog.Logger
	now    func() time.Time
	keys   *keyCache
	bg     sync.WaitGroup // background writes (key use), awaited by Close

	publicURL string
	links     *linkCache
	clicks    *clickqueue.Queue
}

// Close waits for background writes to finish and writes the queued
// redirect hits. Call it once the HTTP server has stopped.
func (s *Server) Close() {
	s.bg.Wait()
	s.clicks.Close()
}

// FlushClicks returns once the redirect hits so far are stored.
func (s *Server) FlushClicks(ctx context.Context) error { return s.clicks.Flush(ctx) }

// ClickStats counts redirect hits written, dropped and failed.
func (s *Server) ClickStats() clickqueue.Stats { return s.clicks.Stats() }

// New makes the API server.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Server{store: cfg.Store, sealer: cfg.Sealer, log: cfg.Logger, now: cfg.Now, keys: newKeyCache(),
		publicURL: strings.TrimSuffix(cfg.PublicURL, "/"), links: newLinkCache(), clicks: clickqueue.New(cfg.Store, cfg.Logger, cfg.Clicks)}
}

// Register adds the API's routes to mux. The list is the API at a glance.
func (s *Server) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /r/{code}", s.redirect) // public: shoppers follow these

	mux.Handle("GET /v1/transactions", s.read(s.listTransactions))
	mux.Handle("GET /v1/transactions/{id}", s.read(s.getTransaction))

	mux.Handle("GET /v1/revenues", s.read(s.listRevenues))
	mux.Handle("GET /v1/clicks", s.read(s.listClicks))
	mux.Handle("GET /v1/channels", s.read(s.listChannels))
	mux.Handle("GET /v1/programs", s.read(s.listPrograms))

	mux.Handle("GET /v1/inquiries", s.read(s.listInquiries))
	mux.Handle("POST /v1/inquiries", s.write(s.createInquiry))

	mux.Handle("POST /v1/imports", s.write(s.createImport))

	mux.Handle("GET /v1/links", s.read(s.listLinks))
	mux.Handle("POST /v1/links", s.write(s.createLink))

	mux.Handle("GET /v1/connections", s.read(s.listConnections))
	mux.Handle("POST /v1/connections", s.write(s.createConnection))
	mux.Handle("POST /v1/connections/{id}/sync", s.write(s.syncConnection))
	mux.Handle("GET /v1/connections/{id}/runs", s.read(s.listRuns))

	mux.Handle("/v1/", s.read(s.notFound))
}

// Handler is the API alone on a new mux.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.Register(mux)
	return mux
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.store.Ping(r.Context()); err != nil {
		s.log.Error("health check", "err", err)
		writeError(w, http.StatusServiceUnavailable, "unavailable", "the database does not answer")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, "not_found", "no such endpoint: "+r.Method+" "+r.URL.Path)
}
