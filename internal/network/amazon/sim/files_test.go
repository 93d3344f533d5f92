package sim

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func newSim(t *testing.T, cfg Config) *Server {
	t.Helper()
	if cfg.Today.IsZero() {
		cfg.Today = today
	}
	if cfg.Now == nil {
		cfg.Now = newClock().Now
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	return s
}

func TestDeterminism(t *testing.T) {
	base := newSim(t, Config{Seed: 1, Days: 20})
	tests := []struct {
		name string
		cfg  Config
		same bool
	}{
		{"same seed and today", Config{Seed: 1, Days: 20}, true},
		{"same seed, another clock", Config{Seed: 1, Days: 20, Now: func() time.Time { return today.AddDate(0, 0, 3) }}, true},
		{"another seed", Config{Seed: 2, Days: 20}, false},
		{"another today", Config{Seed: 1, Days: 20, Today: today.AddDate(0, 0, 1)}, false},
		{"another store", Config{Seed: 1, Days: 20, StoreID: "other-20"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			other := newSim(t, tc.cfg)
			a, b := base.Files(), other.Files()
			identical := len(a) == len(b)
			differing := 0
			for i := 0; identical && i < len(a); i++ {
				ba, _ := base.File(a[i].Name)
				bb, _ := other.File(b[i].Name)
				if a[i] != b[i] || !bytes.Equal(ba, bb) {
					identical = false
				}
			}
			for i := 0; i < min(len(a), len(b)); i++ {
				if a[i].MD5 != b[i].MD5 {
					differing++
				}
			}
			if tc.same && !identical {
				t.Errorf("files differ")
			}
			if !tc.same && differing < len(a)/2 {
				t.Errorf("only %d of %d files differ", differing, len(a))
			}
		})
	}
}

// TestGolden pins the bytes of a small account: every file, gunzipped, and
// its truth. Regenerate with -update after a deliberate change.
func TestGolden(t *testing.T) {
	s := newSim(t, Config{Seed: 1, Days: 2})
	dir := filepath.Join("testdata", "golden")
	got := map[string][]byte{}
	for _, f := range s.Files() {
		b, _ := s.File(f.Name)
		got[strings.TrimSuffix(f.Name, ".gz")] = []byte(gunzipT(t, f.Name, b))
	}
	truth, err := json.MarshalIndent(s.Truth(), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	got["truth.json"] = append(truth, '\n')
	if *update {
		os.RemoveAll(dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range got {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if len(entries) != len(got) {
		t.Errorf("%d golden files, %d made", len(entries), len(got))
	}
	for name, b := range got {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(b, want) {
			t.Errorf("%s differs from its golden file (run with -update if deliberate): %v", name, err)
		}
	}
}

var wantHeaders = map[string][]string{
	"earnings":         {"Product Line", "Item", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price", "Referral Fee Rate", "Quantity", "Revenue", "Earnings"},
	"earnings-subtags": {"Product Line", "Item", "ASIN", "Seller", "Tracking ID", "Date Shipped", "Price", "Referral Fee Rate", "Quantity", "Revenue", "Earnings", "Sub Tag"},
	"orders": {"Product Line", "Item", "ASIN", "Date Ordered", "Price", "Link Type", "Tracking ID", "Direct Conversion Percentage",
		"Direct Clicks", "Direct Ordered Quantity", "Indirect Ordered Quantity", "Total Ordered Quantity", "Sub Tag"},
	"tracking":      {"Associate ID", "Clicks", "Items Ordered", "Items Shipped", "Ordered Revenue", "Shipped Revenue", "Referral Fees", "Shipped Earnings"},
	"bounty":        {"Name", "Date Shipped", "Tracking Id", "Quantity", "Ad Fees", "Sub Tag"},
	"cp-utm-source": {"UTM Source", "Clicks", "Items Ordered"},
}

var fileName = regexp.MustCompile(`^demo-20-(earnings|orders|tracking|bounty|cp-utm-source)-report(-subtags)?-(\d{8})\.(tsv|xml)\.gz$`)

var dateColumn = map[string]string{"earnings": "Date Shipped", "earnings-subtags": "Date Shipped", "orders": "Date Ordered", "bounty": "Date Shipped"}

// TestFiles checks every file of a 60-day account: its name, that it
// gunzips, its title and header, one date spelling per file, dates of its
// own day, and the XML flavour against the TSV of the same day.
func TestFiles(t *testing.T) {
	for _, seed := range []int64{1, 2} {
		s := newSim(t, Config{Seed: seed})
		files := s.Files()
		if want := 60*fileKinds + 1; len(files) != want {
			t.Fatalf("%d files, want %d", len(files), want)
		}
		layouts := map[string]bool{}
		tsvRows := map[string]int{} // day → earnings rows
		for _, f := range files {
			m := fileName.FindStringSubmatch(f.Name)
			if m == nil {
				t.Fatalf("file name %q", f.Name)
			}
			typ, day := m[1]+m[2], mustDay(t, m[3])
			if day.Before(today.AddDate(0, 0, -60)) || !day.Before(today) {
				t.Errorf("%s: day outside the 60 days before today", f.Name)
			}
			b, _ := s.File(f.Name)
			text := gunzipT(t, f.Name, b)
			if m[4] == "xml" {
				checkXML(t, f.Name, text, day)
				continue
			}
			tb := readTSV(t, f.Name, text)
			d := day.Format("01-02-2006")
			if !strings.HasSuffix(tb.title, "from "+d+" to "+d) {
				t.Errorf("%s: title %q does not cover its day", f.Name, tb.title)
			}
			if !slices.Equal(tb.header, wantHeaders[typ]) {
				t.Errorf("%s: header %q", f.Name, tb.header)
			}
			if typ == "earnings-subtags" {
				tsvRows[m[3]] = len(tb.rows)
			}
			col := dateColumn[typ]
			layout := ""
			for _, r := range tb.rows {
				if col == "" {
					break
				}
				if !parseDay(t, r[col]).Equal(day) {
					t.Errorf("%s: a row dated %s", f.Name, r[col])
				}
				l := "iso"
				if !strings.Contains(r[col], "-") {
					l = "long"
				}
				if layout != "" && l != layout {
					t.Errorf("%s: two date spellings", f.Name)
				}
				layout, layouts[l] = l, true
			}
		}
		if len(layouts) != 2 {
			t.Errorf("seed %d: date spellings %v, want both across files", seed, layouts)
		}
		for _, f := range files {
			if m := fileName.FindStringSubmatch(f.Name); m[4] == "xml" {
				b, _ := s.File(f.Name)
				if n := strings.Count(gunzipT(t, f.Name, b), "<Item "); n != tsvRows[m[3]] {
					t.Errorf("%s: %d items, the TSV has %d rows", f.Name, n, tsvRows[m[3]])
				}
			}
		}
	}
}

func mustDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse("20060102", s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

type xmlEarnings struct {
	Items []struct {
		ASIN     string `xml:"ASIN,attr"`
		Category string `xml:"Category,attr"`
		Date     string `xml:"Date,attr"`
		EDate    int64  `xml:"EDate,attr"`
		Earnings string `xml:"Earnings,attr"`
		Qty      int64  `xml:"Qty,attr"`
		Revenue  string `xml:"Revenue,attr"`
		Tag      string `xml:"Tag,attr"`
		Title    string `xml:"Title,attr"`
	} `xml:"Items>Item"`
	FinalEarnings string `xml:"FinalEarnings"`
	ProductLines  []struct {
		ID   string `xml:"GLProductGroupID"`
		Name string `xml:"ProductGroupName"`
	} `xml:"ProductLine_array>ProductLine"`
}

func checkXML(t *testing.T, name, text string, day time.Time) {
	t.Helper()
	if !strings.HasPrefix(text, `<?xml version="1.0"?><Data><Items>`) {
		t.Errorf("%s: starts %.40q", name, text)
	}
	var x xmlEarnings
	if err := xml.Unmarshal([]byte(text), &x); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	lines := map[string]bool{}
	for _, p := range x.ProductLines {
		lines[p.ID] = p.Name != ""
	}
	var sum int64
	for _, it := range x.Items {
		sum += cents(t, it.Earnings)
		if !lines[it.Category] {
			t.Errorf("%s: category %s not in ProductLine_array", name, it.Category)
		}
		if it.EDate != day.Unix() || it.Date != day.Format("January 02, 2006") {
			t.Errorf("%s: item dated %s / %d", name, it.Date, it.EDate)
		}
	}
	if got := cents(t, x.FinalEarnings); got != sum {
		t.Errorf("%s: FinalEarnings %d, items sum to %d", name, got, sum)
	}
}
