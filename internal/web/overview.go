package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/affsync/affsync/internal/chart"
	"github.com/affsync/affsync/internal/fxrate"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/wire"
)

// period is the overview's range of UTC report days, both ends included.
type period struct {
	Preset       string // 7, 30, 90, 365 or "custom"
	Since, Until time.Time
}

var presets = []struct{ Value, Label string }{{"7", "Last 7 days"}, {"30", "Last 30 days"}, {"90", "Last 90 days"}, {"365", "Last 365 days"}, {"custom", "Custom"}}

// periodOf reads ?period= or ?since=&until=; the default is the last 30
// days up to today in the viewer's time zone.
func periodOf(q url.Values, today time.Time) (period, error) {
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	p := period{Preset: q.Get("period")}
	if p.Preset == "" {
		p.Preset = "30"
		if q.Get("since") != "" || q.Get("until") != "" {
			p.Preset = "custom"
		}
	}
	if p.Preset == "custom" {
		var err error
		if p.Since, err = dateParam(q, "since", today.AddDate(0, 0, -29)); err != nil {
			return p, err
		}
		if p.Until, err = dateParam(q, "until", today); err != nil {
			return p, err
		}
		if p.Until.Before(p.Since) {
			return p, userError{"The period ends before it starts."}
		}
		if p.Until.Sub(p.Since) > 3*366*24*time.Hour {
			return p, userError{"Choose a period of at most three years."}
		}
		return p, nil
	}
	days := map[string]int{"7": 7, "30": 30, "90": 90, "365": 365}[p.Preset]
	if days == 0 {
		return p, userError{"Unknown period; choose one from the list."}
	}
	p.Until, p.Since = today, today.AddDate(0, 0, 1-days)
	return p, nil
}

func dateParam(q url.Values, name string, def time.Time) (time.Time, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	d, err := time.Parse("2006-01-02", v)
	if err != nil {
		return d, userError{name + " must be a date like 2026-10-02."}
	}
	return d, nil
}

// days lists the period's days.
func (p period) days() []time.Time {
	var out []time.Time
	for d := p.Since; !d.After(p.Until); d = d.AddDate(0, 0, 1) {
		out = append(out, d)
	}
	return out
}

type overviewData struct {
	Period      period
	Presets     any
	Connections []store.Connection
	Connection  string
	Totals      []currencyTotal
	Clicks      int64
	Statuses    []store.StatusTotal
	Channels    []store.Breakdown
	Programs    []store.Breakdown
	// With a reporting currency, Statuses, Channels and Programs are in it,
	// and these hold the same in the original currencies.
	// Foreign is true when some of them are in another currency: only then
	// are the tables in the original currencies offered.
	Foreign                            bool
	StatusesOriginal                   []store.StatusTotal
	ChannelsOriginal, ProgramsOriginal []store.Breakdown
	Charts                             overviewChartsData
	Empty                              bool
	// In the workspace's reporting currency ("" when it has none yet):
	// the period's totals, and what had no rate on its day.
	Reporting   string
	Converted   *currencyTotal
	Unconverted []unconverted
}

// unconverted is a currency's amounts on the days that had no rate, left
// out of the converted totals (SPEC §4.2a: no value rather than a guess).
type unconverted struct {
	Currency               string
	SaleAmount, Commission int64
	Days                   int
	Reason                 string // of the first such day
}

// convertDays converts each day's total per currency at that day's rate,
// rounded once per day and currency as GET /v1/revenues?currency=reporting
// does, and sums them per day: one row per day in the reporting currency.
// It reads the daily rollups only, so its cost follows the days.
func convertDays(conv fxrate.Converter, rows []store.DayTotal) ([]store.DayTotal, []unconverted, error) {
	var out []store.DayTotal
	var missing []unconverted
	for _, r := range rows {
		if n := len(out); n == 0 || !out[n-1].Day.Equal(r.Day) {
			out = append(out, store.DayTotal{Day: r.Day, Currency: conv.Currency()})
		}
		o := &out[len(out)-1]
		o.Transactions += r.Transactions
		err := addConverted(conv, r.Currency, r.Day, r.SaleAmount, r.Commission, &o.SaleAmount, &o.Commission)
		if errors.Is(err, fxrate.ErrNoRate) {
			i := slices.IndexFunc(missing, func(u unconverted) bool { return u.Currency == r.Currency })
			if i < 0 {
				missing = append(missing, unconverted{Currency: r.Currency, Reason: wire.Reason(err)})
				i = len(missing) - 1
			}
			missing[i].SaleAmount += r.SaleAmount
			missing[i].Commission += r.Commission
			missing[i].Days++
		} else if err != nil {
			return nil, nil, err
		}
	}
	return out, missing, nil
}

