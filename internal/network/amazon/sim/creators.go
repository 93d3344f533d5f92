package sim

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// urlLifetime is how long a pre-signed download URL works.
const urlLifetime = 5 * time.Minute

// apiError answers in the Creators API's error shape.
func apiError(w http.ResponseWriter, status int, typ, reason, msg string) {
	writeJSON(w, status, map[string]string{"type": typ, "reason": reason, "message": msg})
}

// oauthError answers in the OAuth2 error shape of the token endpoints.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) // the client has gone if this fails; nothing to do
}

// tokenJSON is Login with Amazon (credential versions 3.x): a JSON body.
func (s *Server) tokenJSON(w http.ResponseWriter, r *http.Request) {
	var body struct {
		GrantType    string `json:"grant_type"`
		ClientID     string `json:"client_id"`
		ClientSecret string `json:"client_secret"`
		Scope        string `json:"scope"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The request body must be JSON")
		return
	}
	s.token(w, body.GrantType, body.ClientID, body.ClientSecret, body.Scope, "creatorsapi::default")
}

// tokenForm is Cognito (credential versions 2.x): a form body, or the
// client's credentials in Basic auth as Cognito also accepts.
func (s *Server) tokenForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The request body must be a form")
		return
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = u, p
	}
	s.token(w, r.PostForm.Get("grant_type"), id, secret, r.PostForm.Get("scope"), "creatorsapi/default")
}

func (s *Server) token(w http.ResponseWriter, grant, id, secret, scope, wantScope string) {
	switch {
	case grant != "client_credentials":
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Only client_credentials is supported")
	case !equal(id, s.cfg.CredentialID) || !equal(secret, s.cfg.Secret):
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
	case scope != wantScope:
		oauthError(w, http.StatusBadRequest, "invalid_scope", "The scope must be "+wantScope)
	default:
		b := make([]byte, 24)
		rand.Read(b) // never fails (crypto/rand panics instead)
		tok := "Atza|" + hex.EncodeToString(b)
		s.mu.Lock()
		s.tokens[tok] = s.cfg.Now().Add(s.cfg.TokenTTL)
		s.mu.Unlock()
		s.counts.tokens.Add(1)
		writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": int(s.cfg.TokenTTL / time.Second)})
	}
}

// equal compares secrets in constant time.
func equal(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

// injectFault answers the call with a deliberate 429 or 500 at FailRate;
// the sequence of faults follows the seed.
func (s *Server) injectFault(w http.ResponseWriter) bool {
	if s.cfg.FailRate == 0 {
		return false
	}
	s.mu.Lock()
	fail, throttle := s.faults.Float64() < s.cfg.FailRate, s.faults.IntN(2) == 0
	s.mu.Unlock()
	if !fail {
		return false
	}
	s.counts.failures.Add(1)
	if throttle {
		w.Header().Set("Retry-After", "1")
		apiError(w, http.StatusTooManyRequests, "ThrottleException", "", "Rate exceeded")
	} else {
		apiError(w, http.StatusInternalServerError, "InternalServerException", "", "We encountered an internal error. Please try again.")
	}
	return true
}

// api guards a Creators API operation: faults first (as a throttling
// front end would), then the bearer token, then the marketplace header.
func (s *Server) api(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.injectFault(w) {
			return
		}
		auth := r.Header.Get("Authorization")
		tok, isBearer := strings.CutPrefix(auth, "Bearer ")
		tok, _, _ = strings.Cut(tok, ",") // 2.x appends ", Version 2.1"
		s.mu.Lock()
		expiry, known := s.tokens[strings.TrimSpace(tok)]
		s.mu.Unlock()
		switch mp := r.Header.Get("x-marketplace"); {
		case !isBearer || !known:
			apiError(w, http.StatusUnauthorized, "UnauthorizedException", "InvalidToken", "The access token is invalid")
		case !s.cfg.Now().Before(expiry):
			apiError(w, http.StatusUnauthorized, "UnauthorizedException", "TokenExpired", "The access token has expired")
		case mp == "":
			apiError(w, http.StatusBadRequest, "ValidationException", "", "The x-marketplace header is required")
		case mp != s.cfg.Marketplace:
			apiError(w, http.StatusBadRequest, "ValidationException", "", "Marketplace "+mp+" is not valid for this account")
		default:
			h(w, r)
		}
	}
}

// reportAccess refuses report calls for an account without report access.
func (s *Server) reportAccess(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.ReportsNotAvailable {
			apiError(w, http.StatusForbidden, "AccessDeniedException", "ReportsNotAvailable", "This account does not have access to reports")
			return
		}
		h(w, r)
	}
}

type listedReport struct {
	Filename     string `json:"filename"`
	MD5          string `json:"md5"`
	Size         int64  `json:"size"`
	LastModified string `json:"lastModified"`
}

func (s *Server) listReports(w http.ResponseWriter, r *http.Request) {
	files := s.Files()
	out := make([]listedReport, len(files))
	for i, f := range files {
		out[i] = listedReport{Filename: f.Name, MD5: f.MD5, Size: f.Size, LastModified: f.LastModified.UTC().Format(time.RFC3339)}
	}
	s.counts.lists.Add(1)
	writeJSON(w, http.StatusOK, map[string]any{"reports": out})
}

func (s *Server) getReport(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Filename string `json:"filename"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil || body.Filename == "" {
		apiError(w, http.StatusBadRequest, "ValidationException", "", "filename is required")
		return
	}
	if _, ok := s.report(body.Filename); !ok {
		apiError(w, http.StatusNotFound, "ResourceNotFoundException", "", "No report named "+body.Filename)
		return
	}
	expires := s.cfg.Now().Add(urlLifetime).Unix()
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	q := url.Values{"X-Amz-Expires": {strconv.FormatInt(expires, 10)}, "X-Amz-Signature": {s.sign("download", body.Filename, expires)}}
	u := url.URL{Scheme: scheme, Host: r.Host, Path: "/download/" + body.Filename, RawQuery: q.Encode()}
	s.counts.gets.Add(1)
	writeJSON(w, http.StatusOK, map[string]string{"url": u.String()})
}

// sign is an HMAC over a purpose, a name and an expiry.
func (s *Server) sign(purpose, name string, expires int64) string {
	m := hmac.New(sha256.New, s.signKey)
	fmt.Fprintf(m, "%s\n%s\n%d", purpose, name, expires)
	return hex.EncodeToString(m.Sum(nil))
}

// download serves a pre-signed URL: no auth header, a signature and an
// expiry, answered with S3's XML errors.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	q := r.URL.Query()
	expires, err := strconv.ParseInt(q.Get("X-Amz-Expires"), 10, 64)
	if err != nil || !equal(q.Get("X-Amz-Signature"), s.sign("download", name, expires)) {
		s3Error(w, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature does not match")
		return
	}
	if s.cfg.Now().Unix() > expires {
		s3Error(w, http.StatusForbidden, "AccessDenied", "Request has expired")
		return
	}
	rep, ok := s.report(name)
	if !ok {
		s3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	s.serveReport(w, rep)
}

func (s *Server) serveReport(w http.ResponseWriter, rep report) {
	s.counts.downloads.Add(1)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(rep.body)))
	w.Header().Set("ETag", `"`+rep.MD5+`"`)
	w.Header().Set("Last-Modified", rep.LastModified.UTC().Format(http.TimeFormat))
	w.Write(rep.body)
}

func s3Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message></Error>`, code, msg)
}
