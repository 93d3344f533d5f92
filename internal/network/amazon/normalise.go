package amazon

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/ingest"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/money"
)

// NormaliseOptions say whose rows these are and how to read them.
type NormaliseOptions struct {
	ConnectionID string
	Marketplace  Marketplace
	TrackingID   string // only rows of this tracking ID; "" for all
	Now          func() time.Time
}

// NormaliseStats counts what happened to a table's rows.
type NormaliseStats struct {
	Rows, Facts, Skipped int
	Notes                []string
}

// Normalise turns one table into facts, calling emit for each. A report type
// affsync does not import is drained and noted, never an error.
func Normalise(t *ingest.Table, opt NormaliseOptions, emit func(model.Fact) error) (NormaliseStats, error) {
	var st NormaliseStats
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if t.Report == "" {
		for {
			_, err := t.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return st, err
			}
			st.Skipped++
		}
		raw := t.RawType
		if raw == "" {
			raw = "unknown"
		}
		st.Notes = append(st.Notes, fmt.Sprintf("%s: report type %q is not imported; %d rows skipped", t.Name, raw, st.Skipped))
		return st, nil
	}
	m := opt.Marketplace
	if t.CurrencyHint != "" && t.CurrencyHint != m.Currency {
		return st, &ingest.Error{File: t.Name, Msg: fmt.Sprintf("the file's amounts are in %s (its header says so) but the connection's marketplace %s uses %s",
			t.CurrencyHint, m.Host, m.Currency)}
	}
	cur, _ := money.LookupCurrency(m.Currency)
	n := &normaliser{t: t, opt: opt, exp: cur.Exponent, latest: opt.Now().UTC().AddDate(1, 0, 0), seen: map[uint64]uint32{}}
	for {
		row, err := t.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return st, err
		}
		st.Rows++
		f, keep, err := n.fact(row)
		if err != nil {
			return st, err
		}
		if !keep {
			st.Skipped++
			continue
		}
		if err := emit(f); err != nil {
			return st, err
		}
		st.Facts++
	}
	st.Skipped += t.Skipped()
	return st, nil
}

type normaliser struct {
	t      *ingest.Table
	opt    NormaliseOptions
	exp    int
	latest time.Time
	seen   map[uint64]uint32 // occurrences of each key in this table, by hash to keep memory small
}

// fact reads one row. keep is false for rows filtered out by tracking ID.
func (n *normaliser) fact(row ingest.Row) (model.Fact, bool, error) {
	t, m := n.t, n.opt.Marketplace
	f := model.Fact{ConnectionID: n.opt.ConnectionID, File: t.Name, Line: row.Line, Report: t.Report, Program: m.Program, Currency: m.Currency}
	str := func(col string) string { v, _, _ := row.Get(col); return v }
	f.TrackingID, f.Subtag, f.ASIN = str("tracking_id"), str("subtag"), str("asin")
	f.Name, f.Category, f.Seller = str("name"), str("category"), str("seller")
	f.Device, f.LinkType = str("device"), str("link_type")
	if n.opt.TrackingID != "" && f.TrackingID != n.opt.TrackingID {
		return f, false, nil
	}
	var err error
	if f.Day, err = n.day(row); err != nil {
		return f, false, err
	}
	amount := func(col string) (int64, error) {
		v, c, ok := row.Get(col)
		if !ok || v == "" {
			return 0, nil
		}
		x, err := money.ParseMinor(v, n.exp, m.Decimal)
		if err != nil {
			return 0, n.bad(row, c, col, v, err)
		}
		return x, nil
	}
	count := func(col string) (int64, bool, error) {
		v, c, ok := row.Get(col)
		if !ok || v == "" {
			return 0, false, nil
		}
		x, err := money.ParseMinor(v, 0, money.HintDot)
		if err != nil {
			return 0, false, n.bad(row, c, col, v, err)
		}
		return x, true, nil
	}
	if f.Price, err = amount("price"); err != nil {
		return f, false, err
	}
	if f.Revenue, err = amount("revenue"); err != nil {
		return f, false, err
	}
	if f.Commission, err = amount("commission"); err != nil {
		return f, false, err
	}
	if v, c, ok := row.Get("rate"); ok && v != "" {
		if f.Rate, err = money.ParseRate(v, m.Decimal); err != nil {
			return f, false, n.bad(row, c, "rate", v, err)
		}
	}
	if f.Direct, err = n.direct(row); err != nil {
		return f, false, err
	}
	qty, hasQty, err := count("quantity")
	if err != nil {
		return f, false, err
	}
	shipped, hasShipped, err := count("items_shipped")
	if err != nil {
		return f, false, err
	}
	if f.Returns, _, err = count("returns"); err != nil {
		return f, false, err
	}
	if f.Clicks, _, err = count("clicks"); err != nil {
		return f, false, err
	}
	if f.ItemsOrdered, _, err = count("items_ordered"); err != nil {
		return f, false, err
	}
	switch t.Report {
	case model.ReportEarnings:
		// Net quantity: Items Shipped − Returns (Central), or the signed Quantity (DataFeed).
		if hasShipped {
			f.Quantity = shipped - f.Returns
		} else {
			f.Quantity = qty - f.Returns
		}
		if _, _, ok := row.Get("revenue"); !ok {
			if f.Revenue, err = money.MulMinor(f.Price, f.Quantity); err != nil {
				return f, false, n.bad(row, 0, "price", "", err)
			}
		}
	case model.ReportOrders:
		f.Quantity = qty
		if !hasQty {
			d, _, _ := count("direct_quantity")
			i, _, _ := count("indirect_quantity")
			f.Quantity = d + i
		}
		if f.Revenue, err = money.MulMinor(f.Price, f.Quantity); err != nil {
			return f, false, n.bad(row, 0, "price", "", err)
		}
		f.Commission = 0
	case model.ReportBounty:
		f.Quantity = qty
		if !hasQty {
			f.Quantity = 1
		}
		f.Revenue = 0
	case model.ReportTracking:
		f.ItemsShipped = shipped
		f.Quantity = 0
	}
	f.Key = n.key(f)
	return f, true, nil
}

