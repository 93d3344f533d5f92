package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/store"
)

// pages holds one template set per page: the layout plus the page's file.
type pages map[string]*template.Template

func parsePages() (pages, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	// layout.html and the partials (_*.html) go into every page's set.
	shared := []string{"templates/layout.html"}
	for _, name := range names {
		if strings.HasPrefix(path.Base(name), "_") {
			shared = append(shared, name)
		}
	}
	out := pages{}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFiles, append(shared, name)...)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		out[base] = t
	}
	return out, nil
}

var funcs = template.FuncMap{
	"money":   formatMoney,
	"count":   formatCount,
	"percent": formatPercent,
	"query":   withQuery,
	"int64":   func(n int) int64 { return int64(n) },
}

// page is what every template gets: the viewer, the nav section and the
// page's own data in Data.
type page struct {
	Title   string
	Section string
	Viewer  *viewer
	Flash   string
	Data    any
}

// CSRF is the token every form carries.
func (p page) CSRF() string {
	if p.Viewer == nil {
		return ""
	}
	return p.Viewer.CSRF
}

// Time shows an instant in the viewer's time zone.
func (p page) Time(t any) string {
	var at time.Time
	switch x := t.(type) {
	case time.Time:
		at = x
	case *time.Time:
		if x == nil {
			return ""
		}
		at = *x
	default:
		return ""
	}
	if at.IsZero() {
		return ""
	}
	return at.In(p.loc()).Format("2006-01-02 15:04 MST")
}

// Date shows a calendar date (stored as a UTC day) as it is.
func (p page) Date(t any) string {
	switch x := t.(type) {
	case time.Time:
		return x.UTC().Format("2006-01-02")
	case *time.Time:
		if x != nil {
			return x.UTC().Format("2006-01-02")
		}
	}
	return ""
}

func (p page) loc() *time.Location {
	if p.Viewer == nil || p.Viewer.Loc == nil {
		return time.UTC
	}
	return p.Viewer.Loc
}

// nav is the menu, in order.
var nav = []struct{ Path, Label, Section string }{
	{"/", "Overview", "overview"},
	{"/transactions", "Transactions", "transactions"},
	{"/revenues", "Revenues", "revenues"},
	{"/clicks", "Clicks", "clicks"},
	{"/payments", "Payments", "payments"},
	{"/deals", "Deals", "deals"},
	{"/channels", "Channels", "channels"},
	{"/programs", "Programs", "programs"},
	{"/links", "Link builder", "links"},
	{"/inquiries", "Inquiries", "inquiries"},
	{"/connections", "Connections", "connections"},
	{"/import", "Import", "import"},
	{"/webhooks", "Webhooks", "webhooks"},
	{"/apikeys", "API keys", "apikeys"},
	{"/users", "Users", "users"},
}

// Nav is the menu for the layout.
func (p page) Nav() any { return nav }

// render writes a page through the layout. It renders into a buffer first,
// so that a template error becomes a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, v *viewer, status int, name, title, section string, data any) {
	t, ok := s.pages[name]
	if !ok {
		s.log.Error("no such template", "name", name)
		http.Error(w, "internal error; see the server log", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	p := page{Title: title, Section: section, Viewer: v, Data: data, Flash: r.URL.Query().Get("flash")}
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("render", "page", name, "err", err)
		http.Error(w, "internal error; see the server log", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// userError is a mistake in what the user sent; its message is shown as is.
type userError struct{ msg string }

func (e userError) Error() string { return e.msg }

// fail answers an error with a page; internal details are logged, not shown.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, v *viewer, err error) {
	var ue userError
	switch {
	case errors.As(err, &ue):
		s.render(w, r, v, http.StatusBadRequest, "error", "Bad request", "", errorPage{Message: ue.msg})
	case errors.Is(err, store.ErrBadCursor):
		s.render(w, r, v, http.StatusBadRequest, "error", "Bad request", "", errorPage{Message: "This page link is no longer valid; start from the first page."})
	case errors.Is(err, store.ErrNotFound):
		s.render(w, r, v, http.StatusNotFound, "error", "Not found", "", errorPage{Message: "Not found."})
	case errors.Is(err, store.ErrNoSealer):
		s.render(w, r, v, http.StatusServiceUnavailable, "error", "No secret key", "", errorPage{Message: "This server has no AFFSYNC_SECRET_KEY, so it cannot store credentials."})
	default:
		s.log.Error("page failed", "method", r.Method, "path", r.URL.Path, slog.Any("err", err))
		s.render(w, r, v, http.StatusInternalServerError, "error", "Error", "", errorPage{Message: "Something went wrong; the server log has the details."})
	}
}

// redirect answers a POST with a redirect to a GET page (post/redirect/get),
// with an optional message to show there.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "flash=" + url.QueryEscape(flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// formatMoney shows minor units in their currency's exponent, with
// thousands grouped: "USD 1,234.56", "JPY 1,235".
func formatMoney(minor int64, currency string) string {
	s := money.FormatIn(minor, currency)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, hasFrac := strings.Cut(s, ".")
	whole = group(whole)
	if hasFrac {
		whole += "." + frac
	}
	if neg {
		whole = "-" + whole
	}
	return currency + " " + whole
}

func formatCount(n int64) string {
	if n < 0 {
		return "-" + group(strconv.FormatInt(-n, 10))
	}
	return group(strconv.FormatInt(n, 10))
}

// formatPercent shows part/whole as a percentage with two decimals, from
// integers; "–" when whole is zero.
func formatPercent(part, whole int64) string {
	if whole == 0 {
		return "–"
	}
	bp := (part*10000 + whole/2) / whole // hundredths of a percent, rounded
	return money.FormatMinor(bp, 2) + "%"
}

func group(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	head := len(digits) % 3
	if head > 0 {
		b.WriteString(digits[:head])
	}
	for i := head; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// withQuery is a link to the current list with one parameter changed
// (pagination, export), the others kept.
func withQuery(base string, q url.Values, kv ...string) string {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			out.Del(kv[i])
		} else {
			out.Set(kv[i], kv[i+1])
		}
	}
	if len(out) == 0 {
		return base
	}
	return base + "?" + out.Encode()
}
