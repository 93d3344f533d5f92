package importer

import (
	"context"
	"strconv"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/network/custom"
	"github.com/affsync/affsync/internal/reportfile"
	"github.com/affsync/affsync/internal/store"
)

// A custom network (SPEC §4.4) has no report facts: its file is the truth
// of each transaction, upserted by id, so a re-import changes nothing and a
// changed row (a new status) updates its transaction with history.

// customBatch is how many rows are upserted at a time.
const customBatch = 500

// customRun is the state of reading custom transactions within one file.
type customRun struct {
	paid  map[string]string // month → payment id
	ids   map[string]int    // upsert key → line, to refuse a transaction given twice
	rows  *custom.Rows      // the file's rows as transactions
	batch []store.TxWrite
}

// customMonthGroup is the group key of a custom transaction (custom.MonthGroup).
func customMonthGroup(soldAt time.Time) string { return custom.MonthGroup(soldAt) }

func (im *Importer) readCustom(ctx context.Context, tx *store.Tx, conn store.Connection, st settings, t *reportfile.Table, run *fileRun) error {
	if err := needColumns(t, "a custom transactions file (SPEC §4.4)", "sold", "revenue"); err != nil {
		return err
	}
	if run.custom == nil {
		paid, err := paidMonthsOf(ctx, tx, conn)
		if err != nil {
			return err
		}
		run.custom = &customRun{paid: paid, ids: map[string]int{}, rows: custom.NewRows(conn.ID, conn.Network, st.conn.Rules())}
	}
	cr := run.custom
	return eachRow(t, run, func(row reportfile.Row) error {
		x, err := cr.rows.Transaction(t, row)
		if err != nil {
			return err
		}
		if first, dup := cr.ids[x.SourceKey]; dup {
			return &reportfile.Error{File: t.Name, Line: row.Line, Column: row.Column("id"),
				Msg: "id " + strconv.Quote(*x.OrderRef) + " is already on line " + strconv.Itoa(first) + " of this file"}
		}
		cr.ids[x.SourceKey] = row.Line
		x.Paid, x.PaymentID = false, ""
		if id, ok := cr.paid[x.SoldAt.Format("2006-01")]; ok {
			x.Paid, x.PaymentID = true, id
		}
		cr.batch = append(cr.batch, store.TxWrite{Tx: x, Group: customMonthGroup(x.SoldAt), Source: sourceOf(t, row)})
		if len(cr.batch) >= customBatch {
			if err := im.flushCustom(ctx, tx, conn, run); err != nil {
				return err
			}
		}
		return nil
	})
}

// flushCustom upserts the buffered rows, each change with its history reason.
func (im *Importer) flushCustom(ctx context.Context, tx *store.Tx, conn store.Connection, run *fileRun) error {
	cr := run.custom
	if cr == nil || len(cr.batch) == 0 {
		return nil
	}
	for i := range cr.batch {
		x := cr.batch[i].Tx
		cr.batch[i].Explain = func(prev model.Transaction) string { return custom.Reason(prev, x) }
	}
	us, err := tx.UpsertTransactions(ctx, conn.WorkspaceID, cr.batch)
	cr.batch = cr.batch[:0]
	if err != nil {
		return err
	}
	run.sum.Transactions.Created += us.Created
	run.sum.Transactions.Updated += us.Updated
	run.sum.Transactions.Unchanged += us.Unchanged
	return nil
}

// finishCustom writes the last rows, then sets the paid flag of the custom
// transactions sold in months whose payment changed.
func (im *Importer) finishCustom(ctx context.Context, tx *store.Tx, conn store.Connection, st settings, run *fileRun) error {
	if err := im.flushCustom(ctx, tx, conn, run); err != nil {
		return err
	}
	if len(run.paidChanged) == 0 {
		return nil
	}
	paid, err := paidMonthsOf(ctx, tx, conn)
	if err != nil {
		return err
	}
	var groups []string
	for _, m := range sortedKeys(run.paidChanged) {
		groups = append(groups, "m:"+m)
	}
	stored, err := tx.TransactionsOfGroups(ctx, conn.WorkspaceID, conn.ID, groups)
	if err != nil {
		return err
	}
	var writes []store.TxWrite
	for _, id := range sortedKeys(stored.Groups()) {
		before, err := stored.Transaction(id)
		if err != nil {
			return err
		}
		x := before
		x.Paid, x.PaymentID = false, ""
		if p, ok := paid[x.SoldAt.UTC().Format("2006-01")]; ok {
			x.Paid, x.PaymentID = true, p
		}
		if x.Paid != before.Paid || x.PaymentID != before.PaymentID {
			writes = append(writes, store.TxWrite{Tx: x, Group: customMonthGroup(x.SoldAt), Reason: "paid", Source: "payments"})
		}
	}
	us, err := tx.UpsertStored(ctx, conn.WorkspaceID, writes, stored)
	if err != nil {
		return err
	}
	run.sum.Transactions.Updated += us.Updated
	return nil
}
