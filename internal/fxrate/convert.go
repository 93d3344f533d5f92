package fxrate

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/money"
)

// Table is an immutable set of reference rates, ready for lookups; safe for
// concurrent use. EUR is implicit: its rate is 1 on every ECB date.
type Table struct {
	series map[string][]point // per currency, by day ascending
	first  time.Time
	last   time.Time
	days   int
}

type point struct {
	day int32 // days since 1970-01-01
	v   Decimal
}

func dayNum(t time.Time) int32 {
	y, m, d := t.Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func dayTime(n int32) time.Time { return time.Unix(int64(n)*86400, 0).UTC() }

// NewTable builds a table. A later rate of the same day and currency wins.
func NewTable(rates []Rate) *Table {
	t := &Table{series: map[string][]point{}}
	days := map[int32]bool{}
	for _, r := range rates {
		if r.Currency == "EUR" || r.Value.IsZero() {
			continue
		}
		n := dayNum(r.Day)
		t.series[r.Currency] = append(t.series[r.Currency], point{n, r.Value})
		days[n] = true
	}
	for cur, s := range t.series {
		slices.SortStableFunc(s, func(a, b point) int { return int(a.day - b.day) })
		// Keep the last of equal days.
		out := s[:0]
		for i, p := range s {
			if i+1 < len(s) && s[i+1].day == p.day {
				continue
			}
			out = append(out, p)
		}
		t.series[cur] = out
	}
	t.days = len(days)
	for d := range days {
		if t.first.IsZero() || dayTime(d).Before(t.first) {
			t.first = dayTime(d)
		}
		if dayTime(d).After(t.last) {
			t.last = dayTime(d)
		}
	}
	return t
}

// Summary says what a table holds: for health checks and the dashboard.
type Summary struct {
	Days       int
	Currencies []string // without EUR
	First      time.Time
	Last       time.Time
}

// Summary describes the table.
func (t *Table) Summary() Summary {
	if t == nil {
		return Summary{}
	}
	cur := make([]string, 0, len(t.series))
	for c := range t.series {
		cur = append(cur, c)
	}
	slices.Sort(cur)
	return Summary{Days: t.days, Currencies: cur, First: t.first, Last: t.last}
}

// ErrNoRate is wrapped by every NoRateError.
var ErrNoRate = errors.New("no exchange rate")

// NoRateError says why an amount has no converted value (SPEC §4.2a: null,
// never a guess).
type NoRateError struct {
	From, To string
	Day      time.Time
	Reason   string
}

func (e *NoRateError) Error() string { return e.Reason }
func (e *NoRateError) Unwrap() error { return ErrNoRate }

// Quote is the rate of one conversion: Ratio = R_To / R_From on RateDate,
// the latest ECB date on or before the asked day that has both currencies.
type Quote struct {
	From, To string
	RateDate time.Time
	Ratio    *big.Rat
}

var one = big.NewRat(1, 1)

// Quote finds the rate that converts from → to on day (its UTC date). The
// same currency converts at 1 on the day itself: no rate is involved.
func (t *Table) Quote(from, to string, day time.Time) (Quote, error) {
	day = dayTime(dayNum(day.UTC()))
	noRate := func(format string, args ...any) (Quote, error) {
		return Quote{}, &NoRateError{From: from, To: to, Day: day, Reason: fmt.Sprintf(format, args...)}
	}
	if from == to {
		return Quote{From: from, To: to, RateDate: day, Ratio: one}, nil
	}
	var sf, st []point
	if from != "EUR" {
		if sf = t.lookup(from); sf == nil {
			return noRate("no ECB rate for %s is known", from)
		}
	}
	if to != "EUR" {
		if st = t.lookup(to); st == nil {
			return noRate("no ECB rate for %s is known", to)
		}
	}
	d := dayNum(day)
	// Step both series back until they meet on one date: each step moves
	// one of them strictly earlier, so this ends.
	i, j := -1, -1
	for {
		if sf != nil {
			if i = latest(sf, d); i < 0 {
				return noRate("no ECB rate for %s on or before %s", from, day.Format(time.DateOnly))
			}
		}
		if st != nil {
			if j = latest(st, d); j < 0 {
				return noRate("no ECB rate for %s on or before %s", to, day.Format(time.DateOnly))
			}
		}
		switch {
		case sf == nil:
			d = st[j].day
		case st == nil:
			d = sf[i].day
		case sf[i].day == st[j].day:
			d = sf[i].day
		default:
			d = min(sf[i].day, st[j].day)
			continue
		}
		break
	}
	rFrom, rTo := one, one
	if sf != nil {
		rFrom = sf[i].v.Rat()
	}
	if st != nil {
		rTo = st[j].v.Rat()
	}
	return Quote{From: from, To: to, RateDate: dayTime(d), Ratio: new(big.Rat).Quo(rTo, rFrom)}, nil
}

func (t *Table) lookup(cur string) []point {
	if t == nil {
		return nil
	}
	return t.series[cur]
}

// latest is the index of the last point on or before d, or -1.
func latest(s []point, d int32) int {
	i, found := slices.BinarySearchFunc(s, d, func(p point, d int32) int { return int(p.day - d) })
	if found {
		return i
	}
	return i - 1
}

// Apply converts an amount in minor units of q.From to minor units of q.To:
// amount × ratio × 10^(exp To − exp From), exact, rounded half to even.
func (q Quote) Apply(minor int64) (int64, error) {
	cf, ok := money.LookupCurrency(q.From)
	if !ok {
		return 0, &NoRateError{From: q.From, To: q.To, Reason: "unknown currency " + q.From}
	}
	ct, ok := money.LookupCurrency(q.To)
	if !ok {
		return 0, &NoRateError{From: q.From, To: q.To, Reason: "unknown currency " + q.To}
	}
	x := new(big.Rat).Mul(new(big.Rat).SetInt64(minor), q.Ratio)
	if shift := ct.Exponent - cf.Exponent; shift != 0 {
		p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(shift))), nil))
		if shift > 0 {
			x.Mul(x, p)
		} else {
			x.Quo(x, p)
		}
	}
	n := roundHalfEven(x)
	if !n.IsInt64() {
		return 0, fmt.Errorf("%d %s in %s: %w", minor, q.From, q.To, money.ErrOverflow)
	}
	return n.Int64(), nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// roundHalfEven rounds x to the nearest integer, a tie to the even one.
