package importer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/money"
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
	paid   map[string]string // month → payment id
	ids    map[string]int    // upsert key → line, to refuse a transaction given twice
	counts map[[32]byte]int  // rows without id: occurrences of equal rows, so two equal lines stay two transactions
	batch  []store.TxWrite
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
		run.custom = &customRun{paid: paid, ids: map[string]int{}, counts: map[[32]byte]int{}}
	}
	cr := run.custom
	return eachRow(t, run, func(row reportfile.Row) error {
		x, err := customTransaction(t, row, conn, st, cr)
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

// customTransaction reads one row of SPEC §4.4.
func customTransaction(t *reportfile.Table, row reportfile.Row, conn store.Connection, st settings, cr *customRun) (model.Transaction, error) {
	c := &cells{t: t, row: row}
	x := model.Transaction{ConnectionID: conn.ID, Network: conn.Network, Program: firstOf(c.str("program"), st.program),
		Channel: c.str("channel"), Customs: []string{}, Quantity: 1}
	x.ClickedAt = c.time("clicked", st.dayFirst)
	c.required("sold")
	if sold := c.time("sold", st.dayFirst); sold != nil {
		x.SoldAt = *sold
	}
	x.Currency = c.currency("currency", st.currency)
	c.required("revenue")
	x.Commission, _ = c.amount("revenue", x.Currency, st.decimal)
	x.SaleAmount, _ = c.amount("price", x.Currency, st.decimal)
	if v, n, _ := row.Get("quantity"); v != "" && c.err == nil {
		q, err := money.ParseMinor(v, 0, money.HintNone)
		if err != nil {
			c.fail(n, "%s %q is not a whole number", row.Header("quantity"), v)
		}
		x.Quantity = q
	}
	x.Status, x.NetworkStatus = model.StatusPending, "pending"
	if v, n, _ := row.Get("status"); v != "" {
		s, ok := custom.Status(v)
		if !ok {
			c.fail(n, "%s %q: want pending, confirmed or declined", row.Header("status"), v)
		}
		x.Status, x.NetworkStatus = s, strings.ToLower(v)
	}
	for _, col := range []string{"custom_1", "custom_2"} {
		if v := c.str(col); v != "" {
			x.Customs = append(x.Customs, v)
		}
	}
	if c.err != nil {
		return x, c.err
	}
	if id := c.str("id"); id != "" {
		x.SourceKey, x.OrderRef = "id:"+id, &id
	} else {
		// No id: the row's values are its identity, the status aside (a
		// later export of the same sale with a new status updates it), and
		// equal rows of one file are told apart by their occurrence.
		clicked := ""
		if x.ClickedAt != nil {
			clicked = x.ClickedAt.Format(time.RFC3339Nano)
		}
		sum := sha256.Sum256([]byte(strings.Join([]string{clicked, x.SoldAt.Format(time.RFC3339Nano), x.Currency,
			strconv.FormatInt(x.Commission, 10), strconv.FormatInt(x.SaleAmount, 10), strconv.FormatInt(x.Quantity, 10),
			x.Program, x.Channel, strings.Join(x.Customs, "\x1f")}, "\x1e")))
		cr.counts[sum]++
		x.SourceKey = "row:" + hex.EncodeToString(sum[:16]) + "#" + strconv.Itoa(cr.counts[sum])
	}
	x.ID = model.TransactionID(conn.ID, x.SourceKey)
	return x, nil
}

// flushCustom upserts the buffered rows, each change with its history reason.
func (im *Importer) flushCustom(ctx context.Context, tx *store.Tx, conn store.Connection, run *fileRun) error {
	cr := run.custom
	if cr == nil || len(cr.batch) == 0 {
		return nil
	}
	for i := range cr.batch {
		x := cr.batch[i].Tx
		cr.batch[i].Explain = func(prev model.Transaction) string { return customReason(prev, x) }
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

// customReason says why a custom transaction changed: its new status, else
// what moved.
func customReason(old, new model.Transaction) string {
	switch {
	case old.Status != new.Status:
		return string(new.Status)
	case old.SaleAmount != new.SaleAmount || old.Commission != new.Commission:
		return "amount changed"
	case old.Paid != new.Paid || old.PaymentID != new.PaymentID:
		return "paid"
	}
	return "updated"
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
	stored, err := tx.TransactionIDsOfGroups(ctx, conn.ID, groups)
	if err != nil {
		return err
	}
	txs, err := tx.TransactionsByID(ctx, conn.WorkspaceID, sortedKeys(stored))
	if err != nil {
		return err
	}
	var writes []store.TxWrite
	for _, id := range sortedKeys(txs) {
		x := txs[id]
		x.Paid, x.PaymentID = false, ""
		if p, ok := paid[x.SoldAt.UTC().Format("2006-01")]; ok {
			x.Paid, x.PaymentID = true, p
		}
		if x.Paid != txs[id].Paid || x.PaymentID != txs[id].PaymentID {
			writes = append(writes, store.TxWrite{Tx: x, Group: customMonthGroup(x.SoldAt), Reason: "paid", Source: "payments"})
		}
	}
	us, err := tx.UpsertTransactions(ctx, conn.WorkspaceID, writes)
	if err != nil {
		return err
	}
	run.sum.Transactions.Updated += us.Updated
	return nil
}
