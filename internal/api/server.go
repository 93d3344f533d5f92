// Package api serves affsync's REST API (v1).
package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/affsync/affsync/client"
	"github.com/affsync/affsync/internal/clickqueue"
	"github.com/affsync/affsync/internal/metrics"
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/network/networks"
	"github.com/affsync/affsync/internal/store"
)

// Config is what the API needs; nothing is read from globals.
type Config struct {
	Store  *store.Store
	Sealer store.Sealer
	Logger *slog.Logger
	Now    func() time.Time
	// RateLimit is each API key's request budget (zero: DefaultRateLimit).
	RateLimit RateLimit
	// MaxUpload bounds the bytes of one POST /v1/imports (zero: DefaultMaxUpload).
	MaxUpload int64
	// PublicURL is where shoppers reach this server ("https://go.example.com"),
	// the base of redirect links; empty: the host each request came to.
	PublicURL string
	Clicks    clickqueue.Options // the queue of redirect hits
	Metrics   *metrics.Metrics   // counts uploads; nil: none
	Networks  *network.Registry  // nil: networks.Builtin()
}

// Server is the REST API.
type Server struct {
	store     *store.Store
	sealer    store.Sealer
	log       *slog.Logger
	now       func() time.Time
	keys      *keyCache
	limits    *limiter // nil when rate limiting is off
	maxUpload int64
	bg        sync.WaitGroup // background writes (key use), awaited by Close

	publicURL string
	links     *linkCache
	hits      *clickqueue.Queue // redirect hits on their way to the store
	metrics   *metrics.Metrics
	networks  *network.Registry
}

// Close waits for background writes to finish and writes the queued
// redirect hits. Call it once the HTTP server has stopped.
func (s *Server) Close() {
	s.bg.Wait()
	s.hits.Close()
}

// FlushClicks returns once the redirect hits so far are stored.
func (s *Server) FlushClicks(ctx context.Context) error { return s.hits.Flush(ctx) }

// ClickStats counts redirect hits written, dropped and failed.
func (s *Server) ClickStats() clickqueue.Stats { return s.hits.Stats() }

// New makes the API server.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Networks == nil {
		cfg.Networks = networks.Builtin()
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = DefaultMaxUpload
	}
	s := &Server{store: cfg.Store, sealer: cfg.Sealer, log: cfg.Logger, now: cfg.Now, keys: newKeyCache(), maxUpload: cfg.MaxUpload,
		publicURL: strings.TrimSuffix(cfg.PublicURL, "/"), links: newLinkCache(), hits: clickqueue.New(cfg.Store, cfg.Logger, cfg.Clicks),
		metrics: cfg.Metrics, networks: cfg.Networks}
	if !cfg.RateLimit.Disabled {
		s.limits = newLimiter(cfg.RateLimit)
	}
	cfg.Metrics.WatchClicks(s.hits.Stats) // redirect hits written, dropped, queued
	return s
}

// Mux is where routes go: an *http.ServeMux, or a test's recorder.
type Mux interface {
	Handle(pattern string, h http.Handler)
	HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request))
}

