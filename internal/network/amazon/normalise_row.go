package amazon

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/reportfile"
)

// normaliser reads the rows of one table.
type normaliser struct {
	t      *reportfile.Table
	opt    NormaliseOptions
	exp    int // the currency's ISO 4217 exponent
	latest time.Time
	// seen counts each key base in this table so equal rows get #1, #2….
	seen  *rowCounter
	dates map[string]time.Time // parsed date strings of this table
}

// rowReader reads typed values of one row, stopping at the first error.
type rowReader struct {
	n   *normaliser
	row reportfile.Row
	err error
}

func (r *rowReader) str(col string) string {
	v, _, _ := r.row.Get(col)
	return v
}

// amount reads money in minor units; "" when absent or empty.
func (r *rowReader) amount(col string) (int64, bool) {
	return r.parse(col, func(v string) (int64, error) {
		return money.ParseMinor(v, r.n.exp, r.decimal(col))
	})
}

// count reads a whole number of items or clicks.
func (r *rowReader) count(col string) (int64, bool) {
	return r.parse(col, func(v string) (int64, error) {
		return money.ParseMinor(v, 0, r.decimal(col))
	})
}

// decimal is the decimal mark of a column's value: the marketplace's, but
// a point in a spreadsheet's number cell.
func (r *rowReader) decimal(col string) money.DecimalHint {
	if r.row.Numeric(col) {
		return money.HintDot
	}
	return r.n.opt.Marketplace.Decimal
}

// rate reads a percentage; a rate is never in the thousands, so a lone
// separator is the decimal one whatever the marketplace.
func (r *rowReader) rate(col string) (int64, bool) {
	return r.parse(col, func(v string) (int64, error) { return money.ParseRate(v, money.HintNone) })
}

func (r *rowReader) parse(col string, parse func(string) (int64, error)) (int64, bool) {
	v, c, ok := r.row.Get(col)
	if r.err != nil || !ok || v == "" {
		return 0, false
	}
	x, err := parse(v)
	if err != nil {
		r.err = r.n.bad(r.row, c, col, v, err)
		return 0, false
	}
	return x, true
}

// fact reads one row. keep is false for rows of other tracking IDs.
func (n *normaliser) fact(row reportfile.Row) (model.Fact, bool, error) {
	t, m := n.t, n.opt.Marketplace
	r := &rowReader{n: n, row: row}
	f := model.Fact{ConnectionID: n.opt.ConnectionID, File: t.Name, Line: row.Line, Report: t.Report, Program: m.Program, Currency: m.Currency,
		TrackingID: r.str("tracking_id"), Subtag: r.str("subtag"), ASIN: r.str("asin"), Name: r.str("name"), Category: r.str("category"),
		Seller: r.str("seller"), Device: r.str("device"), LinkType: r.str("link_type")}
	if n.opt.TrackingID != "" && f.TrackingID != n.opt.TrackingID {
		return f, false, nil
	}
	var err error
	if f.Day, err = n.day(row); err != nil {
		return f, false, err
	}
	if f.Direct, err = n.direct(row); err != nil {
		return f, false, err
	}
	f.Price, _ = r.amount("price")
	f.Revenue, _ = r.amount("revenue")
	f.Commission, _ = r.amount("commission")
	f.Rate, _ = r.rate("rate")
	f.Returns, _ = r.count("returns")
	f.Clicks, _ = r.count("clicks")
	f.ItemsOrdered, _ = r.count("items_ordered")
	qty, hasQty := r.count("quantity")
	shipped, hasShipped := r.count("items_shipped")
	switch t.Report {
	case model.ReportEarnings:
		// Net quantity (SPEC §3.5): Items Shipped − Returns (Associates
		// Central), or the signed Quantity (DataFeed, XML).
		if hasShipped {
			qty = shipped
		}
		f.Quantity = qty - f.Returns
		if _, _, ok := row.Get("revenue"); !ok && r.err == nil {
			f.Revenue, r.err = n.times(row, f.Price, f.Quantity)
		}
	case model.ReportOrders:
		direct, hasDirect := r.count("direct_quantity")
		indirect, hasIndirect := r.count("indirect_quantity")
		if !hasQty {
			qty = direct + indirect
		}
		if f.Direct == nil && (hasDirect || hasIndirect) && (direct == 0) != (indirect == 0) {
			d := direct > 0
			f.Direct = &d
		}
		if !r.has("clicks") {
			f.Clicks, _ = r.count("direct_clicks")
		}
		f.Quantity = qty
		f.Commission = 0 // Orders carry no commission; the lifecycle estimates it
		if r.err == nil {
			f.Revenue, r.err = n.times(row, f.Price, f.Quantity)
		}
	case model.ReportBounty:
		f.Quantity = qty
		if !hasQty {
			f.Quantity = 1
		}
		f.Revenue = 0
	case model.ReportTracking:
		f.ItemsShipped = shipped
	}
	if r.err != nil {
		return f, false, r.err
	}
	if f.Key, err = n.key(f); err != nil {
		return f, false, err
	}
	return f, true, nil
}

func (r *rowReader) has(col string) bool {
	v, _, ok := r.row.Get(col)
	return ok && v != ""
}

// times is price × quantity, located at the price on overflow.
func (n *normaliser) times(row reportfile.Row, price, qty int64) (int64, error) {
	x, err := money.MulMinor(price, qty)
	if err != nil {
		v, c, _ := row.Get("price")
		return 0, n.bad(row, c, "price", v, err)
	}
	return x, nil
}

// direct reads "Direct Sale"/"Direct" (Y/N, yes/no, true/false) or
// "Indirect Sales" (DI: the linked item itself, NDI: another item).
func (n *normaliser) direct(row reportfile.Row) (*bool, error) {
	for _, col := range []string{"direct", "indirect"} {
		v, c, ok := row.Get(col)
		if !ok || v == "" {
			continue
		}
		var b bool
		switch strings.ToLower(v) {
		case "y", "yes", "true", "1", "di", "direct":
			b = true
		case "n", "no", "false", "0", "ndi", "indirect":
			b = false
		default:
			return nil, n.bad(row, c, col, v, errors.New("want Y/N or DI/NDI"))
		}
		return &b, nil
	}
	return nil, nil
}

// bad locates a value that cannot be read, naming the file's own column.
func (n *normaliser) bad(row reportfile.Row, col int, canon, v string, err error) error {
	// money's errors quote the value already.
	msg, q := err.Error(), strconv.Quote(v)
	if i := strings.Index(msg, q); i >= 0 {
		msg = strings.TrimLeft(msg[i+len(q):], ": ")
	}
	return &reportfile.Error{File: n.t.Name, Line: row.Line, Column: col, Msg: fmt.Sprintf("%s %q: %s", row.Header(canon), v, msg), Err: err}
}
