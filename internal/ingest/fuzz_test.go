package ingest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// seeds are the flavours' fixtures and the real sample.
func seeds(f *testing.F) {
	dir := filepath.Join("..", "network", "amazon", "testdata", "normalise")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && filepath.Ext(e.Name()) != ".json" {
			f.Add(e.Name(), data)
		}
	}
	if data, err := os.ReadFile("../../../shared/amazon/samples/earnings-one-item.xml"); err == nil {
		f.Add("sample.xml", data)
	}
}

// drain reads every row of every table; errors must be located *Error values.
func drain(t *testing.T, name string, data []byte, lim Limits) {
	err := Open(name, bytes.NewReader(data), lim, func(tb *Table) error {
		for {
			_, err := tb.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
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

func FuzzOpen(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, name string, data []byte) { drain(t, name, data, small()) })
}

func FuzzText(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		drain(t, name+".tsv", append([]byte("ASIN\tEarnings\n"), data...), small())
	})
}

func FuzzXML(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		drain(t, name, append([]byte("<Data>"), data...), small())
	})
}

func FuzzSplitFields(f *testing.F) {
	f.Add("a\t\"b\"\"c\"\td", byte('\t'))
	f.Add("\"x,y\",z", byte(','))
	f.Add("\"open,z", byte(','))
	f.Fuzz(func(t *testing.T, line string, delim byte) {
		fields, col, err := splitFields(line, delim)
		if err == nil && len(fields) == 0 {
			t.Fatal("no fields and no error")
		}
		if err != nil && (col < 1 || col > len(line)+1) {
			t.Fatalf("error at column %d of a %d-byte line", col, len(line))
		}
	})
}
