package store_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/lifecycle"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// planReport is one report of a file for TestDayQueriesUseTheDayIndex: its
// facts are perDay per (day, tracking ID) of the given days.
type planReport struct {
	name      string
	report    model.ReportType
	priority  int
	days      []string
	trackings []string
}

// addPlanReport stores the file's facts and covers its days, as an import does.
func addPlanReport(t *testing.T, tx *store.Tx, f fixture, r planReport, perDay int) int64 {
	t.Helper()
	id, err := tx.AddFile(ctx, store.ImportedFile{WorkspaceID: f.ws.ID, ConnectionID: f.conn.ID, Filename: r.name, MD5: "m-" + r.name,
		Outcome: store.FileApplied})
	if err != nil {
		t.Fatal(err)
	}
	var facts []store.GroupedFact
	var covers []store.Cover
	for _, d := range r.days {
		for _, tr := range r.trackings {
			covers = append(covers, store.Cover{Day: day(d), TrackingID: tr})
			for i := range perDay {
				sub := fmt.Sprintf("%s-%s-%d", d, tr, i)
				facts = append(facts, store.GroupedFact{Group: "s:" + sub, Fact: model.Fact{ConnectionID: f.conn.ID, Report: r.report,
					Day: day(d), Key: r.name + sub, TrackingID: tr, Subtag: sub, Program: "amazon.com", Currency: "USD", Category: "Toys",
					Price: 1000, Quantity: 1, Revenue: 1000, Commission: 40, Clicks: 3}})
			}
		}
	}
	if err := tx.InsertFacts(ctx, f.ws.ID, id, facts); err != nil {
		t.Fatal(err)
	}
	last := r.days[len(r.days)-1]
	if _, err := tx.CoverDays(ctx, f.conn.ID, r.report, id, r.priority, day(last), covers); err != nil {
		t.Fatal(err)
	}
	return id
}

var readsFacts = regexp.MustCompile(`\b(FROM|JOIN) facts\b`)