// key is the row's identity (SPEC §3.4): its identifying fields plus its
// occurrence among equal rows of this file, so two identical lines stay two.
func (n *normaliser) key(f model.Fact) string {
	base := strings.Join([]string{string(f.Report), f.TrackingID, f.Subtag, f.ASIN, f.Day.Format("2006-01-02"), f.LinkType, f.Seller,
		f.Device, strconv.FormatInt(f.Price, 10), bountyName(f), signOf(f)}, "\x1f")
	h := fnv.New64a()
	h.Write([]byte(base))
	sum := h.Sum64()
	n.seen[sum]++
	return base + "#" + strconv.FormatUint(uint64(n.seen[sum]), 10)
}

func bountyName(f model.Fact) string {
	if f.Report == model.ReportBounty {
		return f.Name
	}
	return ""
}

// signOf keeps a return row apart from the shipment it reverses.
func signOf(f model.Fact) string {
	if f.Quantity < 0 || f.Revenue < 0 || f.Commission < 0 {
		return "-"
	}
	return "+"
}

// day reads the row's date: a date column in the marketplace's forms, epoch
// seconds (XML EDate), or else the file's day.
func (n *normaliser) day(row ingest.Row) (time.Time, error) {
	if v, c, ok := row.Get("date"); ok && v != "" {
		d, err := parseDate(v, n.opt.Marketplace.DayFirst)
		if err != nil {
			return d, n.bad(row, c, "date", v, err)
		}
		return n.inRange(row, c, v, d)
	}
	if v, c, ok := row.Get("epoch"); ok && v != "" {
		s, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return time.Time{}, n.bad(row, c, "EDate", v, err)
		}
		t := time.Unix(s, 0).UTC()
		return n.inRange(row, c, v, time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC))
	}
	if d := n.t.Coverage[0]; !d.IsZero() && n.t.Coverage[1].Equal(d) {
		return d, nil
	}
	return time.Time{}, &ingest.Error{File: n.t.Name, Line: row.Line, Msg: "the row has no date and the file name gives no single day"}
}

func (n *normaliser) inRange(row ingest.Row, col int, v string, d time.Time) (time.Time, error) {
	if d.Year() < 1995 || d.After(n.latest) {
		return d, &ingest.Error{File: n.t.Name, Line: row.Line, Column: col, Msg: fmt.Sprintf("date %q is out of range (1995 to a year from now)", v)}
	}
	return d, nil
}

// dateLayouts are the forms of FORMATS.md; day-first ones only where the
// marketplace writes them so.
var (
	isoLayouts      = []string{"2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05", "2006/01/02"}
	wordLayouts     = []string{"January 2, 2006", "January 02, 2006", "Jan 2, 2006", "Jan 02, 2006", "2 January 2006", "02 Jan 2006"}
	monthFirstSlash = []string{"01/02/2006", "1/2/2006", "01-02-2006"}
	dayFirstSlash   = []string{"02/01/2006", "2/1/2006", "02.01.2006", "2.1.2006", "02-01-2006"}
)

func parseDate(v string, dayFirst bool) (time.Time, error) {
	v = strings.TrimSpace(v)
	layouts := append(append([]string{}, isoLayouts...), wordLayouts...)
	if dayFirst {
		layouts = append(layouts, dayFirstSlash...)
	} else {
		layouts = append(layouts, monthFirstSlash...)
		layouts = append(layouts, "02.01.2006") // dotted dates are day first everywhere
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, v); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Time{}, errors.New("not a date this marketplace writes")
}

// direct reads "Direct Sale"/"Direct" (Y/N, yes/no, true/false) or
// "Indirect Sales" (DI: the linked item itself, NDI: another item).
func (n *normaliser) direct(row ingest.Row) (*bool, error) {
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

func (n *normaliser) bad(row ingest.Row, col int, name, v string, err error) error {
	return &ingest.Error{File: n.t.Name, Line: row.Line, Column: col, Msg: fmt.Sprintf("%s %q: %v", name, v, err), Err: err}
}
