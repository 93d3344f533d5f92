package web

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

func TestLoginLogoutAndCookie(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		anon := e.client()
		if status, _ := anon.get("/transactions"); status != http.StatusSeeOther {
			t.Fatalf("signed out, /transactions: %d, want a redirect to the login", status)
		}
		if status, body := anon.tryLogin("admin@example.com", "wrong password"); status != http.StatusUnauthorized || !strings.Contains(body, "wrong") {
			t.Fatalf("wrong password: %d", status)
		}
		c := e.client()
		resp, err := c.http.Get(e.url + "/login")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		c = e.login("admin@example.com")
		var session *http.Cookie
		u, _ := url.Parse(e.url)
		for _, ck := range c.http.Jar.Cookies(u) {
			if ck.Name == sessionCookie {
				session = ck
			}
		}
		if session == nil {
			t.Fatal("no session cookie")
		}
		// The jar hides the attributes; read them from a fresh login's header.
		fresh := e.client()
		_, page := fresh.get("/login")
		token := csrfInput.FindStringSubmatch(page)[1]
		resp, err = fresh.http.PostForm(e.url+"/login", url.Values{"email": {"admin@example.com"}, "password": {password}, "csrf": {token}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var set *http.Cookie
		for _, ck := range resp.Cookies() {
			if ck.Name == sessionCookie {
				set = ck
			}
		}
		if set == nil || !set.HttpOnly || set.SameSite != http.SameSiteLaxMode || set.MaxAge != int((12*time.Hour).Seconds()) {
			t.Fatalf("session cookie attributes: %+v", set)
		}
		if status, _ := c.post("/logout", c.form()); status != http.StatusSeeOther {
			t.Fatalf("logout: %d", status)
		}
		if status, _ := c.get("/"); status != http.StatusSeeOther {
			t.Fatalf("after logout, /: %d, want the login redirect", status)
		}
		// The old token is dead on the server, not only removed from the jar.
		req, _ := http.NewRequest("GET", e.url+"/", nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: session.Value})
		resp, err = e.client().http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("a logged-out session token still works: %d", resp.StatusCode)
		}
	})
}

func TestLoginNeedsItsCSRFToken(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		c := e.client()
		c.get("/login") // sets the login cookie
		if status, _ := c.post("/login", url.Values{"email": {"admin@example.com"}, "password": {password}}); status != http.StatusForbidden {
			t.Fatalf("login without its token: %d, want 403", status)
		}
		if status, _ := c.post("/login", url.Values{"email": {"admin@example.com"}, "password": {password}, "csrf": {"forged-token-forged-token"}}); status != http.StatusForbidden {
			t.Fatalf("login with a wrong token: %d, want 403", status)
		}
	})
}

func TestLoginRateLimit(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		c := e.client()
		for i := range loginFailures {
			if status, _ := c.tryLogin("member@example.com", "guess"); status != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d, want 401", i+1, status)
			}
		}
		// Past the limit even the right password is not checked.
		if status, _ := c.tryLogin("member@example.com", password); status != http.StatusTooManyRequests {
			t.Fatalf("after %d failures: %d, want 429", loginFailures, status)
		}
		e.clock.Add(loginWindow)
		if status, _ := c.tryLogin("member@example.com", password); status != http.StatusSeeOther {
			t.Fatalf("after the window: %d, want a login", status)
		}
	})
}

// postRoute is a form the dashboard accepts, with a valid body. Most change
// the workspace's data (members and admins; adminOnly: admins); self only
// changes the viewer's own settings, which every role may.
type postRoute struct {
	path            string
	form            []string
	adminOnly, self bool
}

