package importer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/lifecycle"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/reportfile"
	"github.com/affsync/affsync/internal/store"
)

// factBatch is how many facts are buffered before one multi-row INSERT.
const factBatch = 2000

// groupBatch is how many projection groups are projected at a time, so
// memory stays flat however large the file.
const groupBatch = 1000

// coverage is the days one report of a file covers: [from, to] as its
// title or rows state them, and the (day, tracking ID) pairs its rows carry,
// which decide what it replaces (SPEC §3.5).
type coverage struct {
	report   model.ReportType
	priority int
	from, to time.Time
	carried  map[store.Cover]bool
}

// fileRun is what reading one file gathers for the projections after it.
type fileRun struct {
	sum         *Summary
	covers      []coverage
	types       []string
	paidChanged map[string]bool // months ("2026-10") whose payment changed
	custom      *customRun
	// spool holds the file's grouped facts sorted by group. alone says
	// that no other file counted for a day the file covers before it, or
	// only the files of superseded, which it replaced whole (a re-issue)
	// so that they count for no day any more (store.Coverage): the groups
	// to project are then the spool's, read without the store, and the
	// groups of superseded that the file dropped.
	spool      *groupSpool
	alone      bool
	superseded []int64
	fileID     int64
	// revenuesFromSpool: the file's revenues are the sums of the spool's
	// facts, added up a batch of groups at a time as they are projected.
	revenuesFromSpool bool
}

// apply reads one file inside tx: report rows become facts, payments and
// deals are stored, custom transactions upserted; then it projects what the
// file touched.
func (im *Importer) apply(ctx context.Context, tx *store.Tx, conn store.Connection, f File, sum *Summary, progress Progress) error {
	st, err := im.connectionSettings(conn)
	if err != nil {
		return err
	}
	// The estimate rates as they were, to see which categories this file moves.
	ratesBefore, err := categoryRates(ctx, tx, conn, st)
	if err != nil {
		return err
	}
	fileID, err := tx.AddFile(ctx, store.ImportedFile{WorkspaceID: conn.WorkspaceID, ConnectionID: conn.ID, Filename: f.Name,
		MD5: f.MD5, Size: f.Size, LastModified: f.LastModified, Outcome: store.FileApplied})
	if err != nil {
		return err
	}
	r, err := f.Open()
	if err != nil {
		return fmt.Errorf("open %s: %w", f.Name, err)
	}
	defer r.Close()
	cr := &countingReader{r: r}
	if progress != nil {
		cr.progress = func(n int64) { progress(n, sum.Rows) }
	}
	run := &fileRun{sum: sum, paidChanged: map[string]bool{}, alone: true, fileID: fileID}
	if st.reports {
		if run.spool, err = newGroupSpool(spoolRun); err != nil {
			return err
		}
		defer run.spool.Close()
	}
	err = reportfile.Open(f.Name, cr, st.conn.Rules().Files, im.Limits, func(t *reportfile.Table) error {
		switch {
		case t.Kind == reportfile.KindOther:
			sum.Notes = append(sum.Notes, fmt.Sprintf("%s: sheet %q skipped: its first rows hold no header of a report, payments, "+
				"deals or custom transactions file", t.Name, t.RawType))
			return nil
		case t.Kind == reportfile.KindPayments:
			run.types = append(run.types, "payments")
			return im.readPayments(ctx, tx, conn, st, t, run)
		case t.Kind == reportfile.KindDeals:
			run.types = append(run.types, "deals")
			return im.readDeals(ctx, tx, conn, st, t, run)
		case t.Kind == reportfile.KindCustom && st.transactions:
			run.types = append(run.types, "custom")
			return im.readCustom(ctx, tx, conn, st, t, run)
		case t.Kind == reportfile.KindCustom:
			return &reportfile.Error{File: t.Name, Line: t.HeaderLine, Column: 1, Msg: "a custom transactions file (SPEC §4.4) is imported " +
				"into a connection of the custom network; this one is " + conn.Network}
		case !st.reports:
			return &reportfile.Error{File: t.Name, Line: max(t.HeaderLine, 1), Column: 1, Msg: "wrong columns: a custom connection imports " +
				"the CSV of SPEC §4.4 (sold, revenue, and optionally id, clicked, price, status, currency, custom_1, custom_2), " +
				"a payments or a deals file; this header has " + strings.Join(t.Columns, ", ")}
		}
		return im.readReport(ctx, tx, t, conn, st, f.Name, run)
	})
	if err != nil {
		return err
	}
	slices.Sort(run.types)
	if err := tx.FinishFile(ctx, fileID, sum.Rows, strings.Join(slices.Compact(run.types), ",")); err != nil {
		return err
	}
	var counted []int64
	for _, c := range run.covers {
		covers := slices.SortedFunc(maps.Keys(c.carried), func(a, b store.Cover) int {
			return cmp.Or(a.Day.Compare(b.Day), strings.Compare(a.TrackingID, b.TrackingID))
		})
		cov, err := tx.CoverDays(ctx, conn.ID, c.report, fileID, c.priority, c.to, covers)
		if err != nil {
			return err
		}
		counted = append(counted, cov.Counted...)
		for _, r := range cov.Replaced {
			sum.Notes = append(sum.Notes, replacedNote(r, f.Name))
		}
	}
	if len(counted) > 0 {
		// The files that counted on these days before: if none of them
		// counts for any day now, this file replaced them whole.
		slices.Sort(counted)
		counted = slices.Compact(counted)
		live, err := tx.FilesCounting(ctx, conn.ID, counted)
		if err != nil {
			return err
		}
		if run.alone = len(live) == 0; run.alone {
			run.superseded = counted
		}
	}
	if st.transactions {
		err = im.finishCustom(ctx, tx, conn, st, run)
	} else {
		err = im.project(ctx, tx, conn, st, run, ratesBefore)
	}
	if err != nil {
		return err
	}
	// Inquiries waiting for a transaction this file brought are matched in
	// the same commit, so no reader sees the one without the other.
	_, err = tx.MatchInquiries(ctx, conn.WorkspaceID, conn.ID, im.Now())
	return err
}

