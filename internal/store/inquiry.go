package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Inquiry statuses: open → matched (automatically, when the transaction
// shows up) → accepted / rejected (by a person); open → expired (by the
// daily pass).
const (
	InquiryOpen     = "open"
	InquiryMatched  = "matched"
	InquiryAccepted = "accepted"
	InquiryRejected = "rejected"
	InquiryExpired  = "expired"
)

// The rules of the inquiry lifecycle.
const (
	// A transaction answers an inquiry when it carries the inquiry's custom
	// and was sold from MatchDaysBefore days before the order date to
	// MatchDaysAfter days after it (calendar days, inclusive): reports date
	// a sale by order or by shipment, and shipment may come weeks later.
	MatchDaysBefore = 3
	MatchDaysAfter  = 30
	// An inquiry still open this many days after it was made expires: by
	// then the network has reported whatever it ever will.
	ExpireAfterDays = 90
)

// inquiryMoves are the transitions allowed from each status.
var inquiryMoves = map[string][]string{
	InquiryOpen:    {InquiryMatched, InquiryAccepted, InquiryRejected, InquiryExpired},
	InquiryMatched: {InquiryAccepted, InquiryRejected},
}

// ErrConflict is a change the record's current state does not allow.
var ErrConflict = errors.New("conflict")

// TransitionError is a status change the lifecycle forbids; it is ErrConflict.
type TransitionError struct {
	What, From, To string
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("the %s is %s; it cannot become %s", e.What, e.From, e.To)
}

func (e *TransitionError) Is(target error) bool { return target == ErrConflict }

// Inquiry is a claim for a missing or wrong commission.
type Inquiry struct {
	ID             string
	WorkspaceID    string
	ConnectionID   string
	Custom         string
	OrderDate      time.Time
	Currency       string
	ExpectedAmount int64
	Note           string
	Status         string
	TransactionID  string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// InquiryChange is one status change of an inquiry.
type InquiryChange struct {
	At         time.Time
	FromStatus string
	ToStatus   string
	Reason     string
}

// CreateInquiry opens an inquiry at now and matches it at once when its
// transaction is already stored.
func (s *Store) CreateInquiry(ctx context.Context, in Inquiry, now time.Time) (Inquiry, error) {
	// Microseconds: what both engines keep, so the cursor of a list finds it again.
	now = now.UTC().Truncate(time.Microsecond)
	in.ID, in.Status, in.CreatedAt, in.UpdatedAt = newID("inq"), InquiryOpen, now, now
	err := s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO inquiries (id, workspace_id, connection_id, custom, order_date, currency,
			expected_amount, note, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			in.ID, in.WorkspaceID, nullString(in.ConnectionID), in.Custom, date(in.OrderDate), in.Currency, in.ExpectedAmount, in.Note,
			in.Status, s.ts(now), s.ts(now)); err != nil {
			return err
		}
		if err := tx.inquiryHistory(ctx, in.ID, now, "", InquiryOpen, "created"); err != nil {
			return err
		}
		_, err := tx.MatchInquiries(ctx, in.WorkspaceID, "", now)
		return err
	})
	if err != nil {
		return Inquiry{}, fmt.Errorf("create inquiry: %w", err)
	}
	return s.Inquiry(ctx, in.WorkspaceID, in.ID)
}

