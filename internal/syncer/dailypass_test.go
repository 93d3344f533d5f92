package syncer_test

import (
	"testing"
	"time"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
	"github.com/affsync/affsync/internal/syncer"
)

// TestDailyPassExpiresInquiries: an inquiry nothing answered expires in the
// daily pass 90 days after it was made, in every workspace, and not sooner.
func TestDailyPassExpiresInquiries(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		made := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
		var inquiries []store.Inquiry
		for _, name := range []string{"acme", "other"} {
			ws, err := s.EnsureWorkspace(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			in, err := s.CreateInquiry(ctx, store.Inquiry{WorkspaceID: ws.ID, Custom: "lost", OrderDate: made, Currency: "USD", ExpectedAmount: 100}, made)
			if err != nil {
				t.Fatal(err)
			}
			inquiries = append(inquiries, in)
		}
		for _, tc := range []struct {
			days int
			want string
		}{{89, store.InquiryOpen}, {90, store.InquiryExpired}} {
			now := made.AddDate(0, 0, tc.days)
			im := importer.New(s, nil)
			sched := &syncer.Scheduler{Syncer: &syncer.Syncer{Store: s, Importer: im, Log: im.Log}, Now: func() time.Time { return now }}
			sched.DailyPass(ctx)
			for _, in := range inquiries {
				got, err := s.Inquiry(ctx, in.WorkspaceID, in.ID)
				if err != nil || got.Status != tc.want {
					t.Fatalf("day %d: %+v %v, want %s", tc.days, got, err, tc.want)
				}
			}
		}
	})
}
