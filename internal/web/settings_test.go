package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// TestReportingCurrencySetting sets the workspace's reporting currency
// through the settings form: admins only, a known ISO 4217 code only.
func TestReportingCurrencySetting(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin, member := e.login("admin@example.com"), e.login("member@example.com")
		cases := []struct {
			name   string
			c      *client
			code   string
			status int
			want   string // the stored currency after the request
			page   string // on the answer's page
		}{
			{"admin sets EUR", admin, "eur", http.StatusSeeOther, "EUR", ""},
			{"unknown code", admin, "XYZ", http.StatusBadRequest, "EUR", "“XYZ” is not an ISO 4217 currency code"},
			{"empty", admin, " ", http.StatusBadRequest, "EUR", "is not an ISO 4217 currency code"},
			{"a member may not", member, "JPY", http.StatusForbidden, "EUR", ""},
			{"admin sets JPY", admin, "JPY", http.StatusSeeOther, "JPY", ""},
		}
		for _, c := range cases {
			status, body := c.c.post("/settings/currency", c.c.form("currency", c.code))
			if status != c.status || !strings.Contains(body, c.page) {
				t.Errorf("%s: status %d, want %d; page without %q", c.name, status, c.status, c.page)
			}
			ws, err := s.Workspace(ctx, e.ws.ID)
			if err != nil || ws.Currency != c.want {
				t.Errorf("%s: stored %q (%v), want %q", c.name, ws.Currency, err, c.want)
			}
		}
		if _, body := admin.get("/settings"); !strings.Contains(body, `id="currency" name="currency" required maxlength="3" value="JPY"`) {
			t.Errorf("the settings page does not show JPY:\n%s", body)
		}
		if _, body := member.get("/settings"); !strings.Contains(body, "The workspace reports in JPY.") || strings.Contains(body, `action="/settings/currency"`) {
			t.Errorf("a member's settings page:\n%s", body)
		}
	})
}
