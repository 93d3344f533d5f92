package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// TestRoundTrips writes and reads back a row of every table.
func TestRoundTrips(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "acme")
		box := testBox(t)
		check := func(what string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}

		t.Run("workspace", func(t *testing.T) {
			again, err := s.EnsureWorkspace(ctx, "acme")
			check("ensure", err)
			if again.ID != f.ws.ID || again.Currency != "USD" {
				t.Fatalf("ensure twice: %+v vs %+v", again, f.ws)
			}
			byID, err := s.Workspace(ctx, f.ws.ID)
			check("by id", err)
			if byID.Name != "acme" || !byID.CreatedAt.Equal(f.ws.CreatedAt.Truncate(time.Microsecond)) {
				t.Fatalf("workspace = %+v", byID)
			}
		})

		t.Run("users and sessions", func(t *testing.T) {
			hash, err := secret.HashPassword("correct horse")
			check("hash", err)
			u, err := s.CreateUser(ctx, f.ws.ID, " Ann@Example.com ", hash, store.RoleReadOnly)
			check("create user", err)
			got, err := s.UserByEmail(ctx, "ann@example.com")
			check("by email", err)
			if got.ID != u.ID || got.Email != "ann@example.com" || got.PasswordHash != hash {
				t.Fatalf("user = %+v", got)
			}
			m, err := s.Member(ctx, f.ws.ID, u.ID)
			check("member", err)
			if m.Role != store.RoleReadOnly {
				t.Fatalf("role = %q", m.Role)
			}
			if _, err := s.CreateUser(ctx, f.ws.ID, "x@example.com", hash, "owner"); err == nil {
				t.Fatal("unknown role accepted")
			}
			now := time.Now().UTC()
			se := store.Session{TokenHash: "h1", UserID: u.ID, WorkspaceID: f.ws.ID, CSRFToken: "c1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
			check("create session", s.CreateSession(ctx, se))
			gotSe, err := s.SessionByHash(ctx, "h1", now)
			check("session", err)
			if gotSe.UserID != u.ID || gotSe.CSRFToken != "c1" {
				t.Fatalf("session = %+v", gotSe)
			}
			if _, err := s.SessionByHash(ctx, "h1", now.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("expired session: %v", err)
			}
			check("logout", s.DeleteSession(ctx, "h1"))
			if _, err := s.SessionByHash(ctx, "h1", now); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("deleted session: %v", err)
			}
		})

		t.Run("api keys", func(t *testing.T) {
			sec, prefix, hash, err := secret.NewAPIKey()
			check("new key", err)
			k, err := s.CreateAPIKey(ctx, f.ws.ID, "ci", store.ScopeRead, prefix, hash)
			check("create", err)
			got, err := s.APIKeyByHash(ctx, secret.HashAPIKey(sec))
			check("by hash", err)
			if got.ID != k.ID || got.Scope != store.ScopeRead || got.Prefix != prefix {
				t.Fatalf("key = %+v", got)
			}
			check("touch", s.TouchAPIKey(ctx, k.ID, time.Now()))
			check("revoke", s.RevokeAPIKey(ctx, f.ws.ID, k.ID))
			if _, err := s.APIKeyByHash(ctx, hash); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("revoked key still works: %v", err)
			}
			keys, err := s.APIKeys(ctx, f.ws.ID)
			check("list", err)
			if len(keys) != 1 || keys[0].LastUsedAt == nil || keys[0].RevokedAt == nil {
				t.Fatalf("keys = %+v", keys)
			}
		})

		t.Run("connections and runs", func(t *testing.T) {
			got, err := s.Connection(ctx, f.ws.ID, f.conn.ID)
			check("read", err)
			if got.Settings["store_id"] != "store-20" || !got.HasSecret || got.Status != store.ConnActive || got.SyncInterval != time.Hour {
				t.Fatalf("connection = %+v", got)
			}
			sec, err := s.ConnectionSecrets(ctx, box, f.ws.ID, f.conn.ID)
			check("secrets", err)
			if sec["secret"] != "s3cr3t" {
				t.Fatalf("secrets = %v", sec)
			}
			other, _ := secret.NewBox([]byte("ffffffffffffffffffffffffffffffff"))
			if _, err := s.ConnectionSecrets(ctx, other, f.ws.ID, f.conn.ID); err == nil {
				t.Fatal("secrets opened with the wrong key")
			}
			check("status", s.SetConnectionStatus(ctx, f.ws.ID, f.conn.ID, store.ConnError, "credentials rejected"))
			got, _ = s.Connection(ctx, f.ws.ID, f.conn.ID)
			if got.Status != store.ConnError || got.LastError != "credentials rejected" {
				t.Fatalf("status = %q %q", got.Status, got.LastError)
			}
			run, err := s.StartRun(ctx, f.ws.ID, f.conn.ID, "manual")
			check("start run", err)
			run.Files, run.Rows, run.Outcome, run.Error = 3, 120, "error", "boom"
			check("finish run", s.FinishRun(ctx, run))
			runs, err := s.Runs(ctx, f.ws.ID, f.conn.ID, 10)
			check("runs", err)
			if len(runs) != 1 || runs[0].Files != 3 || runs[0].Rows != 120 || runs[0].Outcome != "error" || runs[0].FinishedAt == nil {
				t.Fatalf("runs = %+v", runs)
			}
		})

		t.Run("channels, programs, clicks, revenues", func(t *testing.T) {
			check("write", s.Write(ctx, func(tx *store.Tx) error {
				if err := tx.EnsureChannels(ctx, f.ws.ID, f.conn.ID, []string{"store-20", "store-21", "store-20", ""}); err != nil {
					return err
				}
				d := day("2026-10-02")
				if err := tx.ReplaceClicks(ctx, f.ws.ID, f.conn.ID, []time.Time{d}, []model.Click{
					{Date: d, Channel: "store-20", Program: "amazon.com", Clicks: 40},
					{Date: d, Channel: "store-21", Program: "amazon.com", Custom: "abc", Clicks: 2},
				}); err != nil {
					return err
				}
				return tx.ReplaceRevenues(ctx, f.ws.ID, f.conn.ID, []time.Time{d}, []model.Revenue{
					{Date: d, Channel: "store-20", Program: "amazon.com", Currency: "USD", Kind: "cps", SaleAmount: 5998, Commission: 240, ItemsShipped: 2, Transactions: 1},
					{Date: d, Channel: "store-21", Program: "amazon.com", Currency: "USD", Kind: "cps", SaleAmount: -1000, Commission: -40, ItemsReturned: 1, Transactions: 1},
					{Date: d, Channel: "store-21", Program: "amazon.com", Currency: "EUR", Kind: "cps", SaleAmount: 100, Commission: 5, Transactions: 1},
				})
			}))
			chans, err := s.Channels(ctx, f.ws.ID)
			check("channels", err)
			if len(chans) != 2 || chans[0].Code != "store-20" || chans[1].Code != "store-21" {
				t.Fatalf("channels = %+v", chans)
			}
			check("program", s.SetProgramStatus(ctx, f.ws.ID, f.conn.ID, "amazon.com", "active", "report listed"))
			check("program again", s.SetProgramStatus(ctx, f.ws.ID, f.conn.ID, "amazon.com", "active", "report listed"))
			check("program change", s.SetProgramStatus(ctx, f.ws.ID, f.conn.ID, "amazon.com", "no report access", "ReportsNotAvailable"))
			progs, err := s.Programs(ctx, f.ws.ID)
			check("programs", err)
			if len(progs) != 1 || progs[0].Status != "no report access" {
				t.Fatalf("programs = %+v", progs)
			}
			hist, err := s.ProgramHistory(ctx, f.ws.ID, f.conn.ID, "amazon.com")
			check("program history", err)
			if len(hist) != 2 || hist[0].FromStatus != "" || hist[1].FromStatus != "active" || hist[1].ToStatus != "no report access" {
				t.Fatalf("program history = %+v", hist)
			}
			clicks, _, err := s.Clicks(ctx, f.ws.ID, store.AggregateFilter{GroupBy: []string{"channel"}})
			check("clicks", err)
			if len(clicks) != 2 || clicks[0].Clicks != 40 || clicks[1].Clicks != 2 {
				t.Fatalf("clicks = %+v", clicks)
			}
			revs, _, err := s.Revenues(ctx, f.ws.ID, store.AggregateFilter{GroupBy: []string{"day"}})
			check("revenues", err)
			// One row per group and currency: EUR and USD apart.
			if len(revs) != 2 || revs[0].Currency != "EUR" || revs[1].Currency != "USD" || revs[1].SaleAmount != 4998 || revs[1].Commission != 200 ||
				revs[1].ItemsReturned != 1 || revs[1].Date == nil || !revs[1].Date.Equal(day("2026-10-02")) {
				t.Fatalf("revenues = %+v", revs)
			}
			since := day("2026-10-03")
			if revs, _, _ := s.Revenues(ctx, f.ws.ID, store.AggregateFilter{Since: &since}); len(revs) != 0 {
				t.Fatalf("revenues since: %+v", revs)
			}
			if _, _, err := s.Revenues(ctx, f.ws.ID, store.AggregateFilter{GroupBy: []string{"color"}}); err == nil {
				t.Fatal("bad group_by accepted")
			}
		})

		t.Run("payments, deals, inquiries", func(t *testing.T) {
			p, err := s.UpsertPayment(ctx, store.Payment{WorkspaceID: f.ws.ID, ConnectionID: f.conn.ID, Reference: "PAY-1",
				PaidOn: day("2026-12-28"), PeriodStart: day("2026-10-01"), PeriodEnd: day("2026-10-31"), Currency: "USD", Amount: 123456})
			check("payment", err)
			_, err = s.UpsertPayment(ctx, store.Payment{WorkspaceID: f.ws.ID, ConnectionID: f.conn.ID, Reference: "PAY-1",
				PaidOn: day("2026-12-29"), PeriodStart: day("2026-10-01"), PeriodEnd: day("2026-10-31"), Currency: "USD", Amount: 123457})
			check("payment again", err)
			pays, next, err := s.Payments(ctx, f.ws.ID, store.PaymentFilter{})
			check("payments", err)
			if len(pays) != 1 || next != "" || pays[0].ID != p.ID || pays[0].Amount != 123457 || !pays[0].PaidOn.Equal(day("2026-12-29")) {
				t.Fatalf("payments = %+v", pays)
			}
			ends := day("2026-12-31")
			deal := store.Deal{WorkspaceID: f.ws.ID, ConnectionID: f.conn.ID, Reference: "D1", Program: "amazon.com", Title: "10% off",
				Code: "SAVE10", EndsOn: &ends}
			_, what, err := s.UpsertDeal(ctx, deal)
			check("deal", err)
			_, again, err := s.UpsertDeal(ctx, deal)
			check("deal again", err)
			if what != store.UpsertCreated || again != store.UpsertUnchanged {
				t.Fatalf("deal upserts: %v then %v", what, again)
			}
			deals, _, err := s.Deals(ctx, f.ws.ID, store.DealFilter{})
			check("deals", err)
			if len(deals) != 1 || deals[0].Code != "SAVE10" || deals[0].EndsOn == nil || !deals[0].EndsOn.Equal(ends) || deals[0].StartsOn != nil {
				t.Fatalf("deals = %+v", deals)
			}
			after := day("2027-01-01")
			if deals, _, _ := s.Deals(ctx, f.ws.ID, store.DealFilter{Since: &after}); len(deals) != 0 {
				t.Fatalf("deals valid after their end: %+v", deals)
			}
			in, err := s.CreateInquiry(ctx, store.Inquiry{WorkspaceID: f.ws.ID, Custom: "user-42", OrderDate: day("2026-10-01"), Currency: "USD", ExpectedAmount: 250, Note: "missing"}, time.Now())
			check("inquiry", err)
			_, err = s.DecideInquiry(ctx, f.ws.ID, in.ID, store.InquiryAccepted, "paid by hand", time.Now())
			check("accept", err)
			ins, _, err := s.Inquiries(ctx, f.ws.ID, store.InquiryFilter{})
			check("inquiries", err)
			if len(ins) != 1 || ins[0].Status != store.InquiryAccepted || ins[0].ExpectedAmount != 250 {
				t.Fatalf("inquiries = %+v", ins)
			}
			h, err := s.InquiryHistory(ctx, f.ws.ID, in.ID)
			check("inquiry history", err)
			if len(h) != 2 || h[0].ToStatus != "open" || h[1].FromStatus != "open" || h[1].ToStatus != "accepted" || h[1].Reason != "paid by hand" {
				t.Fatalf("inquiry history = %+v", h)
			}
		})

		t.Run("links and webhooks", func(t *testing.T) {
			l, err := s.CreateLink(ctx, store.Link{WorkspaceID: f.ws.ID, Code: "abc123", URL: "https://www.amazon.com/dp/B0C1234567?tag=store-20",
				Channel: "store-20", Program: "amazon.com", Custom: "user-1", UniquePerClick: true})
			check("link", err)
			got, err := s.LinkByCode(ctx, "abc123")
			check("by code", err)
			if got.ID != l.ID || !got.UniquePerClick || got.WorkspaceID != f.ws.ID || got.Program != "amazon.com" {
				t.Fatalf("link = %+v", got)
			}
			check("clicks", s.RecordLinkClicks(ctx, f.ws.ID, []store.LinkClick{
				{LinkID: l.ID, Subtag: "m1", Custom: "user-1", ClickedAt: time.Now()},
				{LinkID: l.ID, Subtag: "m2", Custom: "user-2", ClickedAt: time.Now()},
			}))
			lc, err := s.LinkClicks(ctx, f.ws.ID, l.ID)
			check("link clicks", err)
			if len(lc) != 2 || lc[1].Subtag != "m2" {
				t.Fatalf("link clicks = %+v", lc)
			}
			var m map[string]string
			check("customs", s.Write(ctx, func(tx *store.Tx) error {
				var err error
				m, err = tx.CustomsForSubtags(ctx, f.ws.ID, []string{"m1", "m2", "zz"})
				return err
			}))
			if len(m) != 2 || m["m2"] != "user-2" {
				t.Fatalf("customs for subtags = %v", m)
			}
			// A later batch adds to the day's counts; the rollup is what /v1/clicks reads.
			nov15 := time.Date(2026, 11, 15, 23, 59, 0, 0, time.UTC)
			check("more clicks", s.RecordLinkClicks(ctx, f.ws.ID, []store.LinkClick{
				{LinkID: l.ID, Subtag: "m3", Custom: "user-2", ClickedAt: nov15},
				{LinkID: l.ID, Subtag: "m4", Custom: "user-2", ClickedAt: nov15},
				{LinkID: l.ID, Subtag: "m5", Custom: "user-1", ClickedAt: nov15},
			}))
			check("nov 15 again", s.RecordLinkClicks(ctx, f.ws.ID, []store.LinkClick{{LinkID: l.ID, Subtag: "m6", Custom: "user-2", ClickedAt: nov15}}))
			since := time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)
			cr, _, err := s.Clicks(ctx, f.ws.ID, store.AggregateFilter{Since: &since, Until: &since, GroupBy: []string{"day", "channel", "program", "custom"}})
			check("clicks", err)
			if len(cr) != 2 || cr[0].Custom != "user-1" || cr[0].Clicks != 1 || cr[1].Custom != "user-2" || cr[1].Clicks != 3 ||
				cr[1].Channel != "store-20" || cr[1].Program != "amazon.com" || !cr[1].Date.Equal(since) {
				t.Fatalf("link clicks by day = %+v", cr)
			}
			if cr, _, err := s.Clicks(ctx, f.ws.ID, store.AggregateFilter{Custom: "user-2"}); err != nil || len(cr) != 1 || cr[0].Clicks != 4 {
				t.Fatalf("clicks of user-2 = %+v, %v", cr, err)
			}
			if cr, _, err := s.Clicks(ctx, f.ws.ID, store.AggregateFilter{ConnectionID: "conn_x"}); err != nil || len(cr) != 1 || cr[0].Clicks != 0 {
				t.Fatalf("a connection's clicks hold no redirect hits: %+v, %v", cr, err)
			}
			if err := s.RecordLinkClicks(ctx, "ws_other", []store.LinkClick{{LinkID: l.ID, Subtag: "m7", ClickedAt: nov15}}); err == nil {
				t.Fatal("clicks of another workspace's link were recorded")
			}
			wh, err := s.CreateWebhook(ctx, box, store.Webhook{WorkspaceID: f.ws.ID, URL: "http://127.0.0.1:1/hook", Events: []string{"transaction.created", "transaction.updated"}}, "whsec")
			check("webhook", err)
			sec, err := s.WebhookSecret(ctx, box, f.ws.ID, wh.ID)
			check("webhook secret", err)
			if sec != "whsec" {
				t.Fatalf("secret = %q", sec)
			}
			hooks, err := s.Webhooks(ctx, f.ws.ID)
			check("webhooks", err)
			if len(hooks) != 1 || len(hooks[0].Events) != 2 || !hooks[0].Active {
				t.Fatalf("webhooks = %+v", hooks)
			}
		})
	})
}
