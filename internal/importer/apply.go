package importer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/ingest"
	"github.com/affsync/affsync/internal/lifecycle"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/network/amazon"
	"github.com/affsync/affsync/internal/store"
)

// factBatch is how many facts are buffered before one multi-row INSERT.
const factBatch = 2000

// groupBatch is how many projection groups are projected at a time, so
// memory stays flat however large the file.
const groupBatch = 1000

// coverage is the days one report of a file covers.
type coverage struct {
	report   model.ReportType
	priority int
	from, to time.Time
}

// apply reads one file into facts and projects what they touched, inside tx.
func (im *Importer) apply(ctx context.Context, tx *store.Tx, conn store.Connection, f File, sum *Summary, progress Progress) error {
	st, err := connectionSettings(conn)
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

	var covers []coverage
	var types []string
	buf := make([]store.GroupedFact, 0, factBatch)
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		err := tx.InsertFacts(ctx, conn.WorkspaceID, fileID, buf)
		buf = buf[:0]
		return err
	}
	opts := amazon.NormaliseOptions{ConnectionID: conn.ID, Marketplace: st.marketplace, TrackingID: st.trackingID}
	err = ingest.Open(f.Name, cr, im.Limits, func(t *ingest.Table) error {
		var lo, hi time.Time
		stats, err := amazon.Normalise(t, opts, func(fact model.Fact) error {
			fact.File = f.Name
			if lo.IsZero() || fact.Day.Before(lo) {
				lo = fact.Day
			}
			if fact.Day.After(hi) {
				hi = fact.Day
			}
			buf = append(buf, store.GroupedFact{Fact: fact, Group: lifecycle.GroupKey(fact, st.mode)})
			if len(buf) == factBatch {
				return flush()
			}
			return nil
		})
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
		types = append(types, string(t.Report))
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
		covers = append(covers, coverage{report: t.Report, priority: priority(t), from: from, to: to})
		return nil
	})
	if err != nil {
		return err
	}
	if err := flush(); err != nil {
		return err
	}
	slices.Sort(types)
	if err := tx.FinishFile(ctx, fileID, sum.Rows, strings.Join(slices.Compact(types), ",")); err != nil {
		return err
	}
	for _, c := range covers {
		if err := tx.CoverDays(ctx, conn.ID, c.report, fileID, c.priority, c.from, c.to); err != nil {
			return err
		}
	}
	if err := im.project(ctx, tx, conn, st, covers, ratesBefore, sum); err != nil {
		return err
	}
	// Inquiries waiting for a transaction this file brought are matched in
	// the same commit, so no reader sees the one without the other.
	_, err = tx.MatchInquiries(ctx, conn.WorkspaceID, conn.ID, im.Now())
	return err
}

// priority orders versions of one day's report: -subtags over plain, then
// TSV (or CSV, XLSX) over XML.
func priority(t *ingest.Table) int {
	p := 0
	if t.Subtags {
		p += 2
	}
	if t.Format != "xml" {
		p++
	}
	return p
}

// project recomputes the transactions, revenues and clicks that the covered
// days may have changed.
func (im *Importer) project(ctx context.Context, tx *store.Tx, conn store.Connection, st settings, covers []coverage,
	ratesBefore lifecycle.CategoryRates, sum *Summary) error {
	var ranges []store.DayRange
	for _, c := range covers {
		ranges = append(ranges, store.DayRange{Report: c.report, From: c.from, To: c.to})
		switch c.report {
		case model.ReportEarnings, model.ReportBounty:
			if err := tx.ProjectRevenues(ctx, conn.WorkspaceID, conn.ID, c.from, c.to); err != nil {
				return err
			}
		case model.ReportTracking:
			if err := tx.ProjectClicks(ctx, conn.WorkspaceID, conn.ID, c.from, c.to); err != nil {
				return err
			}
		}
	}
	rates, err := categoryRates(ctx, tx, conn, st)
	if err != nil {
		return err
	}
	// A category whose rate moved changes the estimate of its orders not
	// shipped yet: only those are projected again, not every order.
	var moved []string
	for _, c := range sortedKeys(rates) {
		if rates[c] != ratesBefore[c] {
			moved = append(moved, c)
		}
	}
	for _, c := range sortedKeys(ratesBefore) {
		if _, ok := rates[c]; !ok {
			moved = append(moved, c)
		}
	}
	orderGroups, err := tx.UnshippedOrderGroups(ctx, conn.ID, moved)
	if err != nil {
		return err
	}
	seen := seenNames{channels: map[string]bool{}, programs: map[string]bool{}}
	add := func(c Counts) {
		sum.Transactions.Created += c.Created
		sum.Transactions.Updated += c.Updated
		sum.Transactions.Unchanged += c.Unchanged
		sum.Transactions.Deleted += c.Deleted
	}
	// The groups on the covered days, a batch at a time, then the order
	// groups whose estimates may have moved (projecting a group twice is
	// harmless: the second time changes nothing).
	for after := ""; ; {
		batch, err := tx.GroupsOnDays(ctx, conn.ID, ranges, after, groupBatch)
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		counts, err := im.projectGroups(ctx, tx, conn, st, batch, rates, seen)
		if err != nil {
			return err
		}
		add(counts)
		after = batch[len(batch)-1]
	}
	for start := 0; start < len(orderGroups); start += groupBatch {
		counts, err := im.projectGroups(ctx, tx, conn, st, orderGroups[start:min(start+groupBatch, len(orderGroups))], rates, seen)
		if err != nil {
			return err
		}
		add(Counts{Created: counts.Created, Updated: counts.Updated, Deleted: counts.Deleted})
	}
	if err := tx.EnsureChannels(ctx, conn.WorkspaceID, conn.ID, sortedKeys(seen.channels)); err != nil {
		return err
	}
	for _, p := range sortedKeys(seen.programs) {
		if err := tx.SetProgramStatus(ctx, conn.WorkspaceID, conn.ID, p, "active", "reports received"); err != nil {
			return err
		}
	}
	return nil
}