// MatchInquiries links each open inquiry of the workspace to a stored
// transaction that answers it (see MatchDaysBefore) and marks it matched.
// With connectionID, only that connection's transactions are looked at (an
// import of it ran). A transaction answers one inquiry: the oldest open one.
// Of several candidates, the one sold nearest the order date wins.
func (t *Tx) MatchInquiries(ctx context.Context, workspaceID, connectionID string, now time.Time) (int, error) {
	args := []any{workspaceID}
	q := `SELECT i.id, i.order_date, t.id, t.sold_at FROM inquiries i
		JOIN transaction_customs c ON c.workspace_id = i.workspace_id AND c.custom = i.custom
		JOIN transactions t ON t.id = c.transaction_id
		WHERE i.workspace_id = $1 AND i.status = 'open'
		  AND (i.connection_id IS NULL OR i.connection_id = t.connection_id)
		  AND NOT EXISTS (SELECT 1 FROM inquiries o WHERE o.workspace_id = $1 AND o.transaction_id = t.id)`
	if connectionID != "" {
		args = append(args, connectionID)
		q += ` AND t.connection_id = $2`
	}
	rows, err := t.query(ctx, q+` ORDER BY i.created_at, i.id, t.seq`, args...)
	if err != nil {
		return 0, fmt.Errorf("match inquiries: %w", err)
	}
	type candidate struct {
		inquiry, transaction string
		orderDate, soldAt    time.Time
	}
	cands, err := collect(rows, func(r rowScanner) (candidate, error) {
		var c candidate
		var order, sold scanTime
		err := r.Scan(&c.inquiry, &order, &c.transaction, &sold)
		c.orderDate, c.soldAt = order.T, sold.T
		return c, err
	})
	if err != nil {
		return 0, fmt.Errorf("match inquiries: %w", err)
	}
	taken := map[string]bool{}
	matched := 0
	for start := 0; start < len(cands); {
		end := start + 1
		for end < len(cands) && cands[end].inquiry == cands[start].inquiry {
			end++
		}
		var best *candidate
		var bestGap time.Duration
		for i := start; i < end; i++ {
			c := &cands[i]
			lo, hi := c.orderDate.AddDate(0, 0, -MatchDaysBefore), c.orderDate.AddDate(0, 0, MatchDaysAfter+1)
			if taken[c.transaction] || c.soldAt.Before(lo) || !c.soldAt.Before(hi) {
				continue
			}
			gap := c.soldAt.Sub(c.orderDate).Abs()
			if best == nil || gap < bestGap {
				best, bestGap = c, gap
			}
		}
		start = end
		if best == nil {
			continue
		}
		taken[best.transaction] = true
		reason := fmt.Sprintf("transaction %s carries the custom, sold %s", best.transaction, best.soldAt.Format(dateLayout))
		if err := t.moveInquiry(ctx, workspaceID, best.inquiry, InquiryOpen, InquiryMatched, best.transaction, reason, now); err != nil {
			return matched, err
		}
		matched++
	}
	return matched, nil
}

// DecideInquiry accepts or rejects an open or matched inquiry; note, when
// given, is the history's reason.
func (s *Store) DecideInquiry(ctx context.Context, workspaceID, id, status, note string, now time.Time) (Inquiry, error) {
	if status != InquiryAccepted && status != InquiryRejected {
		return Inquiry{}, fmt.Errorf("decide inquiry: status %q: want accepted or rejected", status)
	}
	if note == "" {
		note = status
	}
	err := s.Write(ctx, func(tx *Tx) error {
		var from string
		if err := tx.tx.QueryRowContext(ctx, `SELECT status FROM inquiries WHERE id = $1 AND workspace_id = $2`, id, workspaceID).Scan(&from); err != nil {
			return notFound(err, "inquiry")
		}
		return tx.moveInquiry(ctx, workspaceID, id, from, status, "", note, now)
	})
	if err != nil {
		return Inquiry{}, fmt.Errorf("decide inquiry: %w", err)
	}
	return s.Inquiry(ctx, workspaceID, id)
}

