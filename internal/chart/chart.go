// Package chart draws line and bar charts as SVG on the server, so the
// dashboard needs no JavaScript and no CDN to show them. Values are int64
// (minor units, counts): the package never rounds money it was given, only
// pixel positions. Output is deterministic, so it can be golden-tested.
//
// The SVGs have no viewBox: they fill their container's width, horizontal
// positions are percentages of it and vertical ones pixels. Text is
// therefore drawn at its real size (the body's 15 px) on a phone as on a
// wide screen, instead of shrinking with a scaled drawing. A chart's Title
// is its accessible name; the page shows it as HTML (a figcaption), where
// a long one wraps on a narrow screen as SVG text cannot.
package chart

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Palette is the series colours, in order; chosen to stay apart for the
// common colour-vision deficiencies.
var Palette = []string{"#1f6feb", "#e36209", "#2da44e", "#8250df", "#bf3989", "#6e7781"}

const (
	fontSize = 15 // the dashboard body's reading size
	inkText  = "#1d232b"
	inkMuted = "#5b6673"
	inkGrid  = "#d8dde3"
	inkZero  = "#8c959f"
)

// Series is one named line.
type Series struct {
	Name   string
	Values []int64            // one per label; a missing day is 0
	Format func(int64) string // values in the day titles; the panel's Format when nil
}

// Panel is one band of a Line chart with its own vertical scale; the
// panels of a chart share the days. Commission and sales differ by an
// order of magnitude, so each gets a panel rather than a second y-axis.
type Panel struct {
	Name   string // drawn above the band and in the day titles
	Series []Series
	Format func(int64) string // axis values; plain integers when nil
	Height int                // of the plot in px; 140 when zero
}

// Line is a line chart over labelled points (days), one or more panels
// stacked over a shared horizontal axis.
type Line struct {
	ID     string   // prefix of the element ids, unique on its page; "chart" when empty
	Title  string   // the accessible name
	Labels []string // one per point, in full: the day titles use them
	Axis   []string // the horizontal axis's text per point, shorter; Labels when nil
	Panels []Panel
}

// Layout of a Line, in px from the top.
const (
	legendRow = 26 // a legend, when a panel holds several series
	panelHead = 44 // a panel's name, then room for its top tick's label
	tickHead  = 22 // the room for the top tick's label alone
	panelFoot = 22
	axisRow   = 28
	maxPoints = 62 // above this, points are not marked, only joined
	axisTexts = 7  // x-axis labels on a wide screen; every other one on a narrow one
)

