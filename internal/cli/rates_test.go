package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/affsync/affsync/internal/store/storetest"
)

func TestRatesImportAndWorkspaceCurrency(t *testing.T) {
	dbs := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "a.db") },
		"postgres": func(t *testing.T) string { return storetest.NewPostgresDatabase(t) },
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			vars := map[string]string{"AFFSYNC_DB": dbs[engine](t)}
			hist, daily := "../fxrate/testdata/eurofxref-hist.csv", "../fxrate/testdata/eurofxref-daily.xml"
			bad := filepath.Join(t.TempDir(), "eurofxref-bad.csv")
			if err := os.WriteFile(bad, []byte("Date,USD,\n2026-10-05,1.08,\n2026-10-06,one,\n"), 0o644); err != nil {
				t.Fatal(err)
			}

			// A bad file beside a good one: located error, exit 2, nothing stored.
			code, out, errOut := run(t, vars, "rates", "import", "--json", hist, bad)
			var sum ratesSummary
			if err := json.Unmarshal([]byte(out), &sum); err != nil {
				t.Fatalf("exit %d, %q %q: %v", code, out, errOut, err)
			}
			if code != 2 || len(sum.Errors) != 1 || sum.Errors[0] != (fileError{File: bad, Line: 3, Column: 12, Message: `USD on 2026-10-06: rate "one" is not a decimal number`}) {
				t.Fatalf("bad file: exit %d, %+v, %q", code, sum, errOut)
			}
			code, out, errOut = run(t, vars, "rates", "import", daily)
			if code != 0 || !strings.Contains(out, "3 rates over 1 days (2026-10-02 to 2026-10-02): 3 added, 0 changed, 0 unchanged") {
				t.Fatalf("daily after a rejected import: exit %d, %q %q (the rejected import stored something?)", code, out, errOut)
			}
			code, out, _ = run(t, vars, "rates", "import", hist, daily)
			if code != 0 || !strings.Contains(out, "15 rates over 3 days (1999-01-04 to 2026-10-02): 9 added, 0 changed, 6 unchanged") {
				t.Fatalf("hist: exit %d, %q", code, out)
			}
			code, out, _ = run(t, vars, "rates", "import", hist)
			if code != 0 || !strings.Contains(out, "0 added, 0 changed, 12 unchanged") {
				t.Fatalf("again: exit %d, %q", code, out)
			}

			code, out, errOut = run(t, vars, "workspace", "currency")
			if code != 0 || out != "" || !strings.Contains(errOut, "no reporting currency yet") {
				t.Fatalf("unset: exit %d, %q %q", code, out, errOut)
			}
			if code, out, _ = run(t, vars, "workspace", "currency", "eur"); code != 0 || out != "EUR\n" {
				t.Fatalf("set: exit %d, %q", code, out)
			}
			if code, out, _ = run(t, vars, "workspace", "currency"); code != 0 || out != "EUR\n" {
				t.Fatalf("print: exit %d, %q", code, out)
			}
			if code, _, errOut = run(t, vars, "workspace", "currency", "EURO"); code != 2 || !strings.Contains(errOut, "ISO 4217") {
				t.Fatalf("bad code: exit %d, %q", code, errOut)
			}
			if code, _, errOut = run(t, vars, "rates"); code != 2 || !strings.Contains(errOut, "rates import") {
				t.Fatalf("usage: exit %d, %q", code, errOut)
			}
		})
	}
}
