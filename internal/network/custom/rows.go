package custom

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/reportfile"
)

// Rows reads the rows of one transactions file (SPEC §4.4) of a connection
// into transactions. One Rows per file: rows without an id are told apart
// by their occurrence in it.
type Rows struct {
	connectionID, network string
	rules                 network.Rules
	counts                map[[32]byte]int // rows without id: occurrences of equal rows, so two equal lines stay two transactions
}

// NewRows reads a file of the connection of that id, by its rules (the
// default program and currency, day-first dates, the decimal mark).
func NewRows(connectionID, networkName string, rules network.Rules) *Rows {
	return &Rows{connectionID: connectionID, network: networkName, rules: rules, counts: map[[32]byte]int{}}
}

// Transaction reads one row: the error is a *reportfile.Error naming the
// file, line and column of the first value that cannot be read.
func (r *Rows) Transaction(t *reportfile.Table, row reportfile.Row) (model.Transaction, error) {
	st := r.rules
	c := &reportfile.Cells{Table: t, Row: row}
	x := model.Transaction{ConnectionID: r.connectionID, Network: r.network, Program: firstOf(c.Str("program"), st.Program),
		Channel: c.Str("channel"), Customs: []string{}, Quantity: 1}
	x.ClickedAt = c.Time("clicked", st.DayFirst)
	c.Required("sold")
	if sold := c.Time("sold", st.DayFirst); sold != nil {
		x.SoldAt = *sold
	}
	x.Currency = c.Currency("currency", st.Currency)
	c.Required("revenue")
	x.Commission, _ = c.Amount("revenue", x.Currency, st.Decimal)
	x.SaleAmount, _ = c.Amount("price", x.Currency, st.Decimal)
	if v, n, _ := row.Get("quantity"); v != "" && c.Err() == nil {
		q, err := money.ParseMinor(v, 0, money.HintNone)
		if err != nil {
			c.Fail(n, "%s %q is not a whole number", row.Header("quantity"), v)
		}
		x.Quantity = q
	}
	x.Status, x.NetworkStatus = model.StatusPending, "pending"
	if v, n, _ := row.Get("status"); v != "" {
		s, ok := Status(v)
		if !ok {
			c.Fail(n, "%s %q: want pending, confirmed or declined", row.Header("status"), v)
		}
		x.Status, x.NetworkStatus = s, strings.ToLower(v)
	}
	for _, col := range []string{"custom_1", "custom_2"} {
		if v := c.Str(col); v != "" {
			x.Customs = append(x.Customs, v)
		}
	}
	if c.Err() != nil {
		return x, c.Err()
	}
	if id := c.Str("id"); id != "" {
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
		r.counts[sum]++
		x.SourceKey = "row:" + hex.EncodeToString(sum[:16]) + "#" + strconv.Itoa(r.counts[sum])
	}
	x.ID = model.TransactionID(r.connectionID, x.SourceKey)
	return x, nil
}

// Reason says why a custom transaction changed, for its history: its new
// status, else what moved.
func Reason(old, new model.Transaction) string {
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

func firstOf(xs ...string) string {
	for _, x := range xs {
		if x != "" {
			return x
		}
	}
	return ""
}
