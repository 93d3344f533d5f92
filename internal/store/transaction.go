package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/wire"
)

// TxWrite is one projected transaction to store, with why it looks as it does.
type TxWrite struct {
	Tx     model.Transaction
	Group  string // the projection group it came from (lifecycle.GroupKey)
	Reason string // history reason when it changed ("shipped", "returned", …)
	// Explain, when set, works the reason out from the stored row the write
	// changes, so a caller need not read that row first (the upsert has it).
	Explain func(prev model.Transaction) string
	Source  string // the fact behind it, "file:line", or "daily pass"
}

// UpsertStats counts what an upsert did.
type UpsertStats struct {
	Created, Updated, Unchanged int
}

// UpsertTransactions stores a batch: new transactions are inserted, changed
// ones updated with one history entry each, identical ones left alone (no
// write, no history), so storing the same batch twice changes nothing. Each
// insert and update queues a transaction.created or transaction.updated
// event for the workspace's subscribed webhooks, in the same transaction.
func (s *Store) UpsertTransactions(ctx context.Context, workspaceID string, batch []TxWrite) (UpsertStats, error) {
	var st UpsertStats
	err := s.Write(ctx, func(tx *Tx) error {
		var err error
		st, err = tx.UpsertTransactions(ctx, workspaceID, batch)
		return err
	})
	return st, err
}

// UpsertTransactions is the in-transaction form, for callers (an import) that
// write more in the same transaction. The groups it writes lose their
// projection digests (ProjectedDigests): what is stored for them is no
// longer what the projection last stored.
func (t *Tx) UpsertTransactions(ctx context.Context, workspaceID string, batch []TxWrite) (UpsertStats, error) {
	if err := t.forgetProjected(ctx, workspaceID, batch); err != nil {
		return UpsertStats{}, err
	}
	return t.upsert(ctx, workspaceID, batch, nil)
}

// UpsertStored is UpsertTransactions for a batch whose stored rows the
// caller has read already (TransactionsOfGroups): only the ids it does not
// hold (new ones, a removed one coming back, or one stored by another
// group) are looked up, and of those not the ones surely new (newids.go).
func (t *Tx) UpsertStored(ctx context.Context, workspaceID string, batch []TxWrite, stored StoredTransactions) (UpsertStats, error) {
	return t.upsert(ctx, workspaceID, batch, stored.rows)
}

