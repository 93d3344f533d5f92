package fxrate

import (
	"archive/zip"
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// render lists rates one a line, "DAY CUR RATE", for golden files.
func render(rates []Rate) string {
	var b strings.Builder
	for _, r := range rates {
		b.WriteString(r.Day.Format(time.DateOnly) + " " + r.Currency + " " + r.Value.String() + "\n")
	}
	return b.String()
}

func TestParseGolden(t *testing.T) {
	for _, name := range []string{"eurofxref-hist.csv", "eurofxref-daily.xml", "eurofxref-hist-90d.xml"} {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			rates, err := Parse(name, f)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(render(rates)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got := render(rates); got != string(want) {
				t.Errorf("Parse(%s):\n%s\nwant (%s):\n%s", name, got, golden, want)
			}
		})
	}
}

func zipped(t testing.TB, members map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range members {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The ECB's eurofxref-hist.zip holds the CSV: the same rates come out.
func TestParseZip(t *testing.T) {
	csv, err := os.ReadFile("testdata/eurofxref-hist.csv")
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Parse("eurofxref-hist.csv", bytes.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse("eurofxref-hist.zip", bytes.NewReader(zipped(t, map[string][]byte{"eurofxref-hist.csv": csv})))
	if err != nil {
		t.Fatal(err)
	}
	if render(got) != render(plain) {
		t.Errorf("zipped:\n%s\nplain:\n%s", render(got), render(plain))
	}
}

func TestParseErrors(t *testing.T) {
	const xmlHead = "<?xml version=\"1.0\"?>\n<gesmes:Envelope xmlns:gesmes=\"g\">\n<Cube>\n"
	tests := []struct {
		name, file, in, want string
	}{
		{"empty", "r.csv", "", "r.csv:1:1: empty file: want a header Date,USD,JPY,…"},
		{"not rates", "r.csv", "Fecha,USD\n", `r.csv:1:1: header starts with "Fecha": want Date,USD,JPY,… (eurofxref-hist.csv)`},
		{"bad code", "r.csv", "Date,USD,Yen,\n", `r.csv:1:10: column 3 is "Yen": want a three-letter currency code`},
		{"twice", "r.csv", "Date,USD,USD,\n", "r.csv:1:10: currency USD appears twice in the header"},
		{"no day", "r.csv", "Date,USD,\n", "r.csv:2:1: no rates: the file has a header and no day"},
		{"bad date", "r.csv", "Date,USD,\n2026-10-02,1.08,\n02/10/2026,1.08,\n", `r.csv:3:1: date "02/10/2026": want YYYY-MM-DD`},
		{"bad rate", "r.csv", "Date,USD,JPY,\n2026-10-02,1.08,16x.45,\n", `r.csv:2:17: JPY on 2026-10-02: rate "16x.45" is not a decimal number`},
		{"negative rate", "r.csv", "Date,USD,\n2026-10-02,-1.08,\n", `r.csv:2:12: USD on 2026-10-02: rate "-1.08" is not a decimal number`},
		{"zero rate", "r.csv", "Date,USD,\n2026-10-02,0.000,\n", `r.csv:2:12: USD on 2026-10-02: rate "0.000" is not positive`},
		{"short line", "r.csv", "Date,USD,JPY,\n2026-10-02,1.08\n", "r.csv:2:12: 2 cells: the header has 3"},
		{"day twice", "r.csv", "Date,USD,\n2026-10-02,1.08,\n2026-10-02,1.09,\n", "r.csv:3:1: date 2026-10-02 appears again (first on line 2)"},
		{"bad quote", "r.csv", "Date,USD,\n2026-10-02,\"1.08,\n", `r.csv:2:19: extraneous or missing " in quoted-field`},
		{"xml bad rate", "d.xml", xmlHead + "<Cube time='2026-10-02'>\n<Cube currency='USD' rate='1,08'/>\n</Cube></Cube></gesmes:Envelope>",
			`d.xml:5:35: USD on 2026-10-02: rate "1,08" is not a decimal number`},
		{"xml bad time", "d.xml", xmlHead + "<Cube time='2.10.2026'>\n</Cube></Cube></gesmes:Envelope>", `d.xml:4:24: Cube time="2.10.2026": want YYYY-MM-DD`},
		{"xml rate outside a day", "d.xml", xmlHead + "<Cube currency='USD' rate='1.08'/>\n</Cube></gesmes:Envelope>",
			`d.xml:4:35: Cube currency="USD" outside a Cube time="…"`},
		{"xml no rate attribute", "d.xml", xmlHead + "<Cube time='2026-10-02'>\n<Cube currency='USD'/>\n</Cube></Cube></gesmes:Envelope>",
			"d.xml:5:23: a Cube needs both currency and rate attributes"},
		{"xml truncated", "d.xml", xmlHead + "<Cube time='2026-10-02'>\n<Cube currency='USD' rate='1.08'/>\n", "d.xml:6: not well-formed XML: unexpected EOF"},
		{"xml no days", "d.xml", "<?xml version=\"1.0\"?>\n<html></html>\n", `d.xml:1:1: no rates: no Cube time="…" element (is this an ECB eurofxref file?)`},
		{"xml currency twice", "d.xml", xmlHead + "<Cube time='2026-10-02'>\n<Cube currency='USD' rate='1.08'/>\n<Cube currency='USD' rate='1.09'/>\n</Cube></Cube></gesmes:Envelope>",
			"d.xml:6:35: USD appears twice on 2026-10-02 (day from line 4)"},
		{"zip junk", "h.zip", "PK\x03\x04junk", "h.zip: not a readable ZIP: zip: not a valid zip file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rates, err := Parse(tc.file, strings.NewReader(tc.in))
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("Parse = %d rates, %v; want a located error", len(rates), err)
			}
			if rates != nil || err.Error() != tc.want {
				t.Errorf("Parse = %d rates, %q\nwant %q", len(rates), err, tc.want)
			}
		})
	}
}

func TestParseZipErrors(t *testing.T) {
	tests := []struct {
		name    string
		members map[string][]byte
		want    string
	}{
		{"bad csv inside", map[string][]byte{"eurofxref-hist.csv": []byte("Date,USD,\n2026-13-02,1.08,\n")},
			`h.zip/eurofxref-hist.csv:2:1: date "2026-13-02": want YYYY-MM-DD`},
		{"two members", map[string][]byte{"a.csv": nil, "b.csv": nil}, "h.zip: a rates ZIP holds one CSV file"},
		{"none", map[string][]byte{}, "h.zip: the ZIP holds no file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("h.zip", bytes.NewReader(zipped(t, tc.members)))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("Parse = %v; want %q", err, tc.want)
			}
		})
	}
}

