package chart

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func money(v int64) string { return "$" + plain(v/100) }

func TestGolden(t *testing.T) {
	cases := []struct {
		name string
		svg  []byte
	}{
		{"line", Line{Title: "Commission", Labels: []string{"2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"},
			Panels: []Panel{{Series: []Series{{Name: "USD", Values: []int64{1200, 5400, 300, 9900}}, {Name: "EUR", Values: []int64{0, 800, 1600, 400}}},
				Format: money}}}.SVG()},
		{"line-panels", Line{ID: "main", Title: "Commission and sales (USD)", Labels: []string{"2026-01-01", "2026-01-02", "2026-01-03"},
			Axis: []string{"1 Jan", "2 Jan", "3 Jan"}, Panels: []Panel{
				{Name: "Commission", Series: []Series{{Name: "USD", Values: []int64{120, 540, 30}}}, Format: money},
				{Name: "Sales", Series: []Series{{Name: "USD", Values: []int64{2999, 13500, 750}}}, Format: money, Height: 100},
			}}.SVG()},
		{"line-negative", Line{Title: "Net <returns> & sales", Labels: []string{"a", "b", "c"},
			Panels: []Panel{{Name: "net", Series: []Series{{Name: "net", Values: []int64{-250, 100, 40}}}}}}.SVG()},
		{"line-long", Line{Title: "Clicks", Labels: days(30), Panels: []Panel{{Series: []Series{{Name: "clicks", Values: ramp(30)}}}}}.SVG()},
		{"line-year", Line{Title: "Clicks", Labels: days(90), Panels: []Panel{{Series: []Series{{Name: "clicks", Values: ramp(90)}}}}}.SVG()},
		{"line-one-day", Line{Title: "Clicks", Labels: days(1), Panels: []Panel{{Series: []Series{{Name: "clicks", Values: []int64{7}}}}}}.SVG()},
		{"line-empty", Line{Title: "Nothing"}.SVG()},
		{"bars", Bars{Title: "By channel", Labels: []string{"store-20", "a-very-long-tracking-id-name-21", "x"},
			Values: []int64{90000, 4500, -1200}, Format: money}.SVG()},
		{"bars-empty", Bars{Title: "By program"}.SVG()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := xml.Unmarshal(c.svg, new(struct{})); err != nil {
				t.Fatalf("not well-formed XML: %v\n%s", err, c.svg)
			}
			path := filepath.Join("testdata", c.name+".svg")
			if *update {
				if err := os.WriteFile(path, c.svg, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/chart -update)", err)
			}
			if !bytes.Equal(c.svg, want) {
				t.Errorf("%s differs from the golden file; run with -update if intended\ngot:\n%s", path, c.svg)
			}
		})
	}
}

func TestNiceTicks(t *testing.T) {
	cases := []struct {
		lo, hi int64
		want   []int64
	}{
		{0, 0, []int64{0, 1}},
		{0, 9900, []int64{0, 5000, 10000}},
		{0, 7, []int64{0, 2, 4, 6, 8}},
		{-250, 100, []int64{-300, -200, -100, 0, 100}},
		{0, 1_000_000_000_000, []int64{0, 500_000_000_000, 1_000_000_000_000}},
	}
	for _, c := range cases {
		got := niceTicks(c.lo, c.hi, 4)
		if !slices.Equal(got, c.want) {
			t.Errorf("niceTicks(%d, %d) = %v, want %v", c.lo, c.hi, got, c.want)
		}
		if got[0] > c.lo || got[len(got)-1] < c.hi {
			t.Errorf("niceTicks(%d, %d) = %v does not cover the range", c.lo, c.hi, got)
		}
	}
}

func TestLabelIndexes(t *testing.T) {
	if got := labelIndexes(30, 6); !slices.Equal(got, []int{0, 5, 11, 17, 23, 29}) {
		t.Errorf("labelIndexes(30, 6) = %v", got)
	}
	if got := labelIndexes(3, 6); !slices.Equal(got, []int{0, 1, 2}) {
		t.Errorf("labelIndexes(3, 6) = %v", got)
	}
}