// seenNames gathers the channels and programs of projected transactions.
type seenNames struct {
	channels map[string]bool
	programs map[string]bool
}

// projectGroups projects whole groups and stores the result.
func (im *Importer) projectGroups(ctx context.Context, tx *store.Tx, conn store.Connection, st settings, groups []string,
	rates lifecycle.CategoryRates, seen seenNames) (Counts, error) {
	facts, err := tx.ActiveFactsOfGroups(ctx, conn.ID, groups)
	if err != nil {
		return Counts{}, err
	}
	plain := make([]model.Fact, len(facts))
	for i, g := range facts {
		plain[i] = g.Fact
	}
	ls := lifecycle.Settings{WorkspaceID: conn.WorkspaceID, ConnectionID: conn.ID, Network: conn.Network, Mode: st.mode,
		ReturnWindowDays: st.returnDays}
	projected := lifecycle.Project(plain, ls, im.today(), rates)

	var subtags []string
	for _, p := range projected {
		subtags = append(subtags, p.Tx.Customs...)
	}
	appCustoms, err := tx.CustomsForSubtags(ctx, conn.WorkspaceID, subtags)
	if err != nil {
		return Counts{}, err
	}
	ids := make([]string, 0, len(projected))
	for i := range projected {
		ids = append(ids, projected[i].Tx.ID)
	}
	stored, err := tx.TransactionIDsOfGroups(ctx, conn.ID, groups)
	if err != nil {
		return Counts{}, err
	}
	old, err := tx.TransactionsByID(ctx, conn.WorkspaceID, append(ids, sortedKeys(stored)...))
	if err != nil {
		return Counts{}, err
	}
	writes := make([]store.TxWrite, 0, len(projected))
	live := map[string]bool{}
	for _, p := range projected {
		x := p.Tx
		for _, c := range x.Customs {
			if app, ok := appCustoms[c]; ok && !slices.Contains(x.Customs, app) {
				x.Customs = append(x.Customs, app)
			}
		}
		live[x.ID] = true
		reason, source := "created", p.Source
		if prev, ok := old[x.ID]; ok {
			_, reason = lifecycle.Diff(prev, x)
		}
		writes = append(writes, store.TxWrite{Tx: x, Group: p.Group, Reason: reason, Source: source})
		seen.channels[x.Channel] = true
		seen.programs[x.Program] = true
	}
	// A stored transaction that its facts no longer make goes: a stand-alone
	// return that has found its sale, or rows a re-issued report dropped. The
	// facts stay; keeping the projection would make the store depend on the
	// order in which files arrived.
	var gone []string
	for _, id := range sortedKeys(stored) {
		if !live[id] {
			gone = append(gone, id)
		}
	}
	if err := tx.DeleteTransactions(ctx, conn.WorkspaceID, gone); err != nil {
		return Counts{}, err
	}
	deleted := len(gone)
	us, err := tx.UpsertTransactions(ctx, conn.WorkspaceID, writes)
	if err != nil {
		return Counts{}, err
	}
	return Counts{Created: us.Created, Updated: us.Updated, Unchanged: us.Unchanged, Deleted: deleted}, nil
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
