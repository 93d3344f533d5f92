package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/affsync/affsync/internal/store"
)

// scrapeTimeout bounds the store's queries of one scrape: a slow database
// must not pile up scrapes.
const scrapeTimeout = 5 * time.Second

var (
	webhookQueueDesc = prometheus.NewDesc("affsync_webhook_queue_depth",
		"Webhook deliveries waiting to be sent, by webhook state (active, or paused: held until it resumes). The same on every instance of one database.",
		[]string{"webhook_state"}, nil)
	webhookAgeDesc = prometheus.NewDesc("affsync_webhook_oldest_pending_age_seconds",
		"Age of the oldest pending delivery of an active webhook (0 when none).", nil, nil)
	syncDueDesc = prometheus.NewDesc("affsync_scheduler_due_connections",
		"Connections whose sync is due and that no instance has started.", nil, nil)
	syncLagDesc = prometheus.NewDesc("affsync_scheduler_lag_seconds",
		"How long the longest-waiting due connection has waited to be started (0 when none).", nil, nil)

	dbMaxOpenDesc = prometheus.NewDesc("affsync_db_max_open_connections", "The pool's limit of open connections.", []string{"pool"}, nil)
	dbOpenDesc    = prometheus.NewDesc("affsync_db_open_connections", "Open connections of the pool.", []string{"pool"}, nil)
	dbInUseDesc   = prometheus.NewDesc("affsync_db_in_use_connections", "Connections of the pool in use.", []string{"pool"}, nil)
	dbIdleDesc    = prometheus.NewDesc("affsync_db_idle_connections", "Idle connections of the pool.", []string{"pool"}, nil)
	dbWaitsDesc   = prometheus.NewDesc("affsync_db_waits_total", "Times a caller waited for a connection of the pool.", []string{"pool"}, nil)
	dbWaitDesc    = prometheus.NewDesc("affsync_db_wait_seconds_total", "Time callers spent waiting for a connection of the pool.", []string{"pool"}, nil)
	dbClosedDesc  = prometheus.NewDesc("affsync_db_closed_connections_total",
		"Connections the pool closed, by reason (max_idle, max_idle_time, max_lifetime).", []string{"pool", "reason"}, nil)

	clicksDesc = prometheus.NewDesc("affsync_redirect_hits_total",
		"Redirect hits by outcome: written to the store, dropped (the queue was full) or failed (the write failed after retries).",
		[]string{"outcome"}, nil)
	clickQueueDesc = prometheus.NewDesc("affsync_redirect_queue_length", "Redirect hits waiting in memory to be written.", nil, nil)
)

// storeCollector reads the store's queues and pools when scraped.
type storeCollector struct {
	store *store.Store
	now   func() time.Time
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{webhookQueueDesc, webhookAgeDesc, syncDueDesc, syncLagDesc,
		dbMaxOpenDesc, dbOpenDesc, dbInUseDesc, dbIdleDesc, dbWaitsDesc, dbWaitDesc, dbClosedDesc} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	now := c.now()
	if q, err := c.store.WebhookQueue(ctx); err != nil {
		ch <- prometheus.NewInvalidMetric(webhookQueueDesc, err)
	} else {
		ch <- prometheus.MustNewConstMetric(webhookQueueDesc, prometheus.GaugeValue, float64(q.Pending), "active")
		ch <- prometheus.MustNewConstMetric(webhookQueueDesc, prometheus.GaugeValue, float64(q.Paused), "paused")
		ch <- prometheus.MustNewConstMetric(webhookAgeDesc, prometheus.GaugeValue, age(now, q.OldestPending))
	}
	if b, err := c.store.SyncBacklog(ctx, now); err != nil {
		ch <- prometheus.NewInvalidMetric(syncDueDesc, err)
	} else {
		ch <- prometheus.MustNewConstMetric(syncDueDesc, prometheus.GaugeValue, float64(b.Due))
		ch <- prometheus.MustNewConstMetric(syncLagDesc, prometheus.GaugeValue, age(now, b.OldestDue))
	}
	for _, p := range c.store.PoolStats() {
		gauge := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, p.Name)
		}
		gauge(dbMaxOpenDesc, float64(p.MaxOpenConnections))
		gauge(dbOpenDesc, float64(p.OpenConnections))
		gauge(dbInUseDesc, float64(p.InUse))
		gauge(dbIdleDesc, float64(p.Idle))
		ch <- prometheus.MustNewConstMetric(dbWaitsDesc, prometheus.CounterValue, float64(p.WaitCount), p.Name)
		ch <- prometheus.MustNewConstMetric(dbWaitDesc, prometheus.CounterValue, p.WaitDuration.Seconds(), p.Name)
		for reason, n := range map[string]int64{"max_idle": p.MaxIdleClosed, "max_idle_time": p.MaxIdleTimeClosed, "max_lifetime": p.MaxLifetimeClosed} {
			ch <- prometheus.MustNewConstMetric(dbClosedDesc, prometheus.CounterValue, float64(n), p.Name, reason)
		}
	}
}

// age is how long before now t was, in seconds; 0 for none (or a clock
// that runs behind the database's).
func age(now time.Time, t *time.Time) float64 {
	if t == nil || t.After(now) {
		return 0
	}
	return now.Sub(*t).Seconds()
}

// clickCollector reads the redirect-hit queue's counters when scraped; it
// has none before the API server hands its queue over.
type clickCollector struct{ m *Metrics }

func (c *clickCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- clicksDesc
	ch <- clickQueueDesc
}

func (c *clickCollector) Collect(ch chan<- prometheus.Metric) {
	c.m.clicksMu.Lock()
	stats := c.m.clicks
	c.m.clicksMu.Unlock()
	if stats == nil {
		return
	}
	st := stats()
	ch <- prometheus.MustNewConstMetric(clicksDesc, prometheus.CounterValue, float64(st.Written), "written")
	ch <- prometheus.MustNewConstMetric(clicksDesc, prometheus.CounterValue, float64(st.Dropped), "dropped")
	ch <- prometheus.MustNewConstMetric(clicksDesc, prometheus.CounterValue, float64(st.Failed), "failed")
	ch <- prometheus.MustNewConstMetric(clickQueueDesc, prometheus.GaugeValue, float64(st.Queued))
}