type currencyTotal struct {
	Currency                             string
	SaleAmount, Commission, Transactions int64
}

// overview reads only the daily rollups: its cost follows the number of
// days, channels and programs, not of transactions.
func (s *Server) overview(w http.ResponseWriter, r *http.Request, v *viewer) {
	q := r.URL.Query()
	p, err := periodOf(q, s.now().In(v.Loc))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	ctx, ws := r.Context(), v.WorkspaceID
	f := store.DayFilter{Since: p.Since, Until: p.Until, ConnectionID: q.Get("connection")}
	d := overviewData{Period: p, Presets: presets, Connection: f.ConnectionID}
	if d.Connections, err = s.store.Connections(ctx, ws); err != nil {
		s.fail(w, r, v, err)
		return
	}
	revenue, err := s.store.RevenueByDay(ctx, ws, f)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	clicks, err := s.store.ClicksByDay(ctx, ws, f)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.Statuses, err = s.store.StatusBreakdown(ctx, ws, f); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.Channels, err = s.store.RevenueBreakdown(ctx, ws, "channel", f); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.Programs, err = s.store.RevenueBreakdown(ctx, ws, "program", f); err != nil {
		s.fail(w, r, v, err)
		return
	}
	conv, err := s.store.Converter(ctx, ws)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	d.Totals = totalsByCurrency(revenue)
	for _, c := range clicks {
		d.Clicks += c.Clicks
	}
	d.Empty = len(revenue) == 0 && len(clicks) == 0 && len(d.Statuses) == 0
	lead := ""
	if len(d.Totals) > 0 {
		lead = d.Totals[0].Currency
	}
	shown, shownTotals := revenue, d.Totals
	if d.Reporting = conv.Currency(); d.Reporting != "" {
		if shown, d.Unconverted, err = convertDays(conv, revenue); err != nil {
			s.fail(w, r, v, err)
			return
		}
		shownTotals = totalsByCurrency(shown)
		if len(shownTotals) == 0 {
			shownTotals = []currencyTotal{{Currency: d.Reporting}}
		}
		d.Converted = &shownTotals[0]
		if err := s.convertBreakdowns(ctx, ws, f, conv, &d); err != nil {
			s.fail(w, r, v, err)
			return
		}
		lead = d.Reporting
	}
	d.Charts = overviewCharts(p, shown, clicks, d.Channels, d.Programs, shownTotals, lead)
	s.render(w, r, v, http.StatusOK, "overview", "Overview", "overview", d)
}

// convertBreakdowns puts the status, channel and program tables in the
// reporting currency: each key's total of each day and currency converts
// at that day's rate (rounded once per key, day and currency, as
// currency=reporting does) and the results are summed per key. Days
// without a rate add nothing; d.Unconverted already names them, as the
// same days' amounts are left out of every total. The tables in the
// original currencies stay beside them.
func (s *Server) convertBreakdowns(ctx context.Context, ws string, f store.DayFilter, conv fxrate.Converter, d *overviewData) error {
	d.StatusesOriginal, d.ChannelsOriginal, d.ProgramsOriginal = d.Statuses, d.Channels, d.Programs
	d.Foreign = slices.ContainsFunc(d.Statuses, func(x store.StatusTotal) bool { return x.Currency != conv.Currency() }) ||
		slices.ContainsFunc(d.Totals, func(x currencyTotal) bool { return x.Currency != conv.Currency() })
	statusDays, err := s.store.StatusDays(ctx, ws, f)
	if err != nil {
		return err
	}
	statuses, err := convertByKey(conv, statusDays)
	if err != nil {
		return err
	}
	d.Statuses = nil
	for _, x := range statuses {
		d.Statuses = append(d.Statuses, store.StatusTotal{Status: model.Status(x.Key), Currency: x.Currency,
			Transactions: x.Transactions, SaleAmount: x.SaleAmount, Commission: x.Commission})
	}
	slices.SortFunc(d.Statuses, func(a, b store.StatusTotal) int { return cmp.Compare(a.Status, b.Status) })
	for _, b := range []struct {
		by       string
		original []store.Breakdown
		out      *[]store.Breakdown
	}{{"channel", d.ChannelsOriginal, &d.Channels}, {"program", d.ProgramsOriginal, &d.Programs}} {
		days, err := s.store.RevenueBreakdownDays(ctx, ws, b.by, f)
		if err != nil {
			return err
		}
		list, err := convertByKey(conv, days)
		if err != nil {
			return err
		}
		clicks := map[string]int64{}
		for _, o := range b.original {
			clicks[o.Key] += o.Clicks
		}
		for i := range list {
			list[i].Clicks = clicks[list[i].Key]
			delete(clicks, list[i].Key)
		}
		for _, o := range b.original { // keys with clicks and no revenue yet
			if n, ok := clicks[o.Key]; ok {
				list = append(list, store.Breakdown{Key: o.Key, Clicks: n})
				delete(clicks, o.Key)
			}
		}
		slices.SortStableFunc(list, func(a, b store.Breakdown) int {
			if a.Currency == "" || b.Currency == "" { // clicks alone last
				return cmp.Compare(b.Currency, a.Currency)
			}
			return cmp.Or(cmp.Compare(b.Commission, a.Commission), cmp.Compare(a.Key, b.Key))
		})
		*b.out = list
	}
	return nil
}

