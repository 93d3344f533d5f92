package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

func TestSetUserTimeZone(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		acme, err := s.EnsureWorkspace(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.EnsureWorkspace(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		u, err := s.CreateUser(ctx, acme.ID, "tz@example.com", "hash", store.RoleReadOnly)
		if err != nil {
			t.Fatal(err)
		}
		if u.TimeZone != "UTC" {
			t.Fatalf("a new user's zone: %q, want UTC", u.TimeZone)
		}
		if err := s.SetUserTimeZone(ctx, acme.ID, u.ID, "Europe/Berlin"); err != nil {
			t.Fatal(err)
		}
		m, err := s.Member(ctx, acme.ID, u.ID)
		if err != nil || m.TimeZone != "Europe/Berlin" {
			t.Fatalf("after setting: %q, %v", m.TimeZone, err)
		}
		for _, bad := range []string{"", "Local", "Mars/Olympus_Mons", "Europe/Berlin\x00", "../../etc/passwd"} {
			if err := s.SetUserTimeZone(ctx, acme.ID, u.ID, bad); !errors.Is(err, store.ErrBadTimeZone) {
				t.Errorf("zone %q: %v, want ErrBadTimeZone", bad, err)
			}
		}
		// Another workspace cannot reach the user, and an unknown user is not found.
		if err := s.SetUserTimeZone(ctx, other.ID, u.ID, "Asia/Tokyo"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("from another workspace: %v, want ErrNotFound", err)
		}
		if err := s.SetUserTimeZone(ctx, acme.ID, "usr_nobody", "Asia/Tokyo"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown user: %v, want ErrNotFound", err)
		}
		if u2, err := s.UserByEmail(ctx, "tz@example.com"); err != nil || u2.TimeZone != "Europe/Berlin" {
			t.Fatalf("refused changes changed the zone: %q, %v", u2.TimeZone, err)
		}
	})
}