func roundHalfEven(x *big.Rat) *big.Int {
	num, den := new(big.Int).Abs(x.Num()), x.Denom()
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	switch new(big.Int).Lsh(r, 1).Cmp(den) {
	case 1:
		q.Add(q, big.NewInt(1))
	case 0:
		if q.Bit(0) == 1 {
			q.Add(q, big.NewInt(1))
		}
	}
	if x.Sign() < 0 {
		q.Neg(q)
	}
	return q
}

// Rate renders the ratio to 10 significant digits, half to even, trailing
// zeros kept ("0.8565310493", "1.000000000"): for display only, the
// conversion itself uses the exact ratio.
func (q Quote) Rate() string { return significant(q.Ratio, 10) }

// significant renders a positive rational to n significant digits.
func significant(x *big.Rat, n int) string {
	if x.Sign() <= 0 {
		return x.FloatString(0)
	}
	// e is the exponent of the leading digit: 10^e ≤ x < 10^(e+1).
	e := len(new(big.Int).Quo(x.Num(), x.Denom()).String()) - 1
	if x.Cmp(one) < 0 {
		e = 0
		for y := new(big.Rat).Set(x); y.Cmp(one) < 0; e-- {
			y.Mul(y, big.NewRat(10, 1))
		}
	}
	for {
		scale := n - 1 - e // digits after the point
		y := new(big.Rat).Set(x)
		p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(scale))), nil))
		if scale >= 0 {
			y.Mul(y, p)
		} else {
			y.Quo(y, p)
		}
		digits := roundHalfEven(y).String()
		if len(digits) > n { // 9.9999999996 rounded up to 10.00000000
			e++
			continue
		}
		if scale <= 0 {
			return digits + strings.Repeat("0", -scale)
		}
		if len(digits) <= scale {
			digits = strings.Repeat("0", scale-len(digits)+1) + digits
		}
		return digits[:len(digits)-scale] + "." + digits[len(digits)-scale:]
	}
}

// Converter converts into one target currency (a workspace's reporting
// currency) with one table of rates. The zero Converter converts nothing.
type Converter struct {
	table *Table
	to    string
}

// NewConverter converts into currency to ("" when the workspace has none
// yet) with the rates of table.
func NewConverter(table *Table, to string) Converter { return Converter{table: table, to: to} }

// Currency is the target currency ("" when there is none).
func (c Converter) Currency() string { return c.to }

// Table is the rates the converter uses.
func (c Converter) Table() *Table { return c.table }

// Conversion is amounts converted together: the same quote applied to each.
type Conversion struct {
	Currency string
	Minor    []int64 // in the order given
	Quote    Quote
}

// Convert converts amounts of currency from on day (a transaction's sold_at,
// a payment's paid date, a revenue day) into the target currency. Each
// amount is rounded on its own. The error is a *NoRateError when no rate is
// known: the caller shows null with its reason.
func (c Converter) Convert(from string, day time.Time, minor ...int64) (Conversion, error) {
	if c.to == "" {
		return Conversion{}, &NoRateError{From: from, Day: day, Reason: "the workspace has no reporting currency yet"}
	}
	q, err := c.table.Quote(from, c.to, day)
	if err != nil {
		return Conversion{}, err
	}
	out := Conversion{Currency: c.to, Minor: make([]int64, len(minor)), Quote: q}
	for i, m := range minor {
		if out.Minor[i], err = q.Apply(m); err != nil {
			return Conversion{}, err
		}
	}
	return out, nil
}
