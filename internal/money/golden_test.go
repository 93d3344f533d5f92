package money

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestParseGolden parses every amount of testdata/amounts.txt (Go-quoted
// strings, one per line, as real reports write them) under each hint, so
// that a change of behaviour shows as a reviewed diff of amounts.golden.
func TestParseGolden(t *testing.T) {
	inputs := readQuotedLines(t, filepath.Join("testdata", "amounts.txt"))
	var out strings.Builder
	for _, in := range inputs {
		fmt.Fprintf(&out, "%q\n", in)
		for _, h := range []struct {
			name string
			hint DecimalHint
		}{{"none", HintNone}, {"dot", HintDot}, {"comma", HintComma}} {
			v, err := ParseMinor(in, 2, h.hint)
			if err != nil {
				fmt.Fprintf(&out, "  %-5s  error: %v\n", h.name, err)
				continue
			}
			fmt.Fprintf(&out, "  %-5s  %s\n", h.name, FormatMinor(v, 2))
		}
	}
	golden := filepath.Join("testdata", "amounts.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got := out.String(); got != string(want) {
		t.Errorf("parsed amounts differ from %s (go test -update rewrites it):\n%s", golden, diffLines(string(want), got))
	}
}

func readQuotedLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		s, err := strconv.Unquote(line)
		if err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		lines = append(lines, s)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// diffLines shows the first lines that differ, enough to see what changed.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %s\n  got  %s\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}