func (t *Tx) upsert(ctx context.Context, workspaceID string, batch []TxWrite, known map[string]txWithSeq) (UpsertStats, error) {
	var st UpsertStats
	if len(batch) == 0 {
		return st, nil
	}
	// Lock the workspace's sequence first: writers of one workspace queue here,
	// so sequence numbers become visible in order and keyset cursors never skip.
	seq, err := t.lockSequence(ctx, workspaceID)
	if err != nil {
		return st, err
	}
	ids := make([]string, 0, len(batch))
	for i := range batch {
		if batch[i].Tx.ID == "" {
			batch[i].Tx.ID = model.TransactionID(batch[i].Tx.ConnectionID, batch[i].Tx.SourceKey)
		}
		if _, ok := known[batch[i].Tx.ID]; ok {
			continue
		}
		if isNew, err := t.surelyNew(ctx, batch[i].Tx); err != nil {
			return st, err
		} else if !isNew {
			ids = append(ids, batch[i].Tx.ID)
		}
	}
	existing, err := t.transactionsByID(ctx, workspaceID, ids)
	if err != nil {
		return st, err
	}
	for id, x := range known {
		existing[id] = x
	}
	t.touchTransactions(workspaceID, batch, existing)
	subs, err := t.subscribers(ctx, workspaceID)
	if err != nil {
		return st, err
	}
	now := time.Now().UTC().Truncate(time.Microsecond) // as stored, so events and reads agree
	events := &eventQueue{t: t, workspaceID: workspaceID, subs: subs, now: now}
	var inserts []pendingInsert
	var updates pendingUpdates
	for _, w := range batch {
		old, ok := existing[w.Tx.ID]
		if !ok {
			seq++
			w.Tx.WorkspaceID = workspaceID
			w.Tx.CreatedAt, w.Tx.UpdatedAt = now, now
			inserts = append(inserts, pendingInsert{w, seq})
			existing[w.Tx.ID] = txWithSeq{Transaction: w.Tx, seq: seq, updateSeq: seq} // a duplicate later in the batch becomes an update
			st.Created++
			if err := events.addTransaction(ctx, wire.EventTransactionCreated, w.Tx, nil); err != nil {
				return st, err
			}
			continue
		}
		if old.itemsJSON != nil {
			if encodeItems(w.Tx.Items) == *old.itemsJSON {
				old.Items, old.itemsJSON = w.Tx.Items, nil // the same items: nothing to decode
			} else if err := old.decodedItems(); err != nil {
				return st, err
			}
		}
		changes := model.TransactionChanges(old.Transaction, w.Tx)
		if len(changes) == 0 {
			st.Unchanged++
			continue
		}
		if w.Explain != nil {
			w.Reason = w.Explain(old.Transaction)
		}
		seq++
		w.Tx.WorkspaceID = workspaceID
		w.Tx.CreatedAt, w.Tx.UpdatedAt = old.CreatedAt, now
		if err := t.updateTransaction(ctx, w, old.Transaction, old.seq, seq, changes, now, &updates); err != nil {
			return st, err
		}
		existing[w.Tx.ID] = txWithSeq{Transaction: w.Tx, seq: old.seq, updateSeq: seq}
		st.Updated++
		if err := events.addTransaction(ctx, wire.EventTransactionUpdated, w.Tx, changes); err != nil {
			return st, err
		}
	}
	if err := events.done(ctx); err != nil {
		return st, err
	}
	if err := t.insertTransactions(ctx, inserts); err != nil {
		return st, err
	}
	if err := t.writeUpdates(ctx, &updates); err != nil {
		return st, err
	}
	if len(inserts) > 0 {
		back := make([]string, len(inserts))
		for i, p := range inserts {
			back[i] = p.Tx.ID
		}
		if err := t.dropTombstones(ctx, workspaceID, back); err != nil {
			return st, err
		}
	}
	if err := t.setSequence(ctx, workspaceID, seq); err != nil {
		return st, err
	}
	return st, nil
}

// pendingInsert is a new transaction with the sequence number reserved for it.
type pendingInsert struct {
	TxWrite
	seq int64
}

type txWithSeq struct {
	model.Transaction
	seq, updateSeq int64
	// itemsJSON, when set, is the items column as stored, not decoded yet
	// (Items is nil until decodeItems): most re-projected transactions
	// come out with the same items, which their encoding tells (upsert).
	itemsJSON *string
}

// decodedItems decodes the items that TransactionsOfGroups left as stored.
func (x *txWithSeq) decodedItems() error {
	if x.itemsJSON == nil {
		return nil
	}
	items, err := decodeItems(*x.itemsJSON)
	if err != nil {
		return fmt.Errorf("transaction %s items: %w", x.ID, err)
	}
	x.Items, x.itemsJSON = items, nil
	return nil
}

func (t *Tx) lockSequence(ctx context.Context, workspaceID string) (int64, error) {
	var seq int64
	q := `SELECT tx_seq FROM workspaces WHERE id = $1`
	if t.s.dialect == Postgres {
		// NO KEY UPDATE: writers queue here, yet inserts that reference the
		// workspace (their foreign key takes KEY SHARE) are not blocked, so
		// two imports cannot deadlock on it.
		q += ` FOR NO KEY UPDATE`
	}
	if err := t.queryRow(ctx, q, workspaceID).Scan(&seq); err != nil {
		return 0, notFound(err, "workspace")
	}
	return seq, nil
}