// convertByKey converts rows of one key, day and currency each and sums
// them per key, in the reporting currency, in the order of the keys.
func convertByKey(conv fxrate.Converter, rows []store.DayBreakdown) ([]store.Breakdown, error) {
	var out []store.Breakdown
	for _, r := range rows {
		if n := len(out); n == 0 || out[n-1].Key != r.Key {
			out = append(out, store.Breakdown{Key: r.Key, Currency: conv.Currency()})
		}
		o := &out[len(out)-1]
		o.Transactions += r.Transactions
		if err := addConverted(conv, r.Currency, r.Day, r.SaleAmount, r.Commission, &o.SaleAmount, &o.Commission); err != nil && !errors.Is(err, fxrate.ErrNoRate) {
			return nil, err
		}
	}
	return out, nil
}

// addConverted converts a day's amounts in currency into conv's and adds
// them to sale and commission; with no rate it adds nothing and answers
// an error that is fxrate.ErrNoRate.
func addConverted(conv fxrate.Converter, currency string, day time.Time, saleAmount, commission int64, sale, comm *int64) error {
	c, err := conv.Convert(currency, day, saleAmount, commission)
	if errors.Is(err, fxrate.ErrNoRate) {
		return err
	} else if err != nil {
		return fmt.Errorf("overview: convert %s on %s: %w", currency, day.Format(time.DateOnly), err)
	}
	if *sale, err = money.AddMinor(*sale, c.Minor[0]); err == nil {
		*comm, err = money.AddMinor(*comm, c.Minor[1])
	}
	if err != nil {
		return fmt.Errorf("overview: %w", err)
	}
	return nil
}

func totalsByCurrency(rows []store.DayTotal) []currencyTotal {
	var out []currencyTotal
	index := map[string]int{}
	for _, r := range rows {
		i, ok := index[r.Currency]
		if !ok {
			i = len(out)
			index[r.Currency] = i
			out = append(out, currencyTotal{Currency: r.Currency})
		}
		out[i].SaleAmount += r.SaleAmount
		out[i].Commission += r.Commission
		out[i].Transactions += r.Transactions
	}
	slices.SortFunc(out, func(a, b currencyTotal) int { return int(b.Commission - a.Commission) })
	return out
}

