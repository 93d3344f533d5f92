package chart

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"slices"
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
			Series: []Series{{"USD", []int64{1200, 5400, 300, 9900}}, {"EUR", []int64{0, 800, 1600, 400}}}, Format: money}.SVG()},
		{"line-negative", Line{Title: "Net <returns> & sales", Labels: []string{"a", "b", "c"},
			Series: []Series{{"net", []int64{-250, 100, 40}}}}.SVG()},
		{"line-long", Line{Title: "Clicks", Labels: days(30), Series: []Series{{"clicks", ramp(30)}}}.SVG()},
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
