// Package chart draws small line and bar charts as SVG on the server, so the
// dashboard needs no JavaScript and no CDN to show them. Values are int64
// (minor units, counts): the package never rounds money it was given, only
// pixel positions. Output is deterministic, so it can be golden-tested.
package chart

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"strconv"
)

// Palette is the series colours, in order; chosen to stay apart for the
// common colour-vision deficiencies.
var Palette = []string{"#1f6feb", "#e36209", "#2da44e", "#8250df", "#bf3989", "#6e7781"}

// Series is one named line.
type Series struct {
	Name   string
	Values []int64 // one per label; a missing day is 0
}

// Line is a line chart over labelled points (days).
type Line struct {
	ID     string // prefix of the element ids, unique on its page; "chart" when empty
	Title  string
	Labels []string
	Series []Series
	Format func(int64) string // axis values; plain integers when nil
	Width  int                // viewBox width; 640 when zero
	Height int                // viewBox height; 240 when zero
}

const (
	padLeft   = 64
	padRight  = 12
	padTop    = 28
	padBottom = 28
)

// SVG renders the chart.
func (c Line) SVG() []byte {
	w, h := size(c.Width, c.Height, 640, 240)
	format := c.Format
	if format == nil {
		format = plain
	}
	lo, hi := int64(0), int64(0)
	for _, s := range c.Series {
		for _, v := range s.Values {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	ticks := niceTicks(lo, hi, 4)
	lo, hi = ticks[0], ticks[len(ticks)-1]
	plotW, plotH := float64(w-padLeft-padRight), float64(h-padTop-padBottom)
	x := func(i int) float64 {
		if len(c.Labels) <= 1 {
			return padLeft + plotW/2
		}
		return padLeft + plotW*float64(i)/float64(len(c.Labels)-1)
	}
	y := func(v int64) float64 { return padTop + plotH*(1-float64(v-lo)/float64(hi-lo)) }

	var b bytes.Buffer
	open(&b, c.ID, w, h, c.Title, describe(c))
	for _, t := range ticks {
		fmt.Fprintf(&b, `<line x1="%d" y1="%s" x2="%d" y2="%s" stroke="#d8dde3"/>`+"\n", padLeft, f(y(t)), w-padRight, f(y(t)))
		fmt.Fprintf(&b, `<text x="%d" y="%s" text-anchor="end" font-size="11" fill="#5b6673">%s</text>`+"\n", padLeft-6, f(y(t)+4), esc(format(t)))
	}
	for _, i := range labelIndexes(len(c.Labels), 6) {
		anchor := "middle"
		if i == 0 && len(c.Labels) > 1 {
			anchor = "start"
		} else if i == len(c.Labels)-1 && len(c.Labels) > 1 {
			anchor = "end"
		}
		fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="%s" font-size="11" fill="#5b6673">%s</text>`+"\n", f(x(i)), h-8, anchor, esc(c.Labels[i]))
	}
	for si, s := range c.Series {
		colour := Palette[si%len(Palette)]
		if len(s.Values) == 0 {
			continue
		}
		var pts bytes.Buffer
		for i, v := range s.Values {
			if i >= len(c.Labels) {
				break
			}
			if i > 0 {
				pts.WriteByte(' ')
			}
			pts.WriteString(f(x(i)) + "," + f(y(v)))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"><title>%s</title></polyline>`+"\n", colour, pts.String(), esc(s.Name))
	}
	legend(&b, c.Series, w)
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// Bars is a horizontal bar chart: one bar per label, longest first as given.
type Bars struct {
	ID     string // prefix of the element ids, unique on its page; "chart" when empty
	Title  string
	Labels []string
	Values []int64
	Format func(int64) string
	Width  int // viewBox width; 640 when zero
}

// SVG renders the chart; its height follows the number of bars.
func (c Bars) SVG() []byte {
	const rowH, labelW, valueW = 22, 150, 110
	w, _ := size(c.Width, 1, 640, 1)
	h := padTop + rowH*max(len(c.Labels), 1) + 8
	format := c.Format
	if format == nil {
		format = plain
	}
	lo, hi := int64(0), int64(0)
	for _, v := range c.Values {
		lo, hi = min(lo, v), max(hi, v)
	}
	span := hi - lo
	plotW := float64(w - labelW - valueW)
	zero := labelW + plotW*ratio(-lo, span)
	var b bytes.Buffer
	desc := fmt.Sprintf("%d bars", len(c.Labels))
	open(&b, c.ID, w, h, c.Title, desc)
	for i, label := range c.Labels {
		var v int64
		if i < len(c.Values) {
			v = c.Values[i]
		}
		top := float64(padTop + rowH*i)
		length := plotW * ratio(abs(v), span)
		left := zero
		if v < 0 {
			left = zero - length
		}
		fmt.Fprintf(&b, `<text x="%d" y="%s" text-anchor="end" font-size="12" fill="#1d232b">%s</text>`+"\n", labelW-6, f(top+15), esc(clip(label, 22)))
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="16" fill="%s"><title>%s: %s</title></rect>`+"\n",
			f(left), f(top+3), f(math.Max(length, 1)), Palette[0], esc(label), esc(format(v)))
		fmt.Fprintf(&b, `<text x="%d" y="%s" font-size="12" fill="#5b6673">%s</text>`+"\n", w-valueW+6, f(top+15), esc(format(v)))
	}
	if len(c.Labels) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#5b6673">no data</text>`+"\n", labelW, padTop+15)
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

func open(b *bytes.Buffer, id string, w, h int, title, desc string) {
	if id == "" {
		id = "chart"
	}
	id = esc(id)
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" class="chart" role="img" aria-labelledby="%s-t %s-d">`+"\n", w, h, id, id)
	fmt.Fprintf(b, "<title id=\"%s-t\">%s</title>\n<desc id=\"%s-d\">%s</desc>\n", id, esc(title), id, esc(desc))
	fmt.Fprintf(b, `<text x="%d" y="16" font-size="13" font-weight="600" fill="#1d232b">%s</text>`+"\n", 4, esc(title))
}

func legend(b *bytes.Buffer, series []Series, w int) {
	x := w - padRight
	for i := len(series) - 1; i >= 0; i-- {
		name := clip(series[i].Name, 24)
		x -= 7*len([]rune(name)) + 22
		fmt.Fprintf(b, `<rect x="%d" y="7" width="12" height="12" fill="%s"/><text x="%d" y="17" font-size="11" fill="#1d232b">%s</text>`+"\n",
			x, Palette[i%len(Palette)], x+16, esc(name))
	}
}

func describe(c Line) string {
	if len(c.Labels) == 0 {
		return "no data"
	}
	return fmt.Sprintf("%d series from %s to %s", len(c.Series), c.Labels[0], c.Labels[len(c.Labels)-1])
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

func size(w, h, dw, dh int) (int, int) {
	if w <= 0 {
		w = dw
	}
	if h <= 0 {
		h = dh
	}
	return w, h
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

// f formats a coordinate with one decimal: enough for a screen, stable for goldens.
func f(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

func plain(v int64) string { return strconv.FormatInt(v, 10) }

func esc(s string) string { return html.EscapeString(s) }