// errStopped ends a reader whose writer failed.
var errStopped = errors.New("import stopped")

// readReport reads one report table into facts and notes the days it covers.
// Parsing and storing run on two goroutines: the reader (this table's rows,
// normalised, grouped and turned into INSERT values, a batch at a time) and
// the writer (the store transaction), joined by a short channel, so the
// one's CPU time hides behind the other's.
func (im *Importer) readReport(ctx context.Context, tx *store.Tx, t *reportfile.Table, conn store.Connection, st settings, file string,
	run *fileRun) error {
	sum := run.sum
	var lo, hi time.Time
	carried := map[store.Cover]bool{}
	batches := make(chan store.FactRows, 2)
	stop := make(chan struct{})
	var stats network.FactStats
	var err error
	go func() {
		defer close(batches)
		buf := make([]store.GroupedFact, 0, factBatch)
		send := func() error {
			select {
			case batches <- store.PrepareFacts(conn.WorkspaceID, run.fileID, buf):
				buf = make([]store.GroupedFact, 0, factBatch)
				return nil
			case <-stop:
				return errStopped
			}
		}
		stats, err = st.conn.Facts(t, func(fact model.Fact) error {
			fact.File = file
			carried[store.Cover{Day: fact.Day, TrackingID: fact.TrackingID}] = true
			if lo.IsZero() || fact.Day.Before(lo) {
				lo = fact.Day
			}
			if fact.Day.After(hi) {
				hi = fact.Day
			}
			g := store.GroupedFact{Fact: fact, Group: lifecycle.GroupKey(fact, st.mode)}
			if err := run.spool.add(g); err != nil {
				return err
			}
			buf = append(buf, g)
			if len(buf) >= factBatch {
				return send()
			}
			return nil
		})
		if err == nil && len(buf) > 0 {
			err = send()
		}
	}()
	var werr error
	for b := range batches {
		if werr != nil {
			continue // drain: the reader stops at its next batch
		}
		if werr = tx.InsertFactRows(ctx, b); werr != nil {
			close(stop)
		}
	}
	// The reader has ended (batches is closed): its results are ours now.
	if werr != nil {
		return werr
	}
	sum.Rows += stats.Rows
	sum.Facts += stats.Facts
	sum.SkippedRows += stats.Skipped
	sum.Notes = append(sum.Notes, stats.Notes...)
	if err != nil {
		return err
	}
	if t.Report == "" {
		return nil
	}
	run.types = append(run.types, string(t.Report))
	from, to := t.Coverage[0], t.Coverage[1]
	if from.IsZero() || (!lo.IsZero() && lo.Before(from)) {
		from = lo
	}
	if to.IsZero() || hi.After(to) {
		to = hi
	}
	if from.IsZero() || to.IsZero() {
		sum.Notes = append(sum.Notes, fmt.Sprintf("%s: no rows and no dates in its name or title, so it covers no day", t.Name))
		return nil
	}
	run.covers = append(run.covers, coverage{report: t.Report, priority: priority(t), from: from, to: to, carried: carried})
	return nil
}

