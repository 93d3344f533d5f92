package syncer_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/affsync/affsync/internal/metrics"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
	"github.com/affsync/affsync/internal/syncer"
)

// A refused sync is counted as an error of its connector and logged in one
// info line with the refusal's sentence, never the secret it tried.
func TestRefusedSyncIsCountedAndLogged(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		e := newEnvDays(t, s, 2)
		reg := prometheus.NewRegistry()
		m, err := metrics.New(reg, metrics.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		e.syn.Metrics, e.syn.Log = m, slog.New(slog.NewTextHandler(&logs, nil))
		wrong := e.connection(t, "not-the-secret", "3.1")
		if _, ok, err := (&syncer.Scheduler{Syncer: e.syn}).SyncNow(ctx, wrong); !ok || err == nil {
			t.Fatalf("wrong secret: %v %v", ok, err)
		}
		want := `
# HELP affsync_sync_runs_total Syncs of a connection run by this instance, by connector and outcome (ok or error).
# TYPE affsync_sync_runs_total counter
affsync_sync_runs_total{connector="creators-subtags",outcome="error"} 1
`
		if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "affsync_sync_runs_total"); err != nil {
			t.Fatal(err)
		}
		var syncLines []string
		for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			if strings.Contains(l, "not-the-secret") {
				t.Errorf("log line holds the secret: %s", l)
			}
			if strings.Contains(l, "msg=sync ") {
				syncLines = append(syncLines, l)
			}
		}
		if len(syncLines) != 1 || !strings.Contains(syncLines[0], "level=INFO") || !strings.Contains(syncLines[0], "outcome=error") ||
			!strings.Contains(syncLines[0], "credentials rejected") || !strings.Contains(syncLines[0], "connection="+wrong.ID) {
			t.Fatalf("sync lines: %q", syncLines)
		}
	})
}