// postRoutes is every form the dashboard accepts, with a valid body, in an
// order in which each works once (the webhook is deleted last).
func postRoutes(e *env) []postRoute {
	hooks, err := e.s.Webhooks(ctx, e.ws.ID)
	if err != nil || len(hooks) != 1 {
		e.t.Fatalf("seed webhook: %v %d", err, len(hooks))
	}
	deliveries, err := e.s.Deliveries(ctx, e.ws.ID, hooks[0].ID, 0, 1)
	if err != nil || len(deliveries) != 1 {
		e.t.Fatalf("seed delivery: %v %d", err, len(deliveries))
	}
	inquiry := func(custom string) string {
		list, _, err := e.s.Inquiries(ctx, e.ws.ID, store.InquiryFilter{Custom: custom})
		if err != nil || len(list) != 1 {
			e.t.Fatalf("seed inquiry %s: %v %d", custom, err, len(list))
		}
		return list[0].ID
	}
	keys, err := e.s.APIKeys(ctx, e.ws.ID)
	if err != nil || len(keys) != 1 {
		e.t.Fatalf("seed API key: %v %d", err, len(keys))
	}
	hook := "/webhooks/" + hooks[0].ID
	return []postRoute{
		{"/connections", []string{"connector", "import", "store_id", "new-20"}, false, false},
		{"/connections/" + e.api.ID + "/sync", nil, false, false},
		{"/connections/" + e.api.ID + "/disable", nil, false, false},
		{"/connections/" + e.api.ID + "/enable", nil, false, false},
		{"/inquiries", []string{"custom", "sub-77", "order_date", "2025-03-01", "expected_amount", "1.00"}, false, false},
		{"/import", nil, false, false},
		{"/apikeys", []string{"name", "k", "scope", "read"}, true, false},
		{"/apikeys/" + keys[0].ID + "/revoke", nil, true, false},
		{"/users", []string{"email", "new@example.com", "password", "long enough", "role", "member"}, true, false},
		{"/users/" + memberID(e.t, e, "member@example.com") + "/role", []string{"role", store.RoleReadOnly}, true, false},
		{"/users/" + memberID(e.t, e, "reader@example.com") + "/password", []string{"password", "a new long one"}, true, false},
		{"/users/" + memberID(e.t, e, "reader@example.com") + "/remove", nil, true, false},
		{"/links", []string{"url", "https://www.amazon.com/dp/B0C1234567", "channel", "store-20", "unique_per_click", "1"}, false, false},
		{"/inquiries/" + inquiry("sub-3") + "/accept", []string{"note", "paid in April"}, false, false},
		{"/inquiries/" + inquiry("sub-9") + "/reject", nil, false, false},
		{"/webhooks", []string{"url", "https://example.com/hook", "events", "transaction.created"}, false, false},
		{hook + "/deliveries/" + itoa(deliveries[0].ID) + "/redeliver", nil, false, false},
		{hook + "/edit", []string{"url", "https://hooks.example.com/edited", "events", "transaction.updated", "description", "edited"}, false, false},
		{hook + "/pause", []string{"from", "list"}, false, false},
		{hook + "/resume", nil, false, false},
		{hook + "/delete", nil, false, false},
		{"/settings/time-zone", []string{"time_zone", "Europe/Berlin"}, false, true},
		{"/settings/currency", []string{"currency", "EUR"}, true, false},
	}
}

// counts is what a forbidden request must leave unchanged.
func counts(t *testing.T, e *env) string {
	t.Helper()
	conns, _ := e.s.Connections(ctx, e.ws.ID)
	inq, _, _ := e.s.Inquiries(ctx, e.ws.ID, store.InquiryFilter{})
	keys, _ := e.s.APIKeys(ctx, e.ws.ID)
	members, _ := e.s.Members(ctx, e.ws.ID)
	c, _ := e.s.Connection(ctx, e.ws.ID, e.api.ID)
	links, _, _ := e.s.Links(ctx, e.ws.ID, store.LinkFilter{})
	hooks, _ := e.s.Webhooks(ctx, e.ws.ID)
	var deliveries, statuses, zones []string
	for _, h := range hooks {
		deliveries = append(deliveries, fmt.Sprint(h.URL, h.Events, h.Description, h.Active))
		list, _ := e.s.Deliveries(ctx, e.ws.ID, h.ID, 0, 100)
		for _, d := range list {
			deliveries = append(deliveries, d.Status+" "+fmt.Sprint(d.NextAttemptAt))
		}
	}
	for _, in := range inq {
		statuses = append(statuses, in.Status)
	}
	for _, k := range keys {
		statuses = append(statuses, fmt.Sprint(k.RevokedAt))
	}
	for _, m := range members {
		zones = append(zones, m.TimeZone, m.Role, m.PasswordHash)
	}
	return strings.Join([]string{itoa(int64(len(conns))), itoa(int64(len(inq))), itoa(int64(len(keys))), itoa(int64(len(members))), c.Status,
		c.UpdatedAt.String(), fmt.Sprint(c.NextRunAt), itoa(int64(len(links))), itoa(int64(len(hooks))), strings.Join(deliveries, ","),
		strings.Join(statuses, ","), strings.Join(zones, ",")}, "/")
}