// replacedNote tells, in the import summary, what of an earlier file stopped
// counting because of this one: the only trace a user has of it otherwise
// is a number of deleted transactions.
func replacedNote(r store.Replaced, by string) string {
	what := "transactions of %s (%s, %s) no longer count"
	if r.Transactions == 1 {
		what = "transaction of %s (%s, %s) no longer counts"
	}
	return fmt.Sprintf("%d "+what+": replaced by %s", r.Transactions, r.File, r.Report, dayRanges(r.Days), by)
}

// dayRanges writes ascending days as runs: "2026-10-01 … 2026-10-03, 2026-10-05".
func dayRanges(days []time.Time) string {
	var parts []string
	for i := 0; i < len(days); {
		j := i
		for j+1 < len(days) && days[j+1].Equal(days[j].AddDate(0, 0, 1)) {
			j++
		}
		part := days[i].Format(time.DateOnly)
		if j > i {
			part += " … " + days[j].Format(time.DateOnly)
		}
		parts = append(parts, part)
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// priority orders versions of one day's report: -subtags over plain, then
// TSV (or CSV, XLSX) over XML.
func priority(t *reportfile.Table) int {
	p := 0
	if t.Subtags {
		p += 2
	}
	if t.Format != "xml" {
		p++
	}
	return p
}

// projection is what projecting groups of one connection needs besides
// their facts: the estimate rates, the paid months, and the channels and
// programs seen.
type projection struct {
	st    settings
	rates lifecycle.CategoryRates
	paid  map[string]string // month → payment id (lifecycle.PaidMonths)
	seen  seenNames
}

func newProjection(ctx context.Context, tx *store.Tx, conn store.Connection, st settings) (*projection, error) {
	rates, err := categoryRates(ctx, tx, conn, st)
	if err != nil {
		return nil, err
	}
	paid, err := paidMonthsOf(ctx, tx, conn)
	if err != nil {
		return nil, err
	}
	return &projection{st: st, rates: rates, paid: paid, seen: seenNames{channels: map[string]bool{}, programs: map[string]bool{}}}, nil
}

// project recomputes the transactions, revenues and clicks that the covered
// days may have changed, and the paid flag of the months whose payment
// changed.
func (im *Importer) project(ctx context.Context, tx *store.Tx, conn store.Connection, st settings, run *fileRun,
	ratesBefore lifecycle.CategoryRates) error {
	sum := run.sum
	var ranges []store.DayRange
	// The sums read the file's own facts when it alone counts on its days.
	sumsOf := run.fileID
	if im.readBack {
		sumsOf = 0
	}
	spooled := run.alone && run.spool != nil && !im.readBack
	fromSpool, err := revenuesFromSpool(ctx, tx, conn, run, spooled)
	if err != nil {
		return err
	}
	run.revenuesFromSpool = fromSpool
	var sweep []coverage
	for _, c := range run.covers {
		ranges = append(ranges, store.DayRange{Report: c.report, From: c.from, To: c.to})
		switch {
		case c.report != model.ReportEarnings && c.report != model.ReportBounty:
		case run.revenuesFromSpool:
			// Written anew, a batch of the spool's groups at a time
			// (projectSpool); the rows of these days stored before and not
			// written again are swept after.
			stored, err := tx.RevenuesOnDays(ctx, conn.ID, c.from, c.to)
			if err != nil {
				return err
			}
			if stored {
				sweep = append(sweep, c)
			}
		default:
			if err := tx.ProjectRevenues(ctx, conn.WorkspaceID, conn.ID, c.from, c.to, sumsOf, lifecycle.NewRevenueSums(st.mode)); err != nil {
				return err
			}
		}
		if c.report == model.ReportTracking {
			if err := tx.ProjectClicks(ctx, conn.WorkspaceID, conn.ID, c.from, c.to, sumsOf); err != nil {
				return err
			}
		}
	}
	pr, err := newProjection(ctx, tx, conn, st)
	if err != nil {
		return err
	}
	// A category whose rate moved changes the estimate of its orders not
	// shipped yet: only those are projected again, not every order.
	var moved []string
	for _, c := range sortedKeys(pr.rates) {
		if pr.rates[c] != ratesBefore[c] {
			moved = append(moved, c)
		}
	}
	for _, c := range sortedKeys(ratesBefore) {
		if _, ok := pr.rates[c]; !ok {
			moved = append(moved, c)
		}
	}
	orderGroups, err := tx.UnshippedOrderGroups(ctx, conn.ID, moved)
	if err != nil {
		return err
	}
	add := func(c Counts, unchanged bool) {
		sum.Transactions.Created += c.Created
		sum.Transactions.Updated += c.Updated
		sum.Transactions.Deleted += c.Deleted
		if unchanged {
			sum.Transactions.Unchanged += c.Unchanged
		}
	}
	// The groups on the covered days, a batch at a time, then the order
	// groups whose estimates may have moved, then the groups shipped in a
	// month whose payment changed: a payment recorded before or after the
	// reports makes the same store. Projecting a group twice is harmless:
	// the second time changes nothing.
	if spooled {
		err = im.projectSpooled(ctx, tx, conn, pr, run, func(c Counts) { add(c, true) })
	} else {
		err = im.projectDays(ctx, tx, conn, pr, ranges, func(c Counts) { add(c, true) })
	}
	if err != nil {
		return err
	}
	for _, c := range sweep {
		if err := tx.SweepRevenues(ctx, conn.WorkspaceID, conn.ID, c.from, c.to, run.fileID); err != nil {
			return err
		}
	}
	next := func() ([]string, error) {
		batch := orderGroups[:min(groupBatch, len(orderGroups))]
		orderGroups = orderGroups[len(batch):]
		return batch, nil
	}
	if err := im.projectBatches(ctx, tx, conn, pr, im.loadEach(ctx, tx, conn, next), func(c Counts) { add(c, false) }); err != nil {
		return err
	}
	var paidRanges []store.DayRange
	for _, m := range sortedKeys(run.paidChanged) {
		from, _ := time.Parse("2006-01", m)
		to := from.AddDate(0, 1, -1)
		// Shipments and bounties make ShippedAt, the month the paid rule reads.
		paidRanges = append(paidRanges, store.DayRange{Report: model.ReportEarnings, From: from, To: to},
			store.DayRange{Report: model.ReportBounty, From: from, To: to})
	}
	if err := im.projectDays(ctx, tx, conn, pr, paidRanges, func(c Counts) { add(c, false) }); err != nil {
		return err
	}
	if err := tx.EnsureChannels(ctx, conn.WorkspaceID, conn.ID, sortedKeys(pr.seen.channels)); err != nil {
		return err
	}
	for _, p := range sortedKeys(pr.seen.programs) {
		if err := tx.SetProgramStatus(ctx, conn.WorkspaceID, conn.ID, p, "active", "reports received"); err != nil {
			return err
		}
	}
	return nil
}

// revenuesFromSpool says whether the revenues of the file's days can be
// summed from its spool as it is projected: when its groups are projected
// from the spool (spooled), and it counts alone, on every day of its
// Earnings and Bounty reports, for both (the facts that count there are the
// spool's: every Earnings and Bounty fact has a group, lifecycle.GroupKey).
// One report read back would sum the other's days too, so it is all of them
// or none.
func revenuesFromSpool(ctx context.Context, tx *store.Tx, conn store.Connection, run *fileRun, spooled bool) (bool, error) {
	some := false
	for _, c := range run.covers {
		if c.report != model.ReportEarnings && c.report != model.ReportBounty {
			continue
		}
		if !spooled {
			return false, nil
		}
		alone, err := tx.CountsAlone(ctx, conn.ID, c.from, c.to, run.fileID, model.ReportEarnings, model.ReportBounty)
		if err != nil || !alone {
			return false, err
		}
		some = true
	}
	return some, nil
}

// projectDays projects the groups with facts on the given days, a batch at a time.
func (im *Importer) projectDays(ctx context.Context, tx *store.Tx, conn store.Connection, pr *projection, ranges []store.DayRange,
	add func(Counts)) error {
	if len(ranges) == 0 {
		return nil
	}
	after := ""
	next := func() ([]string, error) {
		batch, err := tx.GroupsOnDays(ctx, conn.ID, ranges, after, groupBatch)
		if len(batch) > 0 {
			after = batch[len(batch)-1]
		}
		return batch, err
	}
	return im.projectBatches(ctx, tx, conn, pr, im.loadEach(ctx, tx, conn, next), add)
}

// projectSpooled projects the groups of a file that is alone on its days
// (fileRun.alone) out of its spool: the facts of a group that is new (no
// other file that counts has facts of it) are the spool's, and only the
// groups that are not are read from the store. Then the groups that the
// files it superseded held and it does not: their facts count no more.
func (im *Importer) projectSpooled(ctx context.Context, tx *store.Tx, conn store.Connection, pr *projection, run *fileRun,
	add func(Counts)) error {
	if err := im.projectSpool(ctx, tx, conn, pr, run, add); err != nil {
		return err
	}
	for _, old := range run.superseded {
		after := ""
		next := func() ([]string, error) {
			batch, err := tx.GroupsLeftBehind(ctx, old, run.fileID, after, groupBatch)
			if len(batch) > 0 {
				after = batch[len(batch)-1]
			}
			return batch, err
		}
		if err := im.projectBatches(ctx, tx, conn, pr, im.loadEach(ctx, tx, conn, next), add); err != nil {
			return err
		}
	}
	return nil
}

// projectSpool projects the groups of the file's spool.
func (im *Importer) projectSpool(ctx context.Context, tx *store.Tx, conn store.Connection, pr *projection, run *fileRun,
	add func(Counts)) error {
	fileID := run.fileID
	groups, err := run.spool.groups(fileID)
	if err != nil {
		return err
	}
	// A connection's first file (or one replacing all the others) brings
	// only new groups: no batch needs to ask which are not.
	others, err := tx.OtherFilesHaveFacts(ctx, conn.ID, fileID, run.superseded)
	if err != nil {
		return err
	}
	// Nor has the projection stored any of them before, so there is no
	// digest to look up (a group without one only goes the long way).
	stored := others || len(run.superseded) > 0
	// The spool is merged and decoded on a goroutine of its own, a batch
	// ahead, so the store's connection does not wait for it; so are the
	// batch's revenues summed, when they come from the spool.
	type merged struct {
		batch    []string
		facts    []store.GroupedFact
		revenues []model.Revenue
		err      error
	}
	batches, done := make(chan merged, 1), make(chan struct{})
	defer close(done)
	go func() {
		defer close(batches)
		sums := lifecycle.NewRevenueSums(pr.st.mode)
		for {
			batch, facts, err := groups(groupBatch)
			var revenues []model.Revenue
			if run.revenuesFromSpool {
				for _, g := range facts {
					sums.Add(g.Fact)
				}
				revenues = sums.Rows()
			}
			select {
			case batches <- merged{batch, facts, revenues, err}:
			case <-done:
				return
			}
			if err != nil || len(batch) == 0 {
				return
			}
		}
	}()
	next := func() (*groupJob, error) {
		m := <-batches
		if m.err != nil || len(m.batch) == 0 {
			return nil, m.err
		}
		batch, facts := m.batch, m.facts
		if err := tx.AddRevenues(ctx, conn.WorkspaceID, conn.ID, fileID, m.revenues); err != nil {
			return nil, err
		}
		var old map[string]bool
		if others {
			found, err := tx.GroupsInOtherFiles(ctx, conn.ID, fileID, run.superseded, batch)
			if err != nil {
				return nil, err
			}
			old = found
		}
		if len(old) > 0 {
			// Their facts that count, from every file, this one's included.
			fromStore, err := tx.ActiveFactsOfGroups(ctx, conn.ID, slices.Collect(maps.Keys(old)))
			if err != nil {
				return nil, err
			}
			facts = append(slices.DeleteFunc(facts, func(g store.GroupedFact) bool { return old[g.Group] }), fromStore...)
		}
		return newGroupJob(ctx, tx, conn, batch, facts, stored)
	}
	return im.projectBatches(ctx, tx, conn, pr, next, add)
}

// loadEach turns batches of group keys into jobs, their facts that count
// read from the store.
func (im *Importer) loadEach(ctx context.Context, tx *store.Tx, conn store.Connection, next func() ([]string, error)) func() (*groupJob, error) {
	return func() (*groupJob, error) {
		groups, err := next()
		if err != nil || len(groups) == 0 {
			return nil, err
		}
		facts, err := tx.ActiveFactsOfGroups(ctx, conn.ID, groups)
		if err != nil {
			return nil, err
		}
		return newGroupJob(ctx, tx, conn, groups, facts, true)
	}
}

// newGroupJob is a batch of whole groups with their facts that count, and,
// if some may have been stored (stored), the digests of what the projection
// stored for them last.
func newGroupJob(ctx context.Context, tx *store.Tx, conn store.Connection, groups []string, facts []store.GroupedFact,
	stored bool) (*groupJob, error) {
	j := &groupJob{groups: groups, facts: make([]model.Fact, len(facts))}
	for i, g := range facts {
		j.facts[i] = g.Fact
	}
	if !stored {
		return j, nil
	}
	var err error
	j.stored, err = tx.ProjectedDigests(ctx, conn.WorkspaceID, conn.ID, groups)
	return j, err
}

// groupJob is one batch of groups on its way through projectBatches.
type groupJob struct {
	groups []string
	facts  []model.Fact
	stored map[string]model.Digest // of the groups that have one (store.ProjectedDigests)
	// projected is what the batch's facts make, and made the digest of
	// each group's part of it (a group that makes nothing included).
	projected []lifecycle.Projected
	made      map[string]model.Digest
}

// digests hashes the transactions of each group of the batch as projected,
// in projected's order (lifecycle.Project's), so equal projections hash
// equally; only groups picks the groups out, so one it does not name (none
// should) is hashed all the same.
func digests(groups []string, projected []lifecycle.Projected) map[string]model.Digest {
	byGroup := make(map[string][]model.Transaction, len(groups))
	for _, g := range groups {
		byGroup[g] = nil
	}
	for _, p := range projected {
		byGroup[p.Group] = append(byGroup[p.Group], p.Tx)
	}
	out := make(map[string]model.Digest, len(byGroup))
	for g, txs := range byGroup {
		out[g] = model.ProjectionDigest(txs)
	}
	return out
}

// projectBatches projects the batches of groups that next hands out (an
// empty batch ends them) and stores the results. The store transaction is
// one connection, so its reads and writes take turns on this goroutine; the
// projection itself, CPU alone, runs on another one meanwhile: batch k is
// projected while batch k-1 is written and batch k+1 read. Batches hold
// disjoint groups, and a transaction is made by one group for the life of
// its connection (its mode, which decides the groups, never changes), so
// no batch reads what the one before writes.
func (im *Importer) projectBatches(ctx context.Context, tx *store.Tx, conn store.Connection, pr *projection,
	next func() (*groupJob, error), add func(Counts)) error {
	ls := lifecycle.Settings{WorkspaceID: conn.WorkspaceID, ConnectionID: conn.ID, Network: conn.Network, Mode: pr.st.mode,
		ReturnWindowDays: pr.st.returnDays}
	today := im.today()
	toProject, projected := make(chan *groupJob, 1), make(chan *groupJob, 1)
	go func() {
		defer close(projected)
		for j := range toProject {
			j.projected = lifecycle.Project(j.facts, ls, today, pr.rates)
			lifecycle.ApplyPayments(j.projected, pr.paid)
			j.made = digests(j.groups, j.projected)
			j.facts = nil
			projected <- j
		}
	}()
	inFlight := 0
	err := func() error {
		for {
			j, err := next()
			if err != nil {
				return err
			}
			if j != nil {
				toProject <- j
				inFlight++
			}
			if inFlight == 0 {
				return nil
			}
			// Keep one batch projecting while this one is written; at the
			// end (no more groups), write what is left.
			if inFlight == 2 || j == nil {
				counts, err := im.storeProjected(ctx, tx, conn, pr, <-projected)
				inFlight--
				if err != nil {
					return err
				}
				add(counts)
			}
		}
	}()
	close(toProject)
	for range projected { // a batch still in flight after an error
	}
	return err
}

// seenNames gathers the channels and programs of projected transactions.
type seenNames struct {
	channels map[string]bool
	programs map[string]bool
}

// storeProjected stores the projection of a batch of whole groups. A group
// whose projection hashes to the digest stored for it is the same as
// stored, transaction by transaction (model.ProjectionDigest): it is counted
// unchanged, and neither read nor compared nor written. The others go
// through the upsert, and their new digests are stored after it.
func (im *Importer) storeProjected(ctx context.Context, tx *store.Tx, conn store.Connection, pr *projection, j *groupJob) (Counts, error) {
	projected := j.projected
	seen := pr.seen

	var subtags []string
	for _, p := range projected {
		subtags = append(subtags, p.Tx.Customs...)
	}
	appCustoms, err := tx.CustomsForSubtags(ctx, conn.WorkspaceID, subtags)
	if err != nil {
		return Counts{}, err
	}
	// An app's custom joins the customs of the transactions its links'
	// clicks made (SPEC §5): the projection could not know it, so the
	// groups it lands in are hashed again.
	made := j.made
	rehash := false
	for i := range projected {
		x := &projected[i].Tx
		for _, c := range x.Customs {
			if app, ok := appCustoms[c]; ok && !slices.Contains(x.Customs, app) {
				x.Customs = append(slices.Clip(x.Customs), app)
				rehash = true
			}
		}
		seen.channels[x.Channel] = true
		seen.programs[x.Program] = true
	}
	if rehash {
		made = digests(j.groups, projected)
	}
	changed := make(map[string]model.Digest, len(made))
	unchanged := 0
	for g, d := range made {
		if old, ok := j.stored[g]; ok && old == d {
			continue
		}
		changed[g] = d
	}
	writes := make([]store.TxWrite, 0, len(projected))
	live := map[string]bool{}
	for _, p := range projected {
		if _, ok := changed[p.Group]; !ok {
			unchanged++
			continue
		}
		x := p.Tx
		live[x.ID] = true
		explain := func(prev model.Transaction) string { return lifecycle.Reason(prev, x) }
		writes = append(writes, store.TxWrite{Tx: x, Group: p.Group, Source: p.Source, Explain: explain})
	}
	if len(changed) == 0 {
		return Counts{Unchanged: unchanged}, nil
	}
	stored, err := tx.TransactionsOfGroups(ctx, conn.WorkspaceID, conn.ID, sortedKeys(changed))
	if err != nil {
		return Counts{}, err
	}
	// A stored transaction that its facts no longer make goes: a stand-alone
	// return that has found its sale, or rows a re-issued report dropped. The
	// facts stay; keeping the projection would make the store depend on the
	// order in which files arrived.
	var gone []string
	for _, id := range sortedKeys(stored.Groups()) {
		if !live[id] {
			gone = append(gone, id)
		}
	}
	if err := tx.DeleteTransactions(ctx, conn.WorkspaceID, gone); err != nil {
		return Counts{}, err
	}
	deleted := len(gone)
	us, err := tx.UpsertStored(ctx, conn.WorkspaceID, writes, stored)
	if err != nil {
		return Counts{}, err
	}
	if err := tx.SetProjectedDigests(ctx, conn.WorkspaceID, conn.ID, changed); err != nil {
		return Counts{}, err
	}
	return Counts{Created: us.Created, Updated: us.Updated, Unchanged: us.Unchanged + unchanged, Deleted: deleted}, nil
}

func (im *Importer) today() time.Time {
	now := im.Now().UTC()
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

// categoryRates are the rates of order-mode estimates (none in subtags mode).
func categoryRates(ctx context.Context, tx *store.Tx, conn store.Connection, st settings) (lifecycle.CategoryRates, error) {
	if st.mode != lifecycle.ModeOrders {
		return nil, nil
	}
	sums, err := tx.CategoryFeeSums(ctx, conn.ID)
	if err != nil {
		return nil, err
	}
	return lifecycle.RatesOf(sums), nil
}
