package metrics

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Requests wraps the server's mux: each request is counted by its route
// pattern (the ServeMux pattern that matched, never the raw path, which
// holds ids and codes) and, at debug level, logged in one line. The line
// has no query string and no header value: those carry API keys, customs
// and cookies.
func Requests(next http.Handler, m *Metrics, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		took := time.Since(start)
		status := sw.status
		if status == 0 {
			status = http.StatusOK // nothing written: net/http answers 200
		}
		// The mux sets r.Pattern on the request it was handed, this one.
		route, method := Route(r.Pattern), methodLabel(r.Method)
		m.request(route, method, status, took)
		if log.Enabled(r.Context(), slog.LevelDebug) {
			log.LogAttrs(r.Context(), slog.LevelDebug, "request", slog.String("method", method), slog.String("route", route),
				slog.Int("status", status), slog.Duration("duration", took))
		}
	})
}

// Route is the label of a ServeMux pattern: its path part ("GET
// /v1/transactions/{id}" is "/v1/transactions/{id}"), or "unmatched" when
// no pattern matched (a 404 or 405 of the mux itself).
func Route(pattern string) string {
	if pattern == "" {
		return "unmatched"
	}
	if i := strings.IndexByte(pattern, ' '); i >= 0 {
		pattern = strings.TrimLeft(pattern[i:], " \t")
	}
	return pattern
}

// methodLabel keeps the label set small: a client may send any token as a
// method.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// statusWriter remembers the status code an answer was sent with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 { // 1xx are interim answers
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Flush keeps streamed answers (exports) streaming.
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection underneath.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
