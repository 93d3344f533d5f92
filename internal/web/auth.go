package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
)

const (
	sessionCookie = "affsync_session"
	// loginCSRFCookie carries the CSRF token of the login form, which has no
	// session yet to keep it in (a double-submit cookie).
	loginCSRFCookie = "affsync_login_csrf"
	csrfField       = "csrf"

	loginFailures = 5                // failed logins allowed per address and per email…
	loginWindow   = 15 * time.Minute // …within this window
)

// viewer is the signed-in user of a request.
type viewer struct {
	store.Member
	WorkspaceID string
	CSRF        string
	Loc         *time.Location
	sessionHash string
}

// CanChange tells whether the viewer may change data (shown as buttons; the
// server checks it again on every POST).
func (v *viewer) CanChange() bool {
	return v != nil && (v.Role == store.RoleAdmin || v.Role == store.RoleMember)
}

// IsAdmin tells whether the viewer administers users and keys.
func (v *viewer) IsAdmin() bool { return v != nil && v.Role == store.RoleAdmin }

type pageHandler func(w http.ResponseWriter, r *http.Request, v *viewer)

// view serves a page to any signed-in user and sends others to the login.
func (s *Server) view(h pageHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := s.viewerOf(r)
		if err != nil {
			s.toLogin(w, r, err)
			return
		}
		h(w, r, v)
	})
}

// signedIn is a POST any signed-in user may make (logout), with its CSRF token.
func (s *Server) signedIn(h pageHandler) http.Handler { return s.post(nil, h) }

// change is a POST that changes data: members and admins only.
func (s *Server) change(h pageHandler) http.Handler {
	return s.post([]string{store.RoleAdmin, store.RoleMember}, h)
}

// admin is a POST only admins may make.
func (s *Server) admin(h pageHandler) http.Handler { return s.post([]string{store.RoleAdmin}, h) }

// post checks, in this order, the session, the CSRF token and the role. The
// token is compared before the role so that a forged request learns nothing.
func (s *Server) post(roles []string, h pageHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := s.viewerOf(r)
		if err != nil {
			s.toLogin(w, r, err)
			return
		}
		if !validCSRF(r, v.CSRF) {
			s.forbidden(w, r, v, "The form was missing its security token or it has expired. Go back, reload the page and try again.")
			return
		}
		if roles != nil && !contains(roles, v.Role) {
			s.forbidden(w, r, v, "Your role ("+v.Role+") may not make this change.")
			return
		}
		h(w, r, v)
	})
}

func (s *Server) forbidden(w http.ResponseWriter, r *http.Request, v *viewer, msg string) {
	s.render(w, r, v, http.StatusForbidden, "error", "Forbidden", "", errorPage{Message: msg})
}

