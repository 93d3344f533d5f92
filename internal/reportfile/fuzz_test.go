package reportfile_test

import (
	"bytes"
	"errors"
	. "github.com/affsync/affsync/internal/reportfile"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
)

// seeds are this package's fixtures and the generated gzip, ZIP and XLSX
// inputs (the real sample among them).
func seeds(f *testing.F) {
	for _, name := range fixtures(f) {
		f.Add(name, fixture(f, name))
	}
	for name, data := range generated(f) {
		f.Add(name, data)
	}
}

// drain reads every row of every table; errors must be located *Error values.
func drain(t *testing.T, name string, data []byte, lim Limits) {
	err := Open(name, bytes.NewReader(data), amazon, lim, func(tb *Table) error {
		for {
			r, err := tb.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			for _, c := range tb.Columns {
				r.Get(c)
				r.Header(c)
			}
		}
	})
	var ie *Error
	if err != nil && !errors.As(err, &ie) {
		t.Fatalf("%s: unlocated error %T: %v", name, err, err)
	}
}

func small() Limits {
	return Limits{MaxMemberBytes: 1 << 20, MaxLineBytes: 4 << 10, MaxXMLDepth: 16, MaxMembers: 20}
}

// FuzzOpen: any bytes under any name, through sniffing and every reader.
func FuzzOpen(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, name string, data []byte) { drain(t, name, data, small()) })
}

// FuzzCSV: the text reader behind a valid header.
func FuzzCSV(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		drain(t, name+".tsv", append([]byte("ASIN\tEarnings\n"), data...), small())
	})
}

// FuzzXML: the XML reader inside a <Data> root.
func FuzzXML(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		drain(t, name, append([]byte("<Data>"), data...), small())
	})
}

// FuzzXLSX: workbooks with bytes changed in place.
func FuzzXLSX(f *testing.F) {
	f.Add(workbook(f), uint(100), byte(0))
	f.Add(records(f, true), uint(100), byte(0))
	f.Fuzz(func(t *testing.T, data []byte, at uint, b byte) {
		if len(data) > 0 {
			data = bytes.Clone(data)
			data[at%uint(len(data))] = b
		}
		drain(t, "report.xlsx", data, small())
	})
}

// FuzzExcelNumber: a number cell read exactly is the same number as the
// float64 its text stands for, to the 15 digits a spreadsheet keeps.
func FuzzExcelNumber(f *testing.F) {
	for _, s := range []string{"12.5", "0.30000000000000004", "1.5E-2", "-9.9999999999999999", "1E+30", "1,5", ".5", "007"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, ok := ExcelNumber(in)
		if !ok {
			if out != in {
				t.Fatalf("ExcelNumber(%q) changed text to %q", in, out)
			}
			return
		}
		if strings.ContainsAny(out, "eE+,") || strings.Count(out, ".") > 1 {
			t.Fatalf("ExcelNumber(%q) = %q, not a plain decimal", in, out)
		}
		want, err1 := strconv.ParseFloat(strings.TrimSpace(in), 64)
		got, err2 := strconv.ParseFloat(out, 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("ExcelNumber(%q) = %q: %v %v", in, out, err1, err2)
		}
		if diff := math.Abs(got - want); diff > 1e-14*math.Abs(want) && diff > 1e-300 {
			t.Fatalf("ExcelNumber(%q) = %q: %g, want %g", in, out, got, want)
		}
	})
}

func FuzzSplitFields(f *testing.F) {
	f.Add("a\t\"b\"\"c\"\td", byte('\t'))
	f.Add("\"x,y\",z", byte(','))
	f.Add("\"open,z", byte(','))
	f.Fuzz(func(t *testing.T, line string, delim byte) {
		fields, col, err := SplitFields(line, delim)
		if err == nil && len(fields) == 0 {
			t.Fatal("no fields and no error")
		}
		if err != nil && (col < 1 || col > len(line)+1) {
			t.Fatalf("error at column %d of a %d-byte line", col, len(line))
		}
	})
}