// ExpireInquiries closes the workspace's inquiries still open
// ExpireAfterDays after they were made.
func (s *Store) ExpireInquiries(ctx context.Context, workspaceID string, now time.Time) (int, error) {
	n := 0
	err := s.Write(ctx, func(tx *Tx) error {
		cutoff := now.AddDate(0, 0, -ExpireAfterDays)
		rows, err := tx.tx.QueryContext(ctx, `SELECT id FROM inquiries WHERE workspace_id = $1 AND status = 'open' AND created_at <= $2
			ORDER BY created_at, id`, workspaceID, s.ts(cutoff))
		if err != nil {
			return err
		}
		ids, err := collect(rows, scanOne[string])
		if err != nil {
			return err
		}
		reason := fmt.Sprintf("no transaction within %d days", ExpireAfterDays)
		for _, id := range ids {
			if err := tx.moveInquiry(ctx, workspaceID, id, InquiryOpen, InquiryExpired, "", reason, now); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("expire inquiries: %w", err)
	}
	return n, nil
}

// moveInquiry changes an inquiry's status from `from`, with history. The
// update is conditional on `from`, so a concurrent change is never overwritten.
func (t *Tx) moveInquiry(ctx context.Context, workspaceID, id, from, to, transactionID, reason string, now time.Time) error {
	if !slices.Contains(inquiryMoves[from], to) {
		return &TransitionError{What: "inquiry", From: from, To: to}
	}
	res, err := t.exec(ctx, `UPDATE inquiries SET status = $1, transaction_id = COALESCE($2, transaction_id), updated_at = $3
		WHERE id = $4 AND workspace_id = $5 AND status = $6`, to, nullString(transactionID), t.s.ts(now), id, workspaceID, from)
	if err != nil {
		return fmt.Errorf("update inquiry: %w", err)
	}
	if err := mustAffect(res, "inquiry"); err != nil {
		return err
	}
	return t.inquiryHistory(ctx, id, now, from, to, reason)
}

func (t *Tx) inquiryHistory(ctx context.Context, id string, at time.Time, from, to, reason string) error {
	_, err := t.exec(ctx, `INSERT INTO inquiry_history (inquiry_id, at, from_status, to_status, reason) VALUES ($1, $2, $3, $4, $5)`,
		id, t.s.ts(at), from, to, reason)
	if err != nil {
		return fmt.Errorf("inquiry history: %w", err)
	}
	return nil
}

const inquiryColumns = `id, workspace_id, COALESCE(connection_id, ''), custom, order_date, currency, expected_amount,
	note, status, COALESCE(transaction_id, ''), created_at, updated_at`

// Inquiry reads one inquiry of the workspace.
func (s *Store) Inquiry(ctx context.Context, workspaceID, id string) (Inquiry, error) {
	return scanInquiry(s.read.QueryRowContext(ctx, `SELECT `+inquiryColumns+` FROM inquiries WHERE id = $1 AND workspace_id = $2`, id, workspaceID))
}

// InquiryFilter selects inquiries of one workspace. Zero values match everything.
type InquiryFilter struct {
	Status       string
	Custom       string
	ConnectionID string
	Cursor       string
	Limit        int
}

// Inquiries lists a workspace's inquiries newest first, a page at a time.
// Pages follow (created_at, id), which never change, so paging neither skips
// nor repeats a row while inquiries change status; new ones appear before
// the first page.
func (s *Store) Inquiries(ctx context.Context, workspaceID string, f InquiryFilter) ([]Inquiry, string, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	args := sqlArgs{workspaceID}
	arg := args.bind
	where := []string{"workspace_id = $1"}
	for _, eq := range []struct{ col, v string }{{"status", f.Status}, {"custom", f.Custom}, {"connection_id", f.ConnectionID}} {
		if eq.v != "" {
			where = append(where, eq.col+" = "+arg(eq.v))
		}
	}
	after, err := inquiryPages.after(s, f.Cursor, &args)
	if err != nil {
		return nil, "", err
	}
	if after != "" {
		where = append(where, after)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+inquiryColumns+` FROM inquiries WHERE `+strings.Join(where, " AND ")+
		` ORDER BY created_at DESC, id DESC LIMIT `+arg(f.Limit+1), args...)
	if err != nil {
		return nil, "", fmt.Errorf("list inquiries: %w", err)
	}
	list, err := collect(rows, scanInquiry)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(list) > f.Limit {
		list = list[:f.Limit]
		last := list[len(list)-1]
		next = inquiryPages.cursor(last.CreatedAt, last.ID)
	}
	return list, next, nil
}

func scanInquiry(r rowScanner) (Inquiry, error) {
	var in Inquiry
	var order, created, updated scanTime
	if err := r.Scan(&in.ID, &in.WorkspaceID, &in.ConnectionID, &in.Custom, &order, &in.Currency, &in.ExpectedAmount, &in.Note,
		&in.Status, &in.TransactionID, &created, &updated); err != nil {
		return in, notFound(err, "inquiry")
	}
	in.OrderDate, in.CreatedAt, in.UpdatedAt = order.T, created.T, updated.T
	return in, nil
}

// InquiryHistory lists an inquiry's status changes, oldest first.
func (s *Store) InquiryHistory(ctx context.Context, workspaceID, id string) ([]InquiryChange, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT h.at, h.from_status, h.to_status, h.reason FROM inquiry_history h
		JOIN inquiries i ON i.id = h.inquiry_id WHERE i.workspace_id = $1 AND h.inquiry_id = $2 ORDER BY h.id`, workspaceID, id)
	if err != nil {
		return nil, fmt.Errorf("inquiry history: %w", err)
	}
	return collect(rows, func(r rowScanner) (InquiryChange, error) {
		var c InquiryChange
		var at scanTime
		if err := r.Scan(&at, &c.FromStatus, &c.ToStatus, &c.Reason); err != nil {
			return c, fmt.Errorf("read inquiry history: %w", err)
		}
		c.At = at.T
		return c, nil
	})
}
