package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/affsync/affsync/internal/chart"
	"github.com/affsync/affsync/internal/store"
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
	Charts      []template.HTML
	Empty       bool
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
	d.Totals = totalsByCurrency(revenue)
	for _, c := range clicks {
		d.Clicks += c.Clicks
	}
	d.Empty = len(revenue) == 0 && len(clicks) == 0 && len(d.Statuses) == 0
	d.Charts = overviewCharts(p, revenue, clicks, d.Channels, d.Totals)
	s.render(w, r, v, http.StatusOK, "overview", "Overview", "overview", d)
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

// overviewCharts draws commission and sales per day (a line per currency),
// clicks per day, and commission by channel in the leading currency.
func overviewCharts(p period, revenue []store.DayTotal, clicks []store.DayClicks, channels []store.Breakdown, totals []currencyTotal) []template.HTML {
	days := p.days()
	labels := make([]string, len(days))
	index := make(map[string]int, len(days))
	for i, d := range days {
		labels[i] = d.Format("2006-01-02")
		index[labels[i]] = i
	}
	var commission, sales []chart.Series
	for _, t := range totals {
		c := chart.Series{Name: t.Currency, Values: make([]int64, len(days))}
		sa := chart.Series{Name: t.Currency, Values: make([]int64, len(days))}
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
	var barLabels []string
	var barValues []int64
	for _, c := range channels {
		if c.Currency == lead && len(barLabels) < 10 {
			barLabels, barValues = append(barLabels, c.Key), append(barValues, c.Commission)
		}
	}
	svgs := [][]byte{
		chart.Line{ID: "commission", Title: "Commission per day", Labels: labels, Series: commission, Format: moneyAxis}.SVG(),
		chart.Line{ID: "sales", Title: "Sales per day", Labels: labels, Series: sales, Format: moneyAxis}.SVG(),
		chart.Line{ID: "clicks", Title: "Clicks per day", Labels: labels, Series: []chart.Series{clickSeries}, Format: formatCount}.SVG(),
		chart.Bars{ID: "by-channel", Title: "Commission by channel (" + lead + ")", Labels: barLabels, Values: barValues,
			Format: func(v int64) string { return formatMoney(v, lead) }}.SVG(),
	}
	out := make([]template.HTML, len(svgs))
	for i, svg := range svgs {
		out[i] = template.HTML(svg) // the chart package escapes every text it draws
	}
	return out
}