func (t *Tx) setSequence(ctx context.Context, workspaceID string, seq int64) error {
	_, err := t.exec(ctx, `UPDATE workspaces SET tx_seq = $1 WHERE id = $2`, seq, workspaceID)
	if err != nil {
		return fmt.Errorf("advance sequence: %w", err)
	}
	return nil
}

var txInsertColumns = []string{"id", "workspace_id", "connection_id", "network", "source_key", "group_key", "program", "channel",
	"customs", "order_ref", "status", "network_status", "status_reason", "paid", "payment_id", "currency", "sale_amount",
	"commission", "commission_estimated", "quantity", "clicked_at", "sold_at", "checked_at", "created_at", "updated_at",
	"seq", "update_seq", "items"}

// insertTransactions writes new transactions with multi-row INSERTs.
func (t *Tx) insertTransactions(ctx context.Context, ins []pendingInsert) error {
	if len(ins) == 0 {
		return nil
	}
	txRows := make([][]any, 0, len(ins))
	var custRows [][]any
	// created_at and updated_at: the upsert's one instant, formatted once.
	var stamp struct {
		at time.Time
		v  any
	}
	ts := func(at time.Time) any {
		if stamp.v == nil || !at.Equal(stamp.at) {
			stamp.at, stamp.v = at, t.s.ts(at)
		}
		return stamp.v
	}
	for i, p := range ins {
		x := p.Tx
		if i == 0 || x.ConnectionID != ins[i-1].Tx.ConnectionID || x.WorkspaceID != ins[i-1].Tx.WorkspaceID {
			if err := t.checkConnection(ctx, x.WorkspaceID, x.ConnectionID); err != nil {
				return fmt.Errorf("insert transactions: %w", err)
			}
		}
		customs, err := jsonText(nonNil(x.Customs))
		if err != nil {
			return err
		}
		txRows = append(txRows, []any{x.ID, x.WorkspaceID, x.ConnectionID, x.Network, x.SourceKey, p.Group, x.Program, x.Channel,
			customs, x.OrderRef, string(x.Status), x.NetworkStatus, x.StatusReason, x.Paid, x.PaymentID, x.Currency, x.SaleAmount,
			x.Commission, x.CommissionEstimated, x.Quantity, t.s.tsp(x.ClickedAt), t.s.ts(x.SoldAt), t.s.tsp(x.CheckedAt),
			ts(x.CreatedAt), ts(x.UpdatedAt), p.seq, p.seq, encodeItems(x.Items)})
		custRows = customRows(custRows, x, p.seq, p.seq)
		t.inserted(x)
	}
	t.grew("transactions", len(txRows))
	t.grew("transaction_customs", len(custRows))
	if err := t.insertRows(ctx, "transactions", txInsertColumns, txRows); err != nil {
		return fmt.Errorf("insert transactions: %w", err)
	}
	if err := t.insertRows(ctx, "transaction_customs", customColumns, custRows); err != nil {
		return fmt.Errorf("insert transaction customs: %w", err)
	}
	return nil
}

