package store_test

import (
	"errors"
	"testing"

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
