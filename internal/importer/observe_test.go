package importer_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/metrics"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// Each file handed to the importer is counted by what became of it and
// logged in one info line: imported, skipped the second time, rejected with
// its located error.
func TestImportsAreCountedAndLogged(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnv(t, s, "a")
		reg := prometheus.NewRegistry()
		m, err := metrics.New(reg, metrics.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		e.im.Metrics, e.im.Log = m, slog.New(slog.NewTextHandler(&logs, nil))

		good := earningsFile("2026-10-01", line("2026-10-01", "B1", "u1", 1, "29.99", "1.20"), line("2026-10-01", "B2", "u2", 1, "9.99", "0.40"))
		e.importAll(t, good, good)
		bad := earningsFile("2026-10-02", line("2026-10-02", "B3", "u3", 1, "twelve", "0.40"))
		var rejected *importer.RejectedError
		if _, err := e.im.Import(ctx, e.conn, bad, nil); !errors.As(err, &rejected) {
			t.Fatalf("bad file: %v", err)
		}

		want := `
# HELP affsync_import_files_total Report files handed to the importer (syncs and uploads), by outcome: imported, skipped (already imported), rejected (bad input) or error (the store failed).
# TYPE affsync_import_files_total counter
affsync_import_files_total{outcome="error"} 0
affsync_import_files_total{outcome="imported"} 1
affsync_import_files_total{outcome="rejected"} 1
affsync_import_files_total{outcome="skipped"} 1
# HELP affsync_import_rows_total Rows read from the report files that were imported.
# TYPE affsync_import_rows_total counter
affsync_import_rows_total 2
`
		if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "affsync_import_files_total", "affsync_import_rows_total"); err != nil {
			t.Fatal(err)
		}
		if n, err := testutil.GatherAndCount(reg, "affsync_import_duration_seconds"); err != nil || n != 2 {
			t.Fatalf("%d duration series (%v), want imported and rejected", n, err)
		}

		lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
		if len(lines) != 3 {
			t.Fatalf("%d lines, want one per file:\n%s", len(lines), logs.String())
		}
		for i, want := range []string{"outcome=imported rows=2 created=2", "outcome=skipped rows=0", "outcome=rejected rows=0"} {
			if !strings.Contains(lines[i], "level=INFO msg=import connection="+e.conn.ID) || !strings.Contains(lines[i], want) {
				t.Errorf("line %d: %s; want %s", i+1, lines[i], want)
			}
		}
		if !strings.Contains(lines[2], "err=") || !strings.Contains(lines[2], bad.Name+":3:") {
			t.Errorf("the rejection's line has no located error: %s", lines[2])
		}
	})
}