// updateTransaction rewrites a stored transaction's row (prev: as it is
// stored); its customs rows and its history entry wait in pu for the end of
// the batch (writeUpdates).
func (t *Tx) updateTransaction(ctx context.Context, w TxWrite, prev model.Transaction, seq, updateSeq int64, changes []model.Change,
	now time.Time, pu *pendingUpdates) error {
	x := w.Tx
	customs, err := jsonText(nonNil(x.Customs))
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `UPDATE transactions SET group_key = $1, program = $2, channel = $3, customs = $4, order_ref = $5,
		status = $6, network_status = $7, status_reason = $8, paid = $9, payment_id = $10, currency = $11, sale_amount = $12,
		commission = $13, commission_estimated = $14, quantity = $15, clicked_at = $16, sold_at = $17, checked_at = $18,
		updated_at = $19, update_seq = $20, items = $21 WHERE id = $22 AND workspace_id = $23`,
		w.Group, x.Program, x.Channel, customs, x.OrderRef, string(x.Status), x.NetworkStatus, x.StatusReason, x.Paid, x.PaymentID,
		x.Currency, x.SaleAmount, x.Commission, x.CommissionEstimated, x.Quantity, t.s.tsp(x.ClickedAt), t.s.ts(x.SoldAt),
		t.s.tsp(x.CheckedAt), t.s.ts(now), updateSeq, encodeItems(x.Items), x.ID, x.WorkspaceID)
	if err != nil {
		return fmt.Errorf("update transaction %s: %w", x.ID, err)
	}
	body, err := jsonText(changes)
	if err != nil {
		return err
	}
	if pu.customs == nil {
		pu.customs = map[string][][]any{}
	}
	if _, again := pu.customs[x.ID]; !again {
		pu.ids = append(pu.ids, x.ID)
		pu.stored = customRows(pu.stored, prev, seq, 0)
	}
	pu.customs[x.ID] = customRows(nil, x, seq, updateSeq)
	pu.history = append(pu.history, []any{x.WorkspaceID, x.ID, t.s.ts(now), body, w.Reason, w.Source})
	return nil
}

// pendingUpdates is what the updates of one batch write besides their
// rows, in a few statements once the batch is done rather than three or
// four per update: each one's customs rows, rewritten at its new place in
// the update order, and its history entry.
type pendingUpdates struct {
	ids     []string           // the updated transactions, once each, in order
	stored  [][]any            // their customs rows as stored before the batch
	customs map[string][][]any // id → its customs rows as its last update left them
	history [][]any
}

var historyColumns = []string{"workspace_id", "transaction_id", "at", "changes", "reason", "source"}

// writeUpdates writes what the updates of a batch left in pu.
func (t *Tx) writeUpdates(ctx context.Context, pu *pendingUpdates) error {
	// Each row by its key (migration 00013: no index on transaction_id),
	// a few hundred keys a statement.
	for chunk := range slices.Chunk(pu.stored, 200) {
		var or []string
		var args sqlArgs
		for _, r := range chunk { // workspace_id, custom, transaction_id, seq, update_seq
			or = append(or, "(workspace_id = "+args.bind(r[0])+" AND custom = "+args.bind(r[1])+" AND seq = "+args.bind(r[3])+
				" AND transaction_id = "+args.bind(r[2])+")")
		}
		if _, err := t.exec(ctx, `DELETE FROM transaction_customs WHERE `+strings.Join(or, " OR "), args...); err != nil {
			return fmt.Errorf("move customs: %w", err)
		}
	}
	var customs [][]any
	for _, id := range pu.ids {
		customs = append(customs, pu.customs[id]...)
	}
	if err := t.insertRows(ctx, "transaction_customs", customColumns, customs); err != nil {
		return fmt.Errorf("move customs: %w", err)
	}
	if err := t.insertRows(ctx, "transaction_history", historyColumns, pu.history); err != nil {
		return fmt.Errorf("write history: %w", err)
	}
	return nil
}

const txColumns = `t.id, t.workspace_id, t.connection_id, t.network, t.source_key, t.program, t.channel, t.customs, t.order_ref,
	t.status, t.network_status, t.status_reason, t.paid, t.payment_id, t.currency, t.sale_amount, t.commission,
	t.commission_estimated, t.quantity, t.clicked_at, t.sold_at, t.checked_at, t.created_at, t.updated_at, t.seq, t.update_seq`

