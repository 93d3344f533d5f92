// Package web serves affsync's dashboard: server-rendered pages over the same
// store and services as the API (it never calls the API over HTTP). Pages read
// without JavaScript; every change is a POST form with a CSRF token, and the
// server checks the user's role on each one.
package web

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"
	_ "time/tzdata" // users' time zones, also on machines without a zoneinfo database

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/metrics"
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/network/networks"
	"github.com/affsync/affsync/internal/store"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Config is what the dashboard needs; nothing is read from globals.
type Config struct {
	Store  *store.Store
	Sealer store.Sealer
	Logger *slog.Logger
	Now    func() time.Time
	// SecureCookies marks cookies Secure even when this server sees plain
	// HTTP, as behind a proxy that ends TLS. Cookies on a TLS request are
	// always Secure.
	SecureCookies bool
	// SessionTTL is how long a login lasts; 12 hours when zero.
	SessionTTL time.Duration
	// PublicURL is where shoppers reach this server, the base of redirect
	// links (as api.Config.PublicURL); empty: the host each request came to.
	PublicURL string
	// Metrics counts the dashboard's uploads; nil: none.
	Metrics *metrics.Metrics
	// Networks are the networks connections are of; nil: networks.Builtin().
	Networks *network.Registry
}

// Server is the dashboard.
type Server struct {
	store     *store.Store
	sealer    store.Sealer
	log       *slog.Logger
	now       func() time.Time
	secure    bool
	ttl       time.Duration
	pages     pages
	logins    *limiter
	importer  *importer.Importer
	networks  *network.Registry
	publicURL string
}

// New makes the dashboard; it fails only when a template does not parse.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	if cfg.Networks == nil {
		cfg.Networks = networks.Builtin()
	}
	im := importer.New(cfg.Store, cfg.Logger)
	im.Metrics, im.Networks = cfg.Metrics, cfg.Networks
	return &Server{store: cfg.Store, sealer: cfg.Sealer, log: cfg.Logger, now: cfg.Now, secure: cfg.SecureCookies,
		ttl: cfg.SessionTTL, pages: p, logins: newLimiter(loginFailures, loginWindow), importer: im,
		networks: cfg.Networks, publicURL: strings.TrimSuffix(cfg.PublicURL, "/")}, nil
}

// Register adds the dashboard's routes to mux, beside the API's /v1/. The
// list is the dashboard at a glance: view is any signed-in user, change a
// member or admin (with a CSRF token), admin an admin.
func (s *Server) Register(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFiles, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheFor(time.Hour, http.FileServerFS(static))))

	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.Handle("POST /logout", s.signedIn(s.logout))

	mux.Handle("GET /{$}", s.view(s.overview))

	mux.Handle("GET /transactions", s.view(s.transactions))
	mux.Handle("GET /transactions/export", s.view(s.exportTransactions))
	mux.Handle("GET /transactions/{id}", s.view(s.transaction))

	mux.Handle("GET /payments", s.view(s.payments))
	mux.Handle("GET /payments/export", s.view(s.exportPayments))
	mux.Handle("GET /deals", s.view(s.deals))
	mux.Handle("GET /deals/export", s.view(s.exportDeals))

	mux.Handle("GET /revenues", s.view(s.revenues))
	mux.Handle("GET /revenues/export", s.view(s.exportRevenues))
	mux.Handle("GET /clicks", s.view(s.clicks))
	mux.Handle("GET /clicks/export", s.view(s.exportClicks))
	mux.Handle("GET /channels", s.view(s.channels))
	mux.Handle("GET /channels/export", s.view(s.exportChannels))
	mux.Handle("GET /programs", s.view(s.programs))
	mux.Handle("GET /programs/export", s.view(s.exportPrograms))

	mux.Handle("GET /links", s.view(s.links))
	mux.Handle("GET /links/export", s.view(s.exportLinks))
	mux.Handle("POST /links", s.change(s.createLink))
	mux.Handle("GET /links/{id}", s.view(s.link))

	mux.Handle("GET /inquiries", s.view(s.inquiries))
	mux.Handle("GET /inquiries/export", s.view(s.exportInquiries))
	mux.Handle("POST /inquiries", s.change(s.createInquiry))
	mux.Handle("GET /inquiries/{id}", s.view(s.inquiry))
	mux.Handle("POST /inquiries/{id}/accept", s.change(s.acceptInquiry))
	mux.Handle("POST /inquiries/{id}/reject", s.change(s.rejectInquiry))

	mux.Handle("GET /connections", s.view(s.connections))
	mux.Handle("GET /connections/new", s.view(s.newConnection))
	mux.Handle("POST /connections", s.change(s.createConnection))
	mux.Handle("GET /connections/{id}", s.view(s.connection))
	mux.Handle("POST /connections/{id}/sync", s.change(s.syncConnection))
	mux.Handle("POST /connections/{id}/disable", s.change(s.disableConnection))
	mux.Handle("POST /connections/{id}/enable", s.change(s.enableConnection))

	mux.Handle("GET /import", s.view(s.importPage))
	mux.Handle("POST /import", s.change(s.upload))

	mux.Handle("GET /webhooks", s.view(s.webhooks))
	mux.Handle("POST /webhooks", s.change(s.createWebhook))
	mux.Handle("GET /webhooks/{id}", s.view(s.webhook))
	mux.Handle("POST /webhooks/{id}/edit", s.change(s.editWebhook))
	mux.Handle("POST /webhooks/{id}/pause", s.change(s.pauseWebhook))
	mux.Handle("POST /webhooks/{id}/resume", s.change(s.resumeWebhook))
	mux.Handle("POST /webhooks/{id}/delete", s.change(s.deleteWebhook))
	mux.Handle("POST /webhooks/{id}/deliveries/{delivery}/redeliver", s.change(s.redeliver))

	mux.Handle("GET /apikeys", s.view(s.apiKeys))
	mux.Handle("POST /apikeys", s.admin(s.createAPIKey))
	mux.Handle("POST /apikeys/{id}/revoke", s.admin(s.revokeAPIKey))

	mux.Handle("GET /settings", s.view(s.settings))
	mux.Handle("POST /settings/time-zone", s.signedIn(s.setTimeZone))
	mux.Handle("POST /settings/currency", s.admin(s.setCurrency))

	mux.Handle("GET /users", s.view(s.users))
	mux.Handle("POST /users", s.admin(s.createUser))
	mux.Handle("POST /users/{id}/role", s.admin(s.setMemberRole))
	mux.Handle("POST /users/{id}/password", s.admin(s.setMemberPassword))
	mux.Handle("POST /users/{id}/remove", s.admin(s.removeMember))

	mux.Handle("/", s.view(s.notFound))
}

// Handler is the dashboard alone on a new mux.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.Register(mux)
	return mux
}

func cacheFor(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age="+itoa(int64(d/time.Second)))
		h.ServeHTTP(w, r)
	})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.render(w, r, v, http.StatusNotFound, "error", "Not found", "", errorPage{Message: "There is no page at " + r.URL.Path + "."})
}

type errorPage struct{ Message string }