func days(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "d" + plain(int64(i+1))
	}
	return out
}

func ramp(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i * i % 17)
	}
	return out
}

// TestReadable checks what keeps the text readable at any width: no
// viewBox (which would scale the text with the drawing), text at the
// body's 15 px or larger, and at most three x-axis texts left on a narrow
// screen, where CSS hides the "minor" ones.
func TestReadable(t *testing.T) {
	charts := map[string][]byte{
		"line-365": Line{Title: "Commission", Labels: days(365), Panels: []Panel{{Name: "Commission", Series: []Series{{Name: "USD", Values: ramp(365)}}}}}.SVG(),
		"line-7":   Line{Title: "Clicks", Labels: days(7), Panels: []Panel{{Series: []Series{{Name: "clicks", Values: ramp(7)}}}}}.SVG(),
		"bars":     Bars{Title: "By channel", Labels: []string{"a", "b"}, Values: []int64{3, -1}}.SVG(),
	}
	for name, svg := range charts {
		t.Run(name, func(t *testing.T) {
			var root node
			if err := xml.Unmarshal(svg, &root); err != nil {
				t.Fatal(err)
			}
			if root.attr("viewBox") != "" || root.attr("width") != "100%" {
				t.Errorf("viewBox %q, width %q: the drawing would scale its text", root.attr("viewBox"), root.attr("width"))
			}
			if root.attr("font-size") != "15" {
				t.Errorf("font-size %q, want the body's 15", root.attr("font-size"))
			}
			axis, narrow := 0, 0
			root.walk(func(n node) {
				if n.XMLName.Local != "text" {
					return
				}
				if fs := n.attr("font-size"); fs != "" {
					if size, err := strconv.Atoi(fs); err != nil || size < 15 {
						t.Errorf("text %q at font-size %q", n.Text, fs)
					}
				}
				switch n.attr("class") {
				case "x":
					axis, narrow = axis+1, narrow+1
				case "x minor":
					axis++
				}
			})
			if strings.HasPrefix(name, "line") && (narrow != 3 || axis != 7) {
				t.Errorf("%d x-axis texts, %d of them on a narrow screen", axis, narrow)
			}
		})
	}
}

// TestDayTitles checks the text a day's column shows on hover: the day,
// then each panel's value, named by series when a panel has several.
func TestDayTitles(t *testing.T) {
	usd := func(v int64) string { return "USD " + plain(v) }
	c := Line{Labels: []string{"2026-01-01", "2026-01-02"}, Panels: []Panel{
		{Name: "Commission", Series: []Series{{Name: "USD", Values: []int64{5, 6}, Format: usd}, {Name: "EUR", Values: []int64{7}}}},
		{Name: "Sales", Series: []Series{{Name: "USD", Values: []int64{50, 60}}}, Format: usd},
	}}
	cases := []struct {
		day  int
		want string
	}{
		{0, "2026-01-01\nCommission USD: USD 5\nCommission EUR: 7\nSales: USD 50"},
		{1, "2026-01-02\nCommission USD: USD 6\nCommission EUR: 0\nSales: USD 60"},
	}
	for _, c2 := range cases {
		if got := c.dayTitle(c2.day); got != c2.want {
			t.Errorf("day %d: %q, want %q", c2.day, got, c2.want)
		}
	}
	if n := bytes.Count(c.SVG(), []byte(`fill="transparent"><title>`)); n != 2 {
		t.Errorf("%d titled day columns, want 2", n)
	}
}

// node is any XML element, for walking an SVG.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []node     `xml:",any"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) walk(fn func(node)) {
	fn(n)
	for _, c := range n.Nodes {
		c.walk(fn)
	}
}
