package importer_test

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// TestProjectedDigestsMatchTheStore: after each step, every projection
// group of the connection has a digest, and it is the digest of its
// transactions as stored, read back (in lifecycle.Project's order, by
// source key). That is what lets a group whose new projection hashes the
// same go unread (storeProjected): if a digest ever stood for something
// else than the store holds, a change would be lost.
func TestProjectedDigestsMatchTheStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, "acme")
		steps := []struct {
			name string
			do   func(t *testing.T) stepCounts
		}{
			{"the days", func(t *testing.T) stepCounts {
				sum := e.importAll(t, days()...)
				return stepCounts{sum.Transactions.Created, 0, 0}
			}},
			{"day 2 re-issued: u3 dropped, u9 new", func(t *testing.T) stepCounts {
				sum := e.importAll(t, earningsFile("2026-10-02", line("2026-10-02", "B1", "u1", -1, "-29.99", "-1.20"),
					line("2026-10-02", "B5", "u9", 1, "10.00", "0.40")))
				return stepCounts{sum.Transactions.Created, sum.Transactions.Updated, sum.Transactions.Unchanged}
			}},
			{"an app's click on u1, then day 1 again unchanged", func(t *testing.T) stepCounts {
				l, err := s.CreateLink(ctx, store.Link{WorkspaceID: e.ws.ID, Code: "app-link", URL: "https://www.amazon.com/dp/B1?tag=shop-20",
					Channel: "shop-20", Program: "amazon.com"})
				if err != nil {
					t.Fatal(err)
				}
				if err := s.RecordLinkClicks(ctx, e.ws.ID, []store.LinkClick{{LinkID: l.ID, Subtag: "u1", Custom: "app-7",
					ClickedAt: time.Date(2026, 9, 30, 8, 0, 0, 0, time.UTC)}}); err != nil {
					t.Fatal(err)
				}
				sum := e.importAll(t, earningsTSV("2026-10-01", days1()...))
				list, _, _ := s.Transactions(ctx, e.ws.ID, store.TransactionFilter{Custom: "app-7"})
				if len(list) != 1 || !slices.Equal(list[0].Customs, []string{"u1", "app-7"}) {
					t.Fatalf("u1 did not take the app's custom when its day came again: %+v", list)
				}
				return stepCounts{sum.Transactions.Created, sum.Transactions.Updated, sum.Transactions.Unchanged}
			}},
			{"a month later, the daily pass", func(t *testing.T) stepCounts {
				e.im.Now = func() time.Time { return time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC) }
				c, err := e.im.Recheck(ctx, e.conn)
				if err != nil {
					t.Fatal(err)
				}
				return stepCounts{c.Created, c.Updated, c.Unchanged}
			}},
			{"day 3 again, unchanged", func(t *testing.T) stepCounts {
				sum := e.importAll(t, earningsTSV("2026-10-03", line("2026-10-03", "B2", "u2", -1, "-29.99", "-1.20"),
					line("2026-10-03", "B3", "", -1, "-29.99", "-1.20")))
				return stepCounts{sum.Transactions.Created, sum.Transactions.Updated, sum.Transactions.Unchanged}
			}},
		}
		want := []stepCounts{
			{5, 0, 0}, // u1, u2, two B3 rows, u3 (the B3 return is a stand-alone row of day 3)
			{1, 0, 1}, // u9 new; u1 unchanged; u3 deleted
			{0, 1, 3}, // u1 takes app-7; u2 and the B3 rows are as they were
			{0, 3, 1}, // the return windows of the pending ones have passed
			{0, 0, 3}, // the transactions of day 3's groups, as they were
		}
		for i, step := range steps {
			got := step.do(t)
			if i < len(want) && got != want[i] {
				t.Errorf("%s: created, updated, unchanged %v, want %v", step.name, got, want[i])
			}
			checkDigests(t, s, e)
		}
	})
}

// stepCounts are the transactions one step created, updated and left unchanged.
type stepCounts [3]int

func days1() []string {
	return []string{line("2026-10-01", "B1", "u1", 2, "59.98", "2.40"), line("2026-10-01", "B2", "u2", 1, "29.99", "1.20"),
		line("2026-10-01", "B3", "", 1, "29.99", "1.20"), line("2026-10-01", "B3", "", 1, "29.99", "1.20")}
}

// earningsTSV is earningsFile uncompressed: another download of the same
// day, so another file (name and MD5) with the same rows.
func earningsTSV(day string, lines ...string) importer.File {
	d, _ := time.Parse("2006-01-02", day)
	body := "Earnings report\n" + earningsHeader
	for _, l := range lines {
		body += l + "\n"
	}
	return memFile(fmt.Sprintf("shop-20-earnings-report-subtags-%s.tsv", d.Format("20060102")), []byte(body))
}

// checkDigests compares each group's stored digest with the digest of its
// transactions as the store holds them.
func checkDigests(t *testing.T, s *store.Store, e env) {
	t.Helper()
	all := func(r model.ReportType) store.DayRange {
		return store.DayRange{Report: r, From: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}
	}
	err := s.Write(ctx, func(tx *store.Tx) error {
		groups, err := tx.GroupsOnDays(ctx, e.conn.ID, []store.DayRange{all(model.ReportEarnings), all(model.ReportOrders),
			all(model.ReportBounty), all(model.ReportTracking)}, "", 100000)
		if err != nil {
			return err
		}
		stored, err := tx.TransactionsOfGroups(ctx, e.ws.ID, e.conn.ID, groups)
		if err != nil {
			return err
		}
		digests, err := tx.ProjectedDigests(ctx, e.ws.ID, e.conn.ID, groups)
		if err != nil {
			return err
		}
		byGroup := map[string][]model.Transaction{}
		for id, g := range stored.Groups() {
			x, err := stored.Transaction(id)
			if err != nil {
				return err
			}
			byGroup[g] = append(byGroup[g], x)
		}
		if len(groups) == 0 {
			t.Error("no groups: nothing checked")
		}
		for _, g := range groups {
			txs := byGroup[g]
			slices.SortFunc(txs, func(a, b model.Transaction) int { return cmp.Compare(a.SourceKey, b.SourceKey) })
			got, ok := digests[g]
			switch {
			case !ok:
				t.Errorf("group %s has no digest", g)
			case got != model.ProjectionDigest(txs):
				t.Errorf("group %s: the digest is not that of its %d stored transactions", g, len(txs))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