func TestReadOnlyChangesNothingAndEveryFormNeedsCSRF(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		reader, member := e.login("reader@example.com"), e.login("member@example.com")
		before := counts(t, e)
		routes := postRoutes(e)
		if len(routes) < 15 {
			t.Fatalf("only %d forms walked", len(routes))
		}
		for _, r := range routes {
			if !r.self {
				if status, _ := reader.post(r.path, reader.form(r.form...)); status != http.StatusForbidden {
					t.Errorf("read-only POST %s: %d, want 403", r.path, status)
				}
			}
			noToken := member.form(r.form...)
			noToken.Del("csrf")
			if status, _ := member.post(r.path, noToken); status != http.StatusForbidden {
				t.Errorf("POST %s without a CSRF token: %d, want 403", r.path, status)
			}
			if status, _ := member.post(r.path, member.form(append(r.form, "csrf", "not-the-token")...)); status != http.StatusForbidden {
				t.Errorf("POST %s with a wrong CSRF token: %d, want 403", r.path, status)
			}
			if r.adminOnly {
				if status, _ := member.post(r.path, member.form(r.form...)); status != http.StatusForbidden {
					t.Errorf("member POST %s (admins only): %d, want 403", r.path, status)
				}
			}
		}
		if after := counts(t, e); after != before {
			t.Fatalf("forbidden requests changed data: %s → %s", before, after)
		}
		// The read-only user sees no forms that change data.
		hooks, _ := s.Webhooks(ctx, e.ws.ID)
		inq, _, _ := s.Inquiries(ctx, e.ws.ID, store.InquiryFilter{})
		for _, page := range []string{"/connections", "/inquiries", "/import", "/apikeys", "/users", "/connections/" + e.conn.ID,
			"/links", "/webhooks", "/webhooks/" + hooks[0].ID, "/inquiries/" + inq[0].ID, "/inquiries/" + inq[1].ID, "/payments", "/deals"} {
			_, body := reader.get(page)
			if strings.Count(body, `method="post"`) != 1 { // only the logout form
				t.Errorf("read-only %s shows a change form", page)
			}
		}
		// Those are all the forms there are: every post form of every
		// template (its {{…}} parts standing for ids) is one of them.
		walked := map[string]bool{"/login": true, "/logout": true}
		for _, r := range routes {
			walked[routeShape(r.path)] = true
		}
		forms := templateForms(t)
		if len(forms) < len(routes) {
			t.Fatalf("found %d post forms in the templates, fewer than the %d walked", len(forms), len(routes))
		}
		for _, f := range forms {
			if !walked[f.shape] {
				t.Errorf("%s has a form to %s that this test does not walk: add it to postRoutes", f.file, f.action)
			}
		}
		// And the same forms work with the token and the role.
		admin := e.login("admin@example.com")
		for _, r := range routes {
			if r.path == "/import" {
				continue // multipart: TestPagesGolden uploads through it (import-summary)
			}
			if status, body := admin.post(r.path, admin.form(r.form...)); status != http.StatusSeeOther && status != http.StatusOK {
				t.Errorf("admin POST %s: %d\n%s", r.path, status, body)
			}
		}
	})
}

var (
	postForm    = regexp.MustCompile(`<form\b[^>]*\bmethod="post"[^>]*>`)
	formAction  = regexp.MustCompile(`\baction="([^"]*)"`)
	templateArg = regexp.MustCompile(`\{\{[^}]*\}\}`)
	idSegment   = regexp.MustCompile(`^([a-z]+_[a-z0-9]+|[0-9]+)$`)
)

type templateForm struct{ file, action, shape string }

// templateForms is every post form in the dashboard's templates.
func templateForms(t *testing.T) []templateForm {
	t.Helper()
	files, err := filepath.Glob("templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v %d", err, len(files))
	}
	var out []templateForm
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, tag := range postForm.FindAllString(string(b), -1) {
			m := formAction.FindStringSubmatch(tag)
			if m == nil {
				t.Fatalf("%s: a post form without an action: %s", file, tag)
			}
			out = append(out, templateForm{file, m[1], routeShape(templateArg.ReplaceAllString(m[1], "{}"))})
		}
	}
	return out
}

// routeShape is a form's path with every id (or template expression) as
// {} and no query: "/webhooks/wh_x/deliveries/3/redeliver" and
// "/webhooks/{{.ID}}/deliveries/{{.ID}}/redeliver" are the same form.
func routeShape(path string) string {
	path, _, _ = strings.Cut(path, "?")
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if idSegment.MatchString(seg) {
			segs[i] = "{}"
		}
	}
	return strings.Join(segs, "/")
}
