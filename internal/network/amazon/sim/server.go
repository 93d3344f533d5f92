package sim

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config makes an account.
type Config struct {
	Seed         int64
	Days         int       // default 60
	Today        time.Time // the account's today (a date, UTC); default the real today
	StoreID      string    // default "demo-20"
	CredentialID string    // default "demo-credential"
	Secret       string    // default "demo-secret"
	FailRate     float64   // share of API calls answered 429 (Retry-After: 1) or 500
	TokenTTL     time.Duration
	Now          func() time.Time // the clock of tokens and URL expiry
}

// Server is a running simulated account; an http.Handler.
type Server struct {
	cfg     Config
	acc     account
	signKey []byte
	mux     *http.ServeMux

	mu     sync.Mutex
	files  []file
	tokens map[string]time.Time // token → expiry
	rnd    *mrand.Rand

	stats Stats
}

// Stats counts calls, so tests can say "a second sync downloads nothing new".
type Stats struct {
	Tokens, Lists, Gets, Downloads, Failures atomic.Int64
}

// New makes a simulator of cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Days <= 0 {
		cfg.Days = 60
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Today.IsZero() {
		n := cfg.Now().UTC()
		cfg.Today = time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
	}
	if cfg.StoreID == "" {
		cfg.StoreID = "demo-20"
	}
	if cfg.CredentialID == "" {
		cfg.CredentialID = "demo-credential"
	}
	if cfg.Secret == "" {
		cfg.Secret = "demo-secret"
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = time.Hour
	}
	if cfg.FailRate < 0 || cfg.FailRate >= 1 {
		return nil, fmt.Errorf("fail rate %v: want 0 ≤ rate < 1", cfg.FailRate)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, signKey: key, tokens: map[string]time.Time{}, rnd: mrand.New(mrand.NewPCG(uint64(cfg.Seed), 99))}
	s.acc = generate(cfg)
	s.files = s.acc.files(cfg)
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /auth/o2/token", s.tokenJSON)
	s.mux.HandleFunc("POST /oauth2/token", s.tokenForm)
	s.mux.HandleFunc("POST /reports/v1/listReports", s.api(s.listReports))
	s.mux.HandleFunc("POST /reports/v1/getReport", s.api(s.getReport))
	s.mux.HandleFunc("GET /download/{name}", s.download)
	return s, nil
}

// ServeHTTP serves every endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Truth is what a correct creators-subtags sync makes of the account.
func (s *Server) Truth() Truth { return s.acc.truth(s.cfg.Today) }

// Stats are the calls served so far.
func (s *Server) Stats() *Stats { return &s.stats }

// StoreID is the account's store ID.
func (s *Server) StoreID() string { return s.cfg.StoreID }

// Reissue re-issues a day's earnings files with a later lastModified and new
// bytes: one more shipment line, as Amazon does when it corrects a day.
func (s *Server) Reissue(day time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stamp := day.Format("20060102")
	for i, f := range s.files {
		if strings.Contains(f.name, "-earnings-report-") && strings.Contains(f.name, stamp) {
			extra := fmt.Sprintf("Books\tLate correction\tB0REISSUE1\tAmazon.com\t%s\t%s\t10.00\t4.00\t1\t10.00\t0.40", s.cfg.StoreID, day.Format("2006-01-02"))
			if strings.Contains(f.name, "subtags") {
				extra += "\treissued-" + stamp
			}
			body := gunzip(f.body) + extra + "\n"
			nf := newFile(f.name, body, f.lastModified.Add(24*time.Hour))
			s.files[i] = nf
		}
	}
	s.acc.orders = append(s.acc.orders, click{subtag: "reissued-" + stamp, tag: s.cfg.StoreID, day: day,
		lines: []line{{asin: "B0REISSUE1", title: "Late correction", category: "Books", rate: 400, price: 1000, qty: 1, ship: day}}})
}

// apiError answers in the Creators API's error shape.
func apiError(w http.ResponseWriter, status int, typ, reason, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"type": typ, "reason": reason, "message": msg})
}