// validCSRF compares the form's token with the session's in constant time.
// multipart forms (uploads) carry it in the query string, so the token is
// checked before the body is read.
func validCSRF(r *http.Request, want string) bool {
	got := r.URL.Query().Get(csrfField)
	if got == "" && !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		got = r.PostFormValue(csrfField)
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

var errNoSession = errors.New("no session")

// viewerOf reads the session cookie and loads its user.
func (s *Server) viewerOf(r *http.Request) (*viewer, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, errNoSession
	}
	hash := tokenHash(c.Value)
	se, err := s.store.SessionByHash(r.Context(), hash, s.now())
	if err != nil {
		return nil, err
	}
	m, err := s.store.Member(r.Context(), se.WorkspaceID, se.UserID)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(m.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	return &viewer{Member: m, WorkspaceID: se.WorkspaceID, CSRF: se.CSRFToken, Loc: loc, sessionHash: hash}, nil
}

func (s *Server) toLogin(w http.ResponseWriter, r *http.Request, err error) {
	if !errors.Is(err, errNoSession) && !errors.Is(err, store.ErrNotFound) {
		s.log.Error("read session", "err", err)
		http.Error(w, "internal error; see the server log", http.StatusInternalServerError)
		return
	}
	if r.Method != http.MethodGet {
		http.Error(w, "sign in first", http.StatusForbidden)
		return
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func (s *Server) cookie(r *http.Request, name, value string, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secure || r.TLS != nil}
	if maxAge < 0 {
		c.MaxAge = -1
	} else {
		c.MaxAge = int(maxAge / time.Second)
	}
	return c
}

type loginForm struct {
	Email, Next, Error string
	CSRF               string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, err := s.viewerOf(r); err == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.showLogin(w, r, http.StatusOK, loginForm{Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, status int, f loginForm) {
	token := ""
	if c, err := r.Cookie(loginCSRFCookie); err == nil && len(c.Value) >= 20 {
		token = c.Value
	} else {
		token = secret.RandomToken(24)
		http.SetCookie(w, s.cookie(r, loginCSRFCookie, token, time.Hour))
	}
	f.CSRF = token
	s.render(w, r, nil, status, "login", "Sign in", "", f)
}

// login checks the password (argon2id) and starts a session. Failures are
// counted per client address and per email; past the limit the server
// answers 429 without checking, so guessing costs the guesser time, not us
// memory.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue(csrfField))) != 1 {
		s.render(w, r, nil, http.StatusForbidden, "error", "Forbidden", "", errorPage{Message: "The sign-in form was missing its security token. Reload the page and try again."})
		return
	}
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	form := loginForm{Email: email, Next: safeNext(r.PostFormValue("next"))}
	now := s.now()
	keys := []string{"ip:" + clientIP(r), "email:" + email}
	if wait := s.logins.blocked(now, keys...); wait > 0 {
		w.Header().Set("Retry-After", itoa(int64(wait/time.Second)+1))
		form.Error = "Too many failed sign-ins. Wait a few minutes and try again."
		s.showLogin(w, r, http.StatusTooManyRequests, form)
		return
	}
	u, err := s.store.UserByEmail(r.Context(), email)
	ok := false
	if err == nil {
		ok, err = secret.CheckPassword(u.PasswordHash, r.PostFormValue("password"))
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log.Error("login", "err", err)
	}
	var ws []store.Workspace
	if ok {
		if ws, err = s.store.UserWorkspaces(r.Context(), u.ID); err != nil || len(ws) == 0 {
			ok = false
		}
	}
	if !ok {
		s.logins.fail(now, keys...)
		form.Error = "The email or the password is wrong."
		s.showLogin(w, r, http.StatusUnauthorized, form)
		return
	}
	s.logins.forget("email:" + email)
	token := secret.RandomToken(32)
	se := store.Session{TokenHash: tokenHash(token), UserID: u.ID, WorkspaceID: ws[0].ID, CSRFToken: secret.RandomToken(32),
		CreatedAt: now.UTC(), ExpiresAt: now.UTC().Add(s.ttl)}
	if err := s.store.CreateSession(r.Context(), se); err != nil {
		s.fail(w, r, nil, err)
		return
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, token, s.ttl))
	http.SetCookie(w, s.cookie(r, loginCSRFCookie, "", -1))
	s.log.Info("login", "user", u.ID)
	http.Redirect(w, r, form.Next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, v *viewer) {
	if err := s.store.DeleteSession(r.Context(), v.sessionHash); err != nil {
		s.fail(w, r, v, err)
		return
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.HasPrefix(next, "/login") {
		return "/"
	}
	return next
}

// clientIP is the peer's address. Behind a proxy every client shares the
// proxy's address, which makes the limit stricter, never looser: forwarded
// headers are not trusted, as anyone can send them.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limiter counts failures per key in a sliding window.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	fails  map[string][]time.Time
}

func newLimiter(max int, window time.Duration) *limiter {
	return &limiter{max: max, window: window, fails: map[string][]time.Time{}}
}

// blocked returns how long until any of keys may try again; 0 when all may.
func (l *limiter) blocked(now time.Time, keys ...string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		recent := l.recent(now, k)
		if len(recent) >= l.max {
			if d := recent[0].Add(l.window).Sub(now); d > wait {
				wait = d
			}
		}
	}
	return wait
}

func (l *limiter) fail(now time.Time, keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		l.fails[k] = append(l.recent(now, k), now)
	}
	if len(l.fails) > 100_000 { // a flood of distinct keys: drop the stale ones
		for k := range l.fails {
			if len(l.recent(now, k)) == 0 {
				delete(l.fails, k)
			}
		}
	}
}

func (l *limiter) forget(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, key)
}

// recent drops key's failures older than the window; the caller holds mu.
func (l *limiter) recent(now time.Time, key string) []time.Time {
	ts := l.fails[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.window {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, key)
		return nil
	}
	l.fails[key] = ts
	return ts
}