func TestMemberRoleRemoveAndPassword(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		acme, err := s.EnsureWorkspace(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.EnsureWorkspace(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		user := func(ws, email, role string) store.User {
			t.Helper()
			u, err := s.CreateUser(ctx, ws, email, "hash-"+email, role)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		role := func(ws, id string) string {
			t.Helper()
			m, err := s.Member(ctx, ws, id)
			if err != nil {
				t.Fatalf("member %s: %v", id, err)
			}
			return m.Role
		}
		ann, bob, cat := user(acme.ID, "ann@example.com", store.RoleAdmin), user(acme.ID, "bob@example.com", store.RoleMember),
			user(acme.ID, "cat@example.com", store.RoleReadOnly)
		outsider := user(other.ID, "out@example.com", store.RoleAdmin)

		// The only admin can be neither demoted nor removed.
		for _, r := range []string{store.RoleMember, store.RoleReadOnly} {
			if err := s.SetMemberRole(ctx, acme.ID, ann.ID, r); !errors.Is(err, store.ErrLastAdmin) || !errors.Is(err, store.ErrConflict) {
				t.Errorf("demote the last admin to %s: %v, want ErrLastAdmin", r, err)
			}
		}
		if err := s.RemoveMember(ctx, acme.ID, ann.ID); !errors.Is(err, store.ErrLastAdmin) {
			t.Errorf("remove the last admin: %v, want ErrLastAdmin", err)
		}
		if got := role(acme.ID, ann.ID); got != store.RoleAdmin {
			t.Fatalf("refused demotion changed the role to %s", got)
		}
		// Making the admin admin again is no demotion; a bad role is refused.
		if err := s.SetMemberRole(ctx, acme.ID, ann.ID, store.RoleAdmin); err != nil {
			t.Errorf("re-set the last admin's own role: %v", err)
		}
		if err := s.SetMemberRole(ctx, acme.ID, bob.ID, "owner"); err == nil {
			t.Error("role owner accepted")
		}

		// With a second admin, the first may step down; then the second is the last.
		if err := s.SetMemberRole(ctx, acme.ID, bob.ID, store.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		if err := s.SetMemberRole(ctx, acme.ID, ann.ID, store.RoleReadOnly); err != nil {
			t.Fatalf("demote one of two admins: %v", err)
		}
		if got := role(acme.ID, ann.ID); got != store.RoleReadOnly {
			t.Fatalf("ann is %s, want read-only", got)
		}
		if err := s.SetMemberRole(ctx, acme.ID, bob.ID, store.RoleMember); !errors.Is(err, store.ErrLastAdmin) {
			t.Errorf("demote the remaining admin: %v, want ErrLastAdmin", err)
		}

		// Another workspace's user, or an unknown one, is not found from here.
		for _, id := range []string{outsider.ID, "usr_nobody"} {
			if err := s.SetMemberRole(ctx, acme.ID, id, store.RoleMember); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("role of %s from acme: %v, want ErrNotFound", id, err)
			}
			if err := s.RemoveMember(ctx, acme.ID, id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("remove %s from acme: %v, want ErrNotFound", id, err)
			}
			if err := s.SetUserPassword(ctx, acme.ID, id, "new-hash", ""); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("password of %s from acme: %v, want ErrNotFound", id, err)
			}
		}
		if got := role(other.ID, outsider.ID); got != store.RoleAdmin {
			t.Fatalf("the outsider's role changed to %s", got)
		}
		if u, err := s.UserByEmail(ctx, "out@example.com"); err != nil || u.PasswordHash != "hash-out@example.com" {
			t.Fatalf("the outsider's password changed: %q %v", u.PasswordHash, err)
		}

		// A new password ends the member's sessions but the one kept.
		now := time.Now().UTC()
		session := func(hash, user, ws string) {
			t.Helper()
			if err := s.CreateSession(ctx, store.Session{TokenHash: hash, UserID: user, WorkspaceID: ws, CSRFToken: "c",
				CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		live := func(hash string) bool {
			t.Helper()
			_, err := s.SessionByHash(ctx, hash, now)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil
		}
		session("cat-1", cat.ID, acme.ID)
		session("cat-2", cat.ID, acme.ID)
		if err := s.SetUserPassword(ctx, acme.ID, cat.ID, "new-hash", "cat-2"); err != nil {
			t.Fatal(err)
		}
		if u, err := s.UserByEmail(ctx, "cat@example.com"); err != nil || u.PasswordHash != "new-hash" {
			t.Fatalf("password hash %q %v, want new-hash", u.PasswordHash, err)
		}
		if live("cat-1") || !live("cat-2") {
			t.Errorf("after a new password: cat-1 live %v (want false), cat-2 live %v (want true)", live("cat-1"), live("cat-2"))
		}

		// Removing a member ends their sessions here; a user of no
		// workspace is gone, so the address can be added again.
		session("cat-3", cat.ID, acme.ID)
		if err := s.RemoveMember(ctx, acme.ID, cat.ID); err != nil {
			t.Fatal(err)
		}
		if live("cat-2") || live("cat-3") {
			t.Error("a removed member's sessions still work")
		}
		if _, err := s.Member(ctx, acme.ID, cat.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("removed member: %v, want ErrNotFound", err)
		}
		if _, err := s.UserByEmail(ctx, "cat@example.com"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a user of no workspace: %v, want deleted", err)
		}
		if err := s.RemoveMember(ctx, acme.ID, cat.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("remove twice: %v, want ErrNotFound", err)
		}
		if _, err := s.CreateUser(ctx, acme.ID, "cat@example.com", "hash", store.RoleMember); err != nil {
			t.Errorf("add a removed address again: %v", err)
		}
		members, err := s.Members(ctx, acme.ID)
		if err != nil || len(members) != 3 {
			t.Fatalf("members after all: %d %v, want 3", len(members), err)
		}
	})
}

func TestRemoveMemberOfTwoWorkspaces(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		acme, _ := s.EnsureWorkspace(ctx, "acme")
		other, _ := s.EnsureWorkspace(ctx, "other")
		if _, err := s.CreateUser(ctx, acme.ID, "boss@example.com", "h", store.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, other.ID, "boss@other.example", "h", store.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		u, err := s.CreateUser(ctx, acme.ID, "both@example.com", "old-hash", store.RoleMember)
		if err != nil {
			t.Fatal(err)
		}
		// Nothing in the product adds one user to a second workspace yet; the
		// schema allows it, so the store must handle it.
		if err := s.AddMembershipForTest(ctx, other.ID, u.ID, store.RoleMember); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		for _, se := range []store.Session{{TokenHash: "in-acme", WorkspaceID: acme.ID}, {TokenHash: "in-other", WorkspaceID: other.ID}} {
			se.UserID, se.CSRFToken, se.CreatedAt, se.ExpiresAt = u.ID, "c", now, now.Add(time.Hour)
			if err := s.CreateSession(ctx, se); err != nil {
				t.Fatal(err)
			}
		}
		// Its password is neither workspace's alone to set.
		if err := s.SetUserPassword(ctx, acme.ID, u.ID, "new-hash", ""); !errors.Is(err, store.ErrSharedUser) {
			t.Errorf("password of a shared user: %v, want ErrSharedUser", err)
		}
		if err := s.RemoveMember(ctx, acme.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionByHash(ctx, "in-acme", now); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the session in acme: %v, want ended", err)
		}
		if _, err := s.SessionByHash(ctx, "in-other", now); err != nil {
			t.Errorf("the session in the other workspace: %v, want kept", err)
		}
		if m, err := s.Member(ctx, other.ID, u.ID); err != nil || m.PasswordHash != "old-hash" {
			t.Errorf("still a member of the other workspace: %+v %v", m, err)
		}
		// Now it is the other workspace's user alone.
		if err := s.SetUserPassword(ctx, other.ID, u.ID, "new-hash", ""); err != nil {
			t.Errorf("password once only in one workspace: %v", err)
		}
	})
}

// Two admins demoting each other at the same moment: one wins, the other is
// refused, and the workspace keeps an admin.
func TestLastAdminGuardUnderConcurrency(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		for round := 0; round < 5; round++ {
			ws, err := s.EnsureWorkspace(ctx, "ws-"+string(rune('a'+round)))
			if err != nil {
				t.Fatal(err)
			}
			var ids [2]string
			for i := range ids {
				u, err := s.CreateUser(ctx, ws.ID, string(rune('a'+round))+string(rune('0'+i))+"@example.com", "h", store.RoleAdmin)
				if err != nil {
					t.Fatal(err)
				}
				ids[i] = u.ID
			}
			errs := make(chan error, 2)
			start := make(chan struct{})
			for i, id := range ids {
				go func() {
					<-start
					if i == 0 {
						errs <- s.SetMemberRole(ctx, ws.ID, id, store.RoleMember)
					} else {
						errs <- s.RemoveMember(ctx, ws.ID, id)
					}
				}()
			}
			close(start)
			refused := 0
			for range ids {
				if err := <-errs; errors.Is(err, store.ErrLastAdmin) {
					refused++
				} else if err != nil {
					t.Fatal(err)
				}
			}
			admins := 0
			members, err := s.Members(ctx, ws.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range members {
				if m.Role == store.RoleAdmin {
					admins++
				}
			}
			if refused != 1 || admins != 1 {
				t.Fatalf("round %d: %d refused, %d admins left; want 1 and 1", round, refused, admins)
			}
		}
	})
}
