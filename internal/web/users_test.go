package web

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

func TestMemberAdministration(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s)
		admin, member, reader := e.login("admin@example.com"), e.login("member@example.com"), e.login("reader@example.com")
		adminID, memberUserID, readerID := memberID(t, e, "admin@example.com"), memberID(t, e, "member@example.com"), memberID(t, e, "reader@example.com")
		role := func(id string) string {
			t.Helper()
			m, err := s.Member(ctx, e.ws.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			return m.Role
		}

		// Only admins are shown the forms…
		_, page := admin.get("/users")
		for _, want := range []string{`action="/users/` + memberUserID + `/role"`, `action="/users/` + readerID + `/password"`, `action="/users/` + readerID + `/remove"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the admin's users page lacks %s", want)
			}
		}
		if _, page := member.get("/users"); strings.Contains(page, `/role"`) || strings.Contains(page, `/remove"`) || strings.Contains(page, `/password"`) {
			t.Error("a member is shown the member admin forms")
		}
		// …and only admins, with the token, may post them.
		for _, c := range []struct {
			name string
			who  *client
			csrf bool
		}{{"member", member, true}, {"read-only", reader, true}, {"admin without token", admin, false}} {
			for _, path := range []string{"/users/" + readerID + "/role", "/users/" + readerID + "/password", "/users/" + readerID + "/remove"} {
				form := c.who.form("role", store.RoleAdmin, "password", "long enough too")
				if !c.csrf {
					form.Del("csrf")
				}
				if status, _ := c.who.post(path, form); status != http.StatusForbidden {
					t.Errorf("%s POST %s: %d, want 403", c.name, path, status)
				}
			}
		}
		if role(readerID) != store.RoleReadOnly {
			t.Fatal("a refused request changed the reader's role")
		}

		// The only admin can neither step down nor leave; the page says why.
		for _, try := range []struct{ path, role string }{{"/users/" + adminID + "/role", store.RoleMember}, {"/users/" + adminID + "/remove", ""}} {
			status, body := admin.post(try.path, admin.form("role", try.role))
			if status != http.StatusConflict || !strings.Contains(html.UnescapeString(body), "admin@example.com is this workspace's only admin. Make another member admin first.") {
				t.Errorf("POST %s as the last admin: %d\n%s", try.path, status, body)
			}
		}
		if role(adminID) != store.RoleAdmin {
			t.Fatal("the last admin was demoted")
		}

		// A role change takes effect on the member's next request.
		if status, _ := admin.post("/users/"+memberUserID+"/role", admin.form("role", store.RoleReadOnly)); status != http.StatusSeeOther {
			t.Fatalf("demote the member: %d", status)
		}
		if status, _ := member.post("/inquiries", member.form("custom", "sub-77", "order_date", "2025-03-01", "expected_amount", "1.00")); status != http.StatusForbidden {
			t.Errorf("a member made read-only still changes data: %d", status)
		}
		// With a second admin the first may step down, and then is no admin.
		if status, _ := admin.post("/users/"+memberUserID+"/role", admin.form("role", store.RoleAdmin)); status != http.StatusSeeOther {
			t.Fatalf("promote the member: %d", status)
		}
		if status, _ := admin.post("/users/"+adminID+"/role", admin.form("role", store.RoleMember)); status != http.StatusSeeOther {
			t.Fatalf("step down with another admin left: %d", status)
		}
		if status, _ := admin.post("/users/"+readerID+"/role", admin.form("role", store.RoleAdmin)); status != http.StatusForbidden {
			t.Errorf("a former admin still administers: %d", status)
		}
		admin, adminID = member, memberUserID // the admin from here on
		if status, _ := admin.post("/users/"+readerID+"/role", admin.form("role", "owner")); status != http.StatusBadRequest {
			t.Errorf("role owner: %d, want 400", status)
		}

		// A new password signs the member out and works at once; the admin
		// who sets their own stays signed in.
		if status, _ := admin.post("/users/"+readerID+"/password", admin.form("password", "short")); status != http.StatusBadRequest {
			t.Errorf("a short password: %d, want 400", status)
		}
		if status, _ := admin.post("/users/"+readerID+"/password", admin.form("password", "reader's new password")); status != http.StatusSeeOther {
			t.Fatalf("set the reader's password: %d", status)
		}
		if status, _ := reader.get("/users"); status != http.StatusSeeOther {
			t.Errorf("the reader's old session after a new password: %d, want a redirect to the login", status)
		}
		if status, _ := e.client().tryLogin("reader@example.com", password); status != http.StatusUnauthorized {
			t.Errorf("the old password: %d, want 401", status)
		}
		reader = e.client()
		if status, _ := reader.tryLogin("reader@example.com", "reader's new password"); status != http.StatusSeeOther {
			t.Fatalf("the new password: %d", status)
		}
		if status, _ := admin.post("/users/"+adminID+"/password", admin.form("password", "the admin's own new one")); status != http.StatusSeeOther {
			t.Fatalf("set one's own password: %d", status)
		}
		if status, _ := admin.get("/users"); status != http.StatusOK {
			t.Errorf("the admin's session after setting their own password: %d", status)
		}

		// A removed member's session stops working on the next request.
		if status, _ := reader.get("/users"); status != http.StatusOK {
			t.Fatalf("the reader, signed in again: %d", status)
		}
		if status, _ := admin.post("/users/"+readerID+"/remove", admin.form()); status != http.StatusSeeOther {
			t.Fatalf("remove the reader: %d", status)
		}
		if status, _ := reader.get("/users"); status != http.StatusSeeOther {
			t.Errorf("a removed member's GET: %d, want a redirect to the login", status)
		}
		if status, _ := reader.post("/settings/time-zone", reader.form("time_zone", "Europe/Berlin")); status != http.StatusForbidden {
			t.Errorf("a removed member's POST: %d, want 403", status)
		}
		if status, _ := e.client().tryLogin("reader@example.com", "reader's new password"); status != http.StatusUnauthorized {
			t.Errorf("a removed member signs in: %d, want 401", status)
		}

		// Another workspace's user is not found from here.
		other, err := s.EnsureWorkspace(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		outsider, err := s.CreateUser(ctx, other.ID, "out@example.com", "hash", store.RoleAdmin)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/role", "/password", "/remove"} {
			if status, _ := admin.post("/users/"+outsider.ID+path, admin.form("role", store.RoleMember, "password", "long enough too")); status != http.StatusNotFound {
				t.Errorf("POST %s for another workspace's user: %d, want 404", path, status)
			}
		}
		if m, err := s.Member(ctx, other.ID, outsider.ID); err != nil || m.Role != store.RoleAdmin || m.PasswordHash != "hash" {
			t.Fatalf("the outsider changed: %+v %v", m, err)
		}
	})
}