// overviewCharts draws the main chart, commission and sales per day in
// two panels over the width of the page (a line per currency), with the
// same values as a table for reading a day without hovering; then the
// smaller charts: clicks per day and commission by channel and by
// program, in the leading currency.
func overviewCharts(p period, revenue []store.DayTotal, clicks []store.DayClicks, channels, programs []store.Breakdown, totals []currencyTotal, barsIn string) overviewChartsData {
	days := p.days()
	labels, axis := dayLabels(days)
	index := make(map[string]int, len(days))
	for i, l := range labels {
		index[l] = i
	}
	var commission, sales []chart.Series
	for _, t := range totals {
		format := func(v int64) string { return formatMoney(v, t.Currency) }
		c := chart.Series{Name: t.Currency, Values: make([]int64, len(days)), Format: format}
		sa := chart.Series{Name: t.Currency, Values: make([]int64, len(days)), Format: format}
		for _, r := range revenue {
			if i, ok := index[r.Day.UTC().Format("2006-01-02")]; ok && r.Currency == t.Currency {
				c.Values[i] += r.Commission
				sa.Values[i] += r.SaleAmount
			}
		}
		commission, sales = append(commission, c), append(sales, sa)
	}
	clickSeries := chart.Series{Name: "clicks", Values: make([]int64, len(days))}
	for _, c := range clicks {
		if i, ok := index[c.Day.UTC().Format("2006-01-02")]; ok {
			clickSeries.Values[i] = c.Clicks
		}
	}
	moneyAxis := func(v int64) string { return formatCount(v) } // several currencies share the axis
	lead := ""
	if len(totals) > 0 {
		lead = totals[0].Currency
	}
	if len(totals) == 1 {
		moneyAxis = func(v int64) string { return formatMoney(v, lead) }
	}
	title := "Commission and sales per day"
	if len(totals) == 1 {
		title += " (" + lead + ")"
	}
	main := chart.Line{ID: "main", Title: title, Labels: labels, Axis: axis, Panels: []chart.Panel{
		{Name: "Commission", Series: commission, Format: moneyAxis},
		{Name: "Sales", Series: sales, Format: moneyAxis, Height: 120},
	}}
	d := overviewChartsData{
		Main:  figure{title, trusted(main.SVG())},
		Table: dayTable(labels, main.Panels, clickSeries),
	}
	clicksChart := chart.Line{ID: "clicks", Title: "Clicks per day", Labels: labels, Axis: axis,
		Panels: []chart.Panel{{Series: []chart.Series{clickSeries}, Format: formatCount, Height: 120}}}
	d.Small = []figure{
		{clicksChart.Title, trusted(clicksChart.SVG())},
		topBars("by-channel", "Commission by channel", channels, barsIn),
		topBars("by-program", "Commission by program", programs, barsIn),
	}
	return d
}

type overviewChartsData struct {
	Main  figure
	Table dayValues
	Small []figure
}

// figure is a chart and its caption.
type figure struct {
	Title string
	Chart template.HTML
}

// dayValues is the main chart's data as a table, one row per day.
type dayValues struct {
	Head []string
	Rows []dayRow
}

type dayRow struct {
	Day    string
	Values []string
}

func dayTable(labels []string, panels []chart.Panel, clicks chart.Series) dayValues {
	var t dayValues
	for _, p := range panels {
		for _, s := range p.Series {
			t.Head = append(t.Head, p.Name+" "+s.Name)
		}
	}
	t.Head = append(t.Head, "Clicks")
	for i, l := range labels {
		row := dayRow{Day: l}
		for _, p := range panels {
			for _, s := range p.Series {
				row.Values = append(row.Values, s.Format(s.Values[i]))
			}
		}
		row.Values = append(row.Values, formatCount(clicks.Values[i]))
		t.Rows = append(t.Rows, row)
	}
	return t
}

// dayLabels names the days in full (2025-03-10, in the day titles and the
// table) and short for the axis ("10 Mar", with the year when the period
// spans two).
func dayLabels(days []time.Time) (labels, axis []string) {
	short := "2 Jan"
	if len(days) > 0 && days[0].Year() != days[len(days)-1].Year() {
		short = "2 Jan 2006"
	}
	for _, d := range days {
		labels = append(labels, d.Format("2006-01-02"))
		axis = append(axis, d.Format(short))
	}
	return labels, axis
}

// topBars draws the largest commissions of a breakdown in one currency.
func topBars(id, title string, rows []store.Breakdown, currency string) figure {
	const top = 6
	var labels []string
	var values []int64
	for _, r := range rows {
		if r.Currency == currency && len(labels) < top {
			key := r.Key
			if key == "" {
				key = "(none)"
			}
			labels, values = append(labels, key), append(values, r.Commission)
		}
	}
	if currency != "" {
		title += " (" + currency + ")"
	}
	svg := chart.Bars{ID: id, Title: title, Labels: labels, Values: values,
		Format: func(v int64) string { return formatMoney(v, currency) }}.SVG()
	return figure{title, trusted(svg)}
}

// trusted marks a chart as safe HTML: the chart package escapes every text it draws.
func trusted(svg []byte) template.HTML { return template.HTML(svg) }
