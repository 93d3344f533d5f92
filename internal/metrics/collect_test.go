package metrics_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/affsync/affsync/internal/metrics"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// The scheduler's gauges are read from the store at scrape time: two
// connections overdue, the older by 90 seconds, one not yet due.
func TestSchedulerGauges(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ws, err := s.EnsureWorkspace(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC().Truncate(time.Second)
		for _, at := range []time.Duration{-90 * time.Second, -time.Second, time.Hour} {
			c, err := s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: ws.ID, Network: "custom", Connector: "import", Name: "c"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.ScheduleConnection(ctx, ws.ID, c.ID, now.Add(at)); err != nil {
				t.Fatal(err)
			}
		}
		reg := prometheus.NewRegistry()
		if _, err := metrics.New(reg, metrics.Options{Store: s, Now: func() time.Time { return now }}); err != nil {
			t.Fatal(err)
		}
		want := `
# HELP affsync_scheduler_due_connections Connections whose sync is due and that no instance has started.
# TYPE affsync_scheduler_due_connections gauge
affsync_scheduler_due_connections 2
# HELP affsync_scheduler_lag_seconds How long the longest-waiting due connection has waited to be started (0 when none).
# TYPE affsync_scheduler_lag_seconds gauge
affsync_scheduler_lag_seconds 90
# HELP affsync_webhook_queue_depth Webhook deliveries waiting to be sent, by webhook state (active, or paused: held until it resumes). The same on every instance of one database.
# TYPE affsync_webhook_queue_depth gauge
affsync_webhook_queue_depth{webhook_state="active"} 0
affsync_webhook_queue_depth{webhook_state="paused"} 0
`
		if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
			"affsync_scheduler_due_connections", "affsync_scheduler_lag_seconds", "affsync_webhook_queue_depth"); err != nil {
			t.Fatal(err)
		}
	})
}