// Register adds the API's routes to mux. The list is the API at a glance;
// openapi.go documents each route and a test keeps the two the same.
func (s *Server) Register(mux Mux) {
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /v1/openapi.json", s.openAPI)
	mux.HandleFunc("GET /r/{code}", s.redirect) // public: shoppers follow these

	// exportable: the list also answers format=csv|xlsx (export.go).
	mux.Handle("GET /v1/transactions", s.read(exportable(s, "transactions", s.listTransactions, s.transactionRows)))
	mux.Handle("GET /v1/transactions/{id}", s.read(s.getTransaction))

	mux.Handle("GET /v1/revenues", s.read(exportable(s, "revenues", s.listRevenues, s.revenueRows)))
	mux.Handle("GET /v1/clicks", s.read(exportable(s, "clicks", s.listClicks, s.clickRows)))
	mux.Handle("GET /v1/channels", s.read(exportable(s, "channels", s.listChannels, s.channelRows)))
	mux.Handle("GET /v1/programs", s.read(exportable(s, "programs", s.listPrograms, s.programRows)))
	mux.Handle("GET /v1/programs/{connection_id}/{program}/history", s.read(s.listProgramHistory))
	mux.Handle("GET /v1/payments", s.read(exportable(s, "payments", s.listPayments, s.paymentRows)))
	mux.Handle("GET /v1/deals", s.read(exportable(s, "deals", s.listDeals, s.dealRows)))

	mux.Handle("GET /v1/inquiries", s.read(exportable(s, "inquiries", s.listInquiries, s.inquiryRows)))
	mux.Handle("POST /v1/inquiries", s.write(s.createInquiry))
	mux.Handle("GET /v1/inquiries/{id}", s.read(s.getInquiry))
	mux.Handle("POST /v1/inquiries/{id}/accept", s.write(s.acceptInquiry))
	mux.Handle("POST /v1/inquiries/{id}/reject", s.write(s.rejectInquiry))

	mux.Handle("POST /v1/imports", s.write(s.createImport))

	mux.Handle("GET /v1/links", s.read(exportable(s, "links", s.listLinks, s.linkRows)))
	mux.Handle("GET /v1/links/{id}", s.read(s.getLink))
	mux.Handle("POST /v1/links", s.write(s.createLink))

	mux.Handle("GET /v1/apikeys", s.read(s.listAPIKeys))
	mux.Handle("POST /v1/apikeys", s.write(s.createAPIKey))
	mux.Handle("DELETE /v1/apikeys/{id}", s.write(s.revokeAPIKey))

	mux.Handle("GET /v1/workspace", s.read(s.getWorkspace))
	mux.Handle("PATCH /v1/workspace", s.write(s.updateWorkspace))

	mux.Handle("GET /v1/connections", s.read(s.listConnections))
	mux.Handle("POST /v1/connections", s.write(s.createConnection))
	mux.Handle("POST /v1/connections/{id}/sync", s.write(s.syncConnection))
	mux.Handle("GET /v1/connections/{id}/runs", s.read(s.listRuns))

	mux.Handle("GET /v1/webhooks", s.read(s.listWebhooks))
	mux.Handle("POST /v1/webhooks", s.write(s.createWebhook))
	mux.Handle("PATCH /v1/webhooks/{id}", s.write(s.updateWebhook))
	mux.Handle("DELETE /v1/webhooks/{id}", s.write(s.deleteWebhook))
	mux.Handle("GET /v1/webhooks/{id}/deliveries", s.read(s.listDeliveries))
	mux.Handle("POST /v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", s.write(s.redeliver))

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
	h := client.Health{Status: "ok"}
	// The rates are details: a failed refresh leaves the instance healthy,
	// converting with the rates it has.
	if st, err := s.store.RatesStatus(r.Context()); err != nil {
		s.log.Error("health check: rates", "err", err)
	} else {
		h.Rates = ratesHealth(st)
	}
	writeJSON(w, http.StatusOK, h)
}

func ratesHealth(st store.RatesStatus) client.RatesHealth {
	out := client.RatesHealth{Days: st.Days, Currencies: len(st.Currencies)}
	if st.Days > 0 {
		first, last := day(st.First), day(st.Last)
		out.FirstDate, out.LastDate = &first, &last
	}
	if l := st.LastRefresh; l != nil {
		out.LastRefresh = &client.RatesRefresh{Source: l.Source, StartedAt: l.StartedAt, FinishedAt: l.FinishedAt, Outcome: l.Outcome,
			Error: l.Error, Attempts: l.Attempts, Added: l.Result.Added, Changed: l.Result.Changed}
	}
	return out
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, "not_found", "no such endpoint: "+r.Method+" "+r.URL.Path)
}