// The queries that read facts by day find them through the day index, led
// by the file (migration 00014), driven from file_days or chosen_days: on a
// store of several files, connections, reports and days, no query of
// these methods reads facts by a full scan, nor by another index (but
// GroupsOnDays, by the groups' index, with file_days for a filter). On
// PostgreSQL sequential scans are off while planning (ExplainForTest), so a
// plan that still holds one has no index to use.
func TestDayQueriesUseTheDayIndex(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		f, other := newFixture(t, st, "plans"), newFixture(t, st, "plans-other")
		octA := []string{"2026-10-01", "2026-10-02", "2026-10-03"}
		var alone, clicksAlone int64
		err := st.Write(ctx, func(tx *store.Tx) error {
			for _, fx := range []fixture{other, f} {
				addPlanReport(t, tx, fx, planReport{"a.tsv", model.ReportEarnings, 1, octA, []string{"a-20", "b-20"}}, 30)
				addPlanReport(t, tx, fx, planReport{"b.tsv", model.ReportEarnings, 1, []string{"2026-10-02", "2026-10-03", "2026-10-04"},
					[]string{"a-20", "b-20"}}, 30)
				addPlanReport(t, tx, fx, planReport{"bounty.tsv", model.ReportBounty, 1, []string{"2026-10-01"}, []string{"a-20"}}, 10)
				// The last ones, f's, are the files alone on their days.
				clicksAlone = addPlanReport(t, tx, fx, planReport{"tracking.tsv", model.ReportTracking, 1, octA, []string{"a-20"}}, 30)
				alone = addPlanReport(t, tx, fx, planReport{"g.tsv", model.ReportEarnings, 1, []string{"2026-10-10"}, []string{"a-20"}}, 30)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		stage := 0
		// Each call, and the index its reads of facts must search. Only
		// GroupsOnDays pages in group order: its index is the groups'.
		calls := []planCall{
			{"GroupsOnDays", "facts_group", func(tx *store.Tx) error {
				_, err := tx.GroupsOnDays(ctx, f.conn.ID, []store.DayRange{{Report: model.ReportEarnings, From: day("2026-10-02"),
					To: day("2026-10-03")}, {Report: model.ReportBounty, From: day("2026-10-01"), To: day("2026-10-01")}}, "s:2026-10-02", 20)
				return err
			}},
			{"ActiveFactsOnDays", "facts_file_day", func(tx *store.Tx) error {
				_, err := tx.ActiveFactsOnDays(ctx, f.conn.ID, []model.ReportType{model.ReportEarnings, model.ReportBounty},
					day("2026-10-01"), day("2026-10-03"))
				return err
			}},
			{"ProjectRevenues read-back", "facts_file_day", func(tx *store.Tx) error {
				return tx.ProjectRevenues(ctx, f.ws.ID, f.conn.ID, day("2026-10-01"), day("2026-10-02"), 0,
					lifecycle.NewRevenueSums(lifecycle.ModeSubtags))
			}},
			{"ProjectRevenues alone", "facts_file_day", func(tx *store.Tx) error {
				return tx.ProjectRevenues(ctx, f.ws.ID, f.conn.ID, day("2026-10-10"), day("2026-10-10"), alone,
					lifecycle.NewRevenueSums(lifecycle.ModeSubtags))
			}},
			{"ProjectClicks read-back", "facts_file_day", func(tx *store.Tx) error {
				return tx.ProjectClicks(ctx, f.ws.ID, f.conn.ID, day("2026-10-01"), day("2026-10-03"), 0)
			}},
			{"ProjectClicks alone", "facts_file_day", func(tx *store.Tx) error {
				return tx.ProjectClicks(ctx, f.ws.ID, f.conn.ID, day("2026-10-01"), day("2026-10-03"), clicksAlone)
			}},
			{"CategoryFeeSums", "facts_file_day", func(tx *store.Tx) error {
				_, err := tx.CategoryFeeSums(ctx, f.conn.ID)
				return err
			}},
			// a.tsv loses (2026-10-01, a-20), then b-20, but keeps the
			// other there: replaced reads its facts of the day, by the
			// run of ids of the file (factsOfFile).
			{"CoverDays replaced", fileRun, func(tx *store.Tx) error {
				tracking := []string{"a-20", "b-20"}[stage]
				addPlanReport(t, tx, f, planReport{fmt.Sprintf("e%d.tsv", stage), model.ReportEarnings, 2, []string{"2026-10-01"},
					[]string{tracking}}, 5)
				return nil
			}},
			// b.tsv, then h0.tsv, loses all it covers on 2026-10-04: replacedWhole.
			{"CoverDays replacedWhole", fileRun, func(tx *store.Tx) error {
				addPlanReport(t, tx, f, planReport{fmt.Sprintf("h%d.tsv", stage), model.ReportEarnings, 2 + stage, []string{"2026-10-04"},
					[]string{"a-20", "b-20"}}, 5)
				return nil
			}},
		}
		// Planned first as an import's transaction plans them on SQLite,
		// without statistics, then analyzed (as after Maintain).
		// PostgreSQL is always planned with statistics: the store analyzes
		// what a transaction wrote (freshStats), autovacuum the rest.
		for i, stats := range []string{"without statistics", "analyzed"} {
			if stats == "analyzed" {
				if err := st.AnalyzeForTest(ctx); err != nil {
					t.Fatal(err)
				}
			}
			stage = i
			checkPlans(t, st, stats, calls, stats == "analyzed" || st.Dialect() == store.SQLite)
		}
	})
}

type planCall struct {
	name, index string
	call        func(tx *store.Tx) error
}

// checkPlans runs each call, then explains each of its statements that
// reads facts, in the same transaction, and checks (if check) the plan's
// reads of facts (factsReadBadly).
func checkPlans(t *testing.T, st *store.Store, stats string, calls []planCall, check bool) {
	t.Helper()
	type traced struct {
		query string
		args  []any
	}
	{
		for _, c := range calls {
			var queries []traced
			var plans []string
			err := st.Write(ctx, func(tx *store.Tx) error {
				tx.TraceForTest(func(q string, args []any) {
					if readsFacts.MatchString(q) {
						queries = append(queries, traced{q, append([]any(nil), args...)})
					}
				})
				if err := c.call(tx); err != nil {
					return err
				}
				tx.TraceForTest(nil)
				for _, q := range queries {
					plan, err := tx.ExplainForTest(ctx, q.query, q.args)
					if err != nil {
						return fmt.Errorf("explain %s: %w", q.query, err)
					}
					plans = append(plans, plan)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if len(queries) == 0 {
				t.Errorf("%s read no facts", c.name)
			}
			for i, q := range queries {
				t.Logf("%s, %s:\n%s\n-- plan:\n%s", c.name, stats, strings.Join(strings.Fields(q.query), " "), plans[i])
				if bad := factsReadBadly(plans[i], c.index); check && bad != "" {
					t.Errorf("%s, %s, reads facts %s (plan above)", c.name, stats, bad)
				}
			}
		}
	}
}

var (
	sqliteFacts  = regexp.MustCompile(`^(SCAN|SEARCH) (f|facts) (.*)$`)
	postgresScan = regexp.MustCompile(`^(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan)( Backward)?( using (\S+))? on facts\b`)
	postgresIdx  = regexp.MustCompile(`^Bitmap Index Scan on (facts\w*)`)
)

// fileRun, as the index a call is to use, is the read of one file's facts
// by their run of ids (store's factsOfFile): on SQLite a search by rowid
// range between ends found by an index led by file_id; on PostgreSQL any
// such index.
const fileRun = "the file's run of ids"

var sqliteIndex = regexp.MustCompile(`INDEX (\w+) \((\w+)=`)

// factsReadBadly answers how a plan reads facts other than by a search of
// index want led by its first column (file_id for facts_file_day), or ""
// if it does not: a step that reads them all (a scan, a search of an index
// by a later column) is a full scan.
func factsReadBadly(plan, want string) string {
	lead := map[string]string{"facts_file_day": "file_id", "facts_group": "connection_id", fileRun: "file_id"}[want]
	wanted := func(index string) bool {
		if want == fileRun {
			return index == "facts_file" || index == "facts_file_day"
		}
		return index == want
	}
	found := false
	lines := strings.Split(plan, "\n")
	for i, line := range lines {
		line = strings.TrimLeft(line, " ->")
		// PostgreSQL: the index's step, and its Index Cond on the next lines.
		cond := ""
		for _, next := range lines[i+1:] {
			next = strings.TrimSpace(next)
			if strings.HasPrefix(next, "->") {
				break
			}
			if c, ok := strings.CutPrefix(next, "Index Cond: "); ok {
				cond = c
				break
			}
		}
		if m := sqliteFacts.FindStringSubmatch(line); m != nil {
			found = true
			ix := sqliteIndex.FindStringSubmatch(m[3])
			byRun := want == fileRun && strings.HasPrefix(m[3], "USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)")
			if m[1] == "SCAN" || !byRun && (ix == nil || !wanted(ix[1]) || ix[2] != lead) {
				return "by " + line
			}
			// Joined to chosen_days, one day per chosen row, not a range.
			if strings.Contains(plan, "SEARCH c ") && !strings.Contains(m[3], "(file_id=? AND report_type=? AND day=?)") {
				return "by " + line + " (not one day per chosen row)"
			}
		}
		if m := postgresScan.FindStringSubmatch(line); m != nil {
			switch m[1] {
			case "Seq Scan":
				return "by " + line
			case "Bitmap Heap Scan": // its Bitmap Index Scan names the index
			default:
				found = true
				if !wanted(m[4]) || !strings.HasPrefix(cond, "(("+lead+" = ") {
					return "by " + line + " " + cond
				}
			}
		}
		if m := postgresIdx.FindStringSubmatch(line); m != nil {
			found = true
			if !wanted(m[1]) || !strings.HasPrefix(cond, "(("+lead+" = ") {
				return "by " + line + " " + cond
			}
		}
	}
	if !found {
		return "by no step of the plan that names them"
	}
	return ""
}

// Migration 00014 swaps the day index for one led by the file, and its Down
// puts the old one back; the facts' other indexes stay as they were.
func TestMigration00014FactsDayByFile(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		shapes := func() string {
			t.Helper()
			ix, err := st.IndexesForTest(ctx, "facts")
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, name := range []string{"facts_day", "facts_file_day", "facts_group", "facts_file"} {
				def, ok := ix[name]
				if !ok {
					continue
				}
				_, cols, _ := strings.Cut(def, "(") // PostgreSQL: "USING btree (…)"
				out = append(out, name+" ("+strings.Join(strings.Fields(cols), " "))
			}
			return strings.Join(out, "; ")
		}
		const latest = "facts_file_day (file_id, report_type, day); facts_group (connection_id, group_key, file_id); facts_file (file_id, group_key)"
		const old = "facts_day (connection_id, report_type, day, file_id); facts_group (connection_id, group_key, file_id); facts_file (file_id, group_key)"
		if got := shapes(); got != latest {
			t.Fatalf("indexes on facts at the latest version:\n got %s\nwant %s", got, latest)
		}
		if err := st.MigrateToForTest(ctx, 13); err != nil {
			t.Fatal(err)
		}
		if got := shapes(); got != old {
			t.Fatalf("indexes on facts at 13:\n got %s\nwant %s", got, old)
		}
		if err := st.MigrateToForTest(ctx, 14); err != nil {
			t.Fatal(err)
		}
		if got := shapes(); got != latest {
			t.Fatalf("indexes on facts back at 14:\n got %s\nwant %s", got, latest)
		}
	})
}

// What a file no longer counts for is the same whether its facts of those
// days fill their run of ids (read by id) or are spread through the file
// (read by the day index): a day of a month's file, replaced whole (every
// tracking ID of that day) or in part (one of two).
func TestReplacedReadsEitherWay(t *testing.T) {
	days := []string{"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"}
	cases := []struct {
		name      string
		byDay     bool     // the month's facts in day order, else the days taken in turn
		trackings []string // of the month's file; the day's file covers a-20
	}{
		{"day order, whole", true, []string{"a-20"}},
		{"day order, in part", true, []string{"a-20", "b-20"}},
		{"days in turn, whole", false, []string{"a-20"}},
		{"days in turn, in part", false, []string{"a-20", "b-20"}},
	}
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		for n, tc := range cases {
			f := newFixture(t, st, fmt.Sprintf("replaced-%d", n))
			err := st.Write(ctx, func(tx *store.Tx) error {
				month, err := tx.AddFile(ctx, store.ImportedFile{WorkspaceID: f.ws.ID, ConnectionID: f.conn.ID, Filename: "month.tsv",
					MD5: "m", Outcome: store.FileApplied})
				if err != nil {
					return err
				}
				var facts []store.GroupedFact
				var covers []store.Cover
				add := func(d, tr string, i int) {
					sub := fmt.Sprintf("%s-%s-%d", d, tr, i)
					facts = append(facts, store.GroupedFact{Group: "s:" + sub, Fact: model.Fact{ConnectionID: f.conn.ID,
						Report: model.ReportEarnings, Day: day(d), Key: "month" + sub, TrackingID: tr, Subtag: sub, Program: "amazon.com",
						Currency: "USD", Price: 1000, Quantity: 1, Revenue: 1000, Commission: 40}})
				}
				for _, d := range days {
					for _, tr := range tc.trackings {
						covers = append(covers, store.Cover{Day: day(d), TrackingID: tr})
					}
				}
				for i := range 5 {
					for _, d := range days {
						for _, tr := range tc.trackings {
							if !tc.byDay {
								add(d, tr, i)
							}
						}
					}
				}
				if tc.byDay {
					for _, d := range days {
						for _, tr := range tc.trackings {
							for i := range 5 {
								add(d, tr, i)
							}
						}
					}
				}
				if err := tx.InsertFacts(ctx, f.ws.ID, month, facts); err != nil {
					return err
				}
				if _, err := tx.CoverDays(ctx, f.conn.ID, model.ReportEarnings, month, 1, day(days[3]), covers); err != nil {
					return err
				}
				one, err := tx.AddFile(ctx, store.ImportedFile{WorkspaceID: f.ws.ID, ConnectionID: f.conn.ID, Filename: "day.tsv",
					MD5: "d", Outcome: store.FileApplied})
				if err != nil {
					return err
				}
				cov, err := tx.CoverDays(ctx, f.conn.ID, model.ReportEarnings, one, 2, day(days[1]),
					[]store.Cover{{Day: day(days[1]), TrackingID: "a-20"}})
				if err != nil {
					return err
				}
				want := []store.Replaced{{File: "month.tsv", Report: model.ReportEarnings, Days: []time.Time{day(days[1])}, Transactions: 5}}
				if fmt.Sprint(cov.Replaced) != fmt.Sprint(want) {
					t.Errorf("%s: replaced %v, want %v", tc.name, cov.Replaced, want)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
		}
	})
}