func scanTransaction(r rowScanner) (txWithSeq, error) {
	var x txWithSeq
	var customs, status string
	var orderRef *string
	var clicked, sold, checked, created, updated scanTime
	err := r.Scan(&x.ID, &x.WorkspaceID, &x.ConnectionID, &x.Network, &x.SourceKey, &x.Program, &x.Channel, &customs, &orderRef,
		&status, &x.NetworkStatus, &x.StatusReason, &x.Paid, &x.PaymentID, &x.Currency, &x.SaleAmount, &x.Commission,
		&x.CommissionEstimated, &x.Quantity, &clicked, &sold, &checked, &created, &updated, &x.seq, &x.updateSeq)
	if err != nil {
		return x, notFound(err, "transaction")
	}
	if err := json.Unmarshal([]byte(customs), &x.Customs); err != nil {
		return x, fmt.Errorf("transaction %s customs: %w", x.ID, err)
	}
	x.Status, x.OrderRef = model.Status(status), orderRef
	x.ClickedAt, x.SoldAt, x.CheckedAt, x.CreatedAt, x.UpdatedAt = clicked.ptr(), sold.T, checked.ptr(), created.T, updated.T
	return x, nil
}

// transactionsByID loads transactions with their items, in chunks.
func (t *Tx) transactionsByID(ctx context.Context, workspaceID string, ids []string) (map[string]txWithSeq, error) {
	if err := t.freshStats(ctx, "transactions"); err != nil {
		return nil, err
	}
	t.s.probed.Add(int64(len(ids)))
	out := make(map[string]txWithSeq, len(ids))
	for chunk := range listChunks(t.s.dialect, ids) {
		// By primary key alone: with the workspace in the WHERE clause too,
		// planners may walk the workspace's index instead, for every chunk.
		var args sqlArgs
		q := `SELECT ` + txColumns + `, ` + itemsColumn + ` FROM transactions t WHERE ` + inList(t.s.dialect, &args, "t.id", chunk)
		rows, err := t.query(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("load transactions: %w", err)
		}
		list, err := collect(rows, scanTransactionWithItems)
		if err != nil {
			return nil, err
		}
		for _, x := range list {
			if x.WorkspaceID != workspaceID {
				return nil, fmt.Errorf("transaction %s belongs to another workspace", x.ID)
			}
			out[x.ID] = x
		}
	}
	return out, nil
}

// Transaction reads one transaction of a workspace with its items; one
// removed answers ErrDeleted while its tombstone is kept.
func (s *Store) Transaction(ctx context.Context, workspaceID, id string) (model.Transaction, error) {
	x, err := scanTransactionWithItems(s.read.QueryRowContext(ctx,
		`SELECT `+txColumns+`, `+itemsColumn+` FROM transactions t WHERE t.id = $1 AND t.workspace_id = $2`, id, workspaceID))
	if err != nil {
		return model.Transaction{}, s.tombstoned(ctx, workspaceID, id, err)
	}
	return x.Transaction, nil
}

// TransactionHistory lists a transaction's changes, oldest first.
func (s *Store) TransactionHistory(ctx context.Context, workspaceID, id string) ([]model.HistoryEntry, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, at, changes, reason, source FROM transaction_history
		WHERE transaction_id = $1 AND workspace_id = $2 ORDER BY id`, id, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("read history: %w", err)
	}
	return collect(rows, func(r rowScanner) (model.HistoryEntry, error) {
		var h model.HistoryEntry
		var at scanTime
		var changes string
		if err := r.Scan(&h.ID, &at, &changes, &h.Reason, &h.Source); err != nil {
			return h, fmt.Errorf("read history: %w", err)
		}
		h.At = at.T
		return h, json.Unmarshal([]byte(changes), &h.Changes)
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func uniqueStrings(xs []string) []string {
	seen := make(map[string]bool, len(xs))
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// placeholders renders n parameters numbered from "from", the values of a
// row of a multi-row INSERT (insertSQL): "$2, $3, …" on PostgreSQL. SQLite
// gets plain "?" (numbered on from the highest before it): its lookup of
// "$N" names is linear, which made statements of thousands of parameters
// quadratic. Lookup lists are inList's.
func placeholders(d Dialect, from, n int) string {
	if d == SQLite {
		return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
	}
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}