func (s *Server) tokenJSON(w http.ResponseWriter, r *http.Request) {
	var body struct {
		GrantType    string `json:"grant_type"`
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		Scope        string `json:"scope"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body must be JSON")
		return
	}
	s.token(w, body.GrantType, body.ClientID, body.ClientSecret, body.Scope, "creatorsapi::default")
}

func (s *Server) tokenForm(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "the body must be a form")
		return
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = u, p
	}
	s.token(w, r.PostForm.Get("grant_type"), id, secret, r.PostForm.Get("scope"), "creatorsapi/default")
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

func (s *Server) token(w http.ResponseWriter, grant, id, secret, scope, wantScope string) {
	s.stats.Tokens.Add(1)
	switch {
	case grant != "client_credentials":
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "use client_credentials")
	case !hmac.Equal([]byte(id), []byte(s.cfg.CredentialID)) || !hmac.Equal([]byte(secret), []byte(s.cfg.Secret)):
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
	case scope != wantScope:
		oauthError(w, http.StatusBadRequest, "invalid_scope", "scope must be "+wantScope)
	default:
		b := make([]byte, 24)
		rand.Read(b)
		tok := "Atza|" + hex.EncodeToString(b)
		s.mu.Lock()
		s.tokens[tok] = s.cfg.Now().Add(s.cfg.TokenTTL)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": int(s.cfg.TokenTTL.Seconds())})
	}
}

// api checks the bearer token and injects failures at FailRate.
func (s *Server) api(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		fail := s.cfg.FailRate > 0 && s.rnd.Float64() < s.cfg.FailRate
		throttle := s.rnd.IntN(2) == 0
		s.mu.Unlock()
		if fail {
			s.stats.Failures.Add(1)
			if throttle {
				w.Header().Set("Retry-After", "1")
				apiError(w, http.StatusTooManyRequests, "ThrottleException", "", "Rate exceeded")
			} else {
				apiError(w, http.StatusInternalServerError, "InternalServerException", "", "We encountered an internal error. Please try again.")
			}
			return
		}
		auth := r.Header.Get("Authorization")
		tok, _, _ := strings.Cut(strings.TrimPrefix(auth, "Bearer "), ",")
		s.mu.Lock()
		exp, ok := s.tokens[strings.TrimSpace(tok)]
		s.mu.Unlock()
		switch {
		case !strings.HasPrefix(auth, "Bearer ") || !ok:
			apiError(w, http.StatusUnauthorized, "UnauthorizedException", "InvalidToken", "The access token is invalid")
		case s.cfg.Now().After(exp):
			apiError(w, http.StatusUnauthorized, "UnauthorizedException", "TokenExpired", "The access token has expired")
		case r.Header.Get("x-marketplace") == "":
			apiError(w, http.StatusBadRequest, "ValidationException", "", "x-marketplace header is required")
		default:
			h(w, r)
		}
	}
}

func (s *Server) listReports(w http.ResponseWriter, r *http.Request) {
	s.stats.Lists.Add(1)
	s.mu.Lock()
	var reports []map[string]any
	for _, f := range s.files {
		reports = append(reports, map[string]any{"filename": f.name, "md5": f.md5, "size": len(f.body), "lastModified": f.lastModified.UTC().Format(time.RFC3339)})
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"reports": reports})
}

func (s *Server) getReport(w http.ResponseWriter, r *http.Request) {
	s.stats.Gets.Add(1)
	var body struct {
		Filename string `json:"filename"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil || body.Filename == "" {
		apiError(w, http.StatusBadRequest, "ValidationException", "", "filename is required")
		return
	}
	if _, ok := s.file(body.Filename); !ok {
		apiError(w, http.StatusNotFound, "ResourceNotFoundException", "", "No such report: "+body.Filename)
		return
	}
	expires := s.cfg.Now().Add(5 * time.Minute).Unix()
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	url := fmt.Sprintf("%s://%s/download/%s?X-Amz-Expires=%d&X-Amz-Signature=%s", scheme, r.Host, body.Filename, expires, s.sign(body.Filename, expires))
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"url": url})
}

func (s *Server) sign(name string, expires int64) string {
	m := hmac.New(sha256.New, s.signKey)
	fmt.Fprintf(m, "%s\n%d", name, expires)
	return hex.EncodeToString(m.Sum(nil))
}

// download serves a pre-signed URL: no auth header, a signature and an expiry.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	expires, err := strconv.ParseInt(r.URL.Query().Get("X-Amz-Expires"), 10, 64)
	if err != nil || !hmac.Equal([]byte(r.URL.Query().Get("X-Amz-Signature")), []byte(s.sign(name, expires))) {
		http.Error(w, "<Error><Code>SignatureDoesNotMatch</Code></Error>", http.StatusForbidden)
		return
	}
	if s.cfg.Now().Unix() > expires {
		http.Error(w, "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>", http.StatusForbidden)
		return
	}
	f, ok := s.file(name)
	if !ok {
		http.Error(w, "<Error><Code>NoSuchKey</Code></Error>", http.StatusNotFound)
		return
	}
	s.stats.Downloads.Add(1)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(f.body)))
	w.Write(f.body)
}

func (s *Server) file(name string) (file, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.files {
		if f.name == name {
			return f, true
		}
	}
	return file{}, false
}