// SVG renders the chart.
func (c Line) SVG() []byte {
	n := len(c.Labels)
	axis := c.Axis
	if len(axis) != n {
		axis = c.Labels
	}
	legendNames := c.legend()
	top := 0
	if len(legendNames) > 1 {
		top = legendRow
	}
	type band struct{ plotTop, plotH int }
	bands := make([]band, len(c.Panels))
	y := top
	for i, p := range c.Panels {
		h := p.Height
		if h <= 0 {
			h = 140
		}
		head := panelHead
		if p.Name == "" {
			head = tickHead
		}
		bands[i] = band{y + head, h}
		y += head + h + panelFoot
	}
	height := y - panelFoot + axisRow
	if n == 0 || len(c.Panels) == 0 {
		height = top + 40
	}

	var b bytes.Buffer
	open(&b, c.ID, height, c.Title, c.describe())
	if len(legendNames) > 1 {
		legend(&b, legendNames, top-8)
	}
	if n == 0 || len(c.Panels) == 0 {
		fmt.Fprintf(&b, `<text x="0" y="%d" fill="%s">no data</text>`+"\n", top+24, inkMuted)
		b.WriteString("</svg>\n")
		return b.Bytes()
	}
	// The centre of point i's column, in percent of the width.
	x := func(i int) float64 { return 100 * (float64(i) + 0.5) / float64(n) }
	for pi, p := range c.Panels {
		format := orPlain(p.Format)
		lo, hi := int64(0), int64(0)
		for _, s := range p.Series {
			for _, v := range s.Values {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
		ticks := niceTicks(lo, hi, 4)
		lo, hi = ticks[0], ticks[len(ticks)-1]
		bd := bands[pi]
		yv := func(v int64) float64 {
			return float64(bd.plotTop) + float64(bd.plotH)*(1-float64(v-lo)/float64(hi-lo))
		}
		if p.Name != "" {
			fmt.Fprintf(&b, `<text x="0" y="%d" font-weight="600" fill="%s">%s</text>`+"\n", bd.plotTop-panelHead+16, inkText, esc(p.Name))
		}
		for _, t := range ticks {
			stroke := inkGrid
			if t == 0 && lo < 0 {
				stroke = inkZero
			}
			fmt.Fprintf(&b, `<line x1="0" y1="%s" x2="100%%" y2="%s" stroke="%s"/>`+"\n", f(yv(t)), f(yv(t)), stroke)
		}
		for si, s := range p.Series {
			colour := Palette[si%len(Palette)]
			m := min(len(s.Values), n)
			if m == 0 {
				continue
			}
			fmt.Fprintf(&b, `<g class="series" stroke="%s" stroke-width="2.5" fill="%s">`+"\n", colour, colour)
			for i := 1; i < m; i++ {
				fmt.Fprintf(&b, `<line x1="%s%%" y1="%s" x2="%s%%" y2="%s"/>`+"\n", f(x(i-1)), f(yv(s.Values[i-1])), f(x(i)), f(yv(s.Values[i])))
			}
			if n <= maxPoints || m == 1 {
				for i := range m {
					fmt.Fprintf(&b, `<circle cx="%s%%" cy="%s" r="3" stroke="none"/>`+"\n", f(x(i)), f(yv(s.Values[i])))
				}
			}
			b.WriteString("</g>\n")
		}
		// Tick labels sit above their grid lines at the left (a gutter in
		// px cannot be taken from a width in percent), over the lines with
		// a halo so that a line crossing them leaves them readable.
		for _, t := range ticks {
			fmt.Fprintf(&b, `<text x="0" y="%s" fill="%s" stroke="#fff" stroke-width="4" paint-order="stroke">%s</text>`+"\n",
				f(yv(t)-5), inkMuted, esc(format(t)))
		}
	}
	last := bands[len(bands)-1]
	axisY := last.plotTop + last.plotH + 22
	positions := labelIndexes(n, axisTexts)
	for k, i := range positions {
		anchor := "middle"
		if k == 0 && n > 1 {
			anchor = "start"
		} else if k == len(positions)-1 && n > 1 {
			anchor = "end"
		}
		xp := x(i)
		if anchor == "start" {
			xp = 0
		} else if anchor == "end" {
			xp = 100
		}
		// On a narrow screen only the first, middle and last stay (CSS
		// hides .minor), so that the texts never run into each other.
		class := "x"
		if k != 0 && k != len(positions)-1 && k != len(positions)/2 {
			class = "x minor"
		}
		fmt.Fprintf(&b, `<text x="%s%%" y="%d" text-anchor="%s" fill="%s" class="%s">%s</text>`+"\n", f(xp), axisY, anchor, inkMuted, class, esc(axis[i]))
	}
	// One transparent column per day over every panel, titled with the
	// day's values: hovering anywhere above a day reads it.
	first, end := bands[0].plotTop, last.plotTop+last.plotH
	for i := range n {
		fmt.Fprintf(&b, `<rect x="%s%%" y="%d" width="%s%%" height="%d" fill="transparent"><title>%s</title></rect>`+"\n",
			f(100*float64(i)/float64(n)), first-8, f(100/float64(n)), end-first+16, esc(c.dayTitle(i)))
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// legend lists the series names when they are the same in every panel
// (the currencies of commission and of sales); nil when there is nothing
// to tell apart.
func (c Line) legend() []string {
	var names []string
	for _, p := range c.Panels {
		if len(p.Series) > len(names) {
			names = names[:0]
			for _, s := range p.Series {
				names = append(names, s.Name)
			}
		}
	}
	return names
}

// dayTitle is point i's values, one line per panel and series.
func (c Line) dayTitle(i int) string {
	lines := []string{c.Labels[i]}
	for _, p := range c.Panels {
		for _, s := range p.Series {
			var v int64
			if i < len(s.Values) {
				v = s.Values[i]
			}
			format := s.Format
			if format == nil {
				format = orPlain(p.Format)
			}
			name := p.Name
			if len(p.Series) > 1 || name == "" {
				name = strings.TrimSpace(name + " " + s.Name)
			}
			lines = append(lines, name+": "+format(v))
		}
	}
	return strings.Join(lines, "\n")
}

func (c Line) describe() string {
	if len(c.Labels) == 0 || len(c.Panels) == 0 {
		return "no data"
	}
	return fmt.Sprintf("%d days from %s to %s", len(c.Labels), c.Labels[0], c.Labels[len(c.Labels)-1])
}

// Bars is a horizontal bar chart: one bar per label, in the order given.
type Bars struct {
	ID     string // prefix of the element ids, unique on its page; "chart" when empty
	Title  string // the accessible name
	Labels []string
	Values []int64
	Format func(int64) string
}

// SVG renders the chart; its height follows the number of bars. Each bar
// has its label and value on a line above it, so that neither needs a
// column of fixed width beside a bar whose length is a percentage.
func (c Bars) SVG() []byte {
	const rowH, top = 44, 0
	h := top + rowH*max(len(c.Labels), 1) + 4
	format := orPlain(c.Format)
	lo, hi := int64(0), int64(0)
	for _, v := range c.Values {
		lo, hi = min(lo, v), max(hi, v)
	}
	span := hi - lo
	zero := 100 * ratio(-lo, span)
	var b bytes.Buffer
	open(&b, c.ID, h, c.Title, fmt.Sprintf("%d bars", len(c.Labels)))
	for i, label := range c.Labels {
		var v int64
		if i < len(c.Values) {
			v = c.Values[i]
		}
		row := top + rowH*i
		length := 100 * ratio(abs(v), span)
		left := zero
		if v < 0 {
			left = zero - length
		}
		fmt.Fprintf(&b, `<text x="0" y="%d" fill="%s">%s</text>`+"\n", row+18, inkText, esc(clip(label, 28)))
		fmt.Fprintf(&b, `<text x="100%%" y="%d" text-anchor="end" fill="%s">%s</text>`+"\n", row+18, inkMuted, esc(format(v)))
		fmt.Fprintf(&b, `<rect x="%s%%" y="%d" width="%s%%" height="14" fill="%s"><title>%s: %s</title></rect>`+"\n",
			f(left), row+25, f(length), Palette[0], esc(label), esc(format(v)))
	}
	if len(c.Labels) == 0 {
		fmt.Fprintf(&b, `<text x="0" y="%d" fill="%s">no data</text>`+"\n", top+24, inkMuted)
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

func open(b *bytes.Buffer, id string, h int, title, desc string) {
	if id == "" {
		id = "chart"
	}
	id = esc(id)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="100%%" height="%d" class="chart" role="img" aria-labelledby="%s-t %s-d" font-family="system-ui, sans-serif" font-size="%d">`+"\n",
		h, id, id, fontSize)
	fmt.Fprintf(b, "<title id=\"%s-t\">%s</title>\n<desc id=\"%s-d\">%s</desc>\n", id, esc(title), id, esc(desc))
}

// legend draws the series' swatches left to right on the baseline y; the
// text widths are estimated (about 9 px a character at 15 px).
func legend(b *bytes.Buffer, names []string, y int) {
	x := 0
	for i, name := range names {
		name = clip(name, 24)
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="14" height="14" fill="%s"/><text x="%d" y="%d" fill="%s">%s</text>`+"\n",
			x, y-12, Palette[i%len(Palette)], x+20, y, inkText, esc(name))
		x += 20 + 9*len([]rune(name)) + 18
	}
}

// niceTicks covers [lo, hi] with about n steps of 1, 2 or 5 times a power
// of ten, from a multiple of the step at or below lo.
func niceTicks(lo, hi int64, n int) []int64 {
	if hi <= lo {
		hi = lo + 1
	}
	raw := float64(hi-lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := int64(mag)
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = int64(m * mag)
			break
		}
	}
	step = max(step, 1)
	start := lo / step * step
	if start > lo {
		start -= step
	}
	var out []int64
	for t := start; ; t += step {
		out = append(out, t)
		if t >= hi {
			break
		}
	}
	return out
}

// labelIndexes picks at most n evenly spread indexes of count labels,
// always the first and the last.
func labelIndexes(count, n int) []int {
	if count <= n {
		out := make([]int, count)
		for i := range out {
			out[i] = i
		}
		return out
	}
	out := make([]int, n)
	for i := range n {
		out[i] = i * (count - 1) / (n - 1)
	}
	return out
}

func orPlain(format func(int64) string) func(int64) string {
	if format == nil {
		return plain
	}
	return format
}

func ratio(part, whole int64) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole)
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// f formats a coordinate with two decimals at most: enough for a screen
// (a hundredth of a percent of 2000 px is under a pixel), stable for goldens.
func f(v float64) string { return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) }

func plain(v int64) string { return strconv.FormatInt(v, 10) }

func esc(s string) string { return html.EscapeString(s) }