// A ZIP member that inflates past MaxFileBytes stops there (a bomb).
func TestParseZipBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("inflates 64 MB")
	}
	// Blank lines: valid CSV all the way, so only the size can stop it.
	big := bytes.Repeat([]byte("\n"), MaxFileBytes+2)
	data := zipped(t, map[string][]byte{"eurofxref-hist.csv": append([]byte("Date,USD,\n2026-10-02,1.08,\n"), big...)})
	_, err := Parse("bomb.zip", bytes.NewReader(data))
	if err == nil || !strings.Contains(err.Error(), "larger than 64 MB") {
		t.Fatalf("Parse = %v; want too large", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"eurofxref-hist.csv", "eurofxref-daily.xml", "eurofxref-hist-90d.xml"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("Date,USD,\n2026-10-02,N/A,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rates, err := Parse("fuzz", bytes.NewReader(data))
		if err != nil {
			if rates != nil {
				t.Fatalf("rates beside an error: %v", err)
			}
			return
		}
		for _, r := range rates {
			if r.Value.Coef <= 0 || !isCode(r.Currency) {
				t.Fatalf("bad rate accepted: %+v", r)
			}
			// A stored rate reads back as itself.
			if back, err := ParseDecimal(r.Value.String()); err != nil || back != r.Value {
				t.Fatalf("%v does not round-trip: %v, %v", r.Value, back, err)
			}
		}
	})
}
