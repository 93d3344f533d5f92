// Package metrics owns affsync's Prometheus metrics: the counters and
// histograms the serving code records into, and the gauges read from the
// store when /metrics is scraped. Everything is registered on a registry the
// caller passes in, never on the global default one.
//
// A nil *Metrics records nothing, so code that runs with metrics off (the
// CLI's import and sync) needs no second path.
package metrics

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/affsync/affsync/internal/clickqueue"
	"github.com/affsync/affsync/internal/store"
)

// Metrics is the set of affsync's own series.
type Metrics struct {
	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec

	syncRuns     *prometheus.CounterVec
	syncDuration *prometheus.HistogramVec

	importFiles    *prometheus.CounterVec
	importRows     prometheus.Counter
	importDuration *prometheus.HistogramVec

	deliveries       *prometheus.CounterVec
	deliveryDuration prometheus.Histogram

	clicksMu sync.Mutex
	clicks   func() clickqueue.Stats // the redirect-hit queue, once serving
}

// Options are what the scrape-time gauges read.
type Options struct {
	Store *store.Store     // the queue, backlog and pool gauges; nil: none
	Now   func() time.Time // default time.Now
}

// New registers affsync's series, the Go runtime's, the process's and the
// build's on reg.
func New(reg *prometheus.Registry, opt Options) (*Metrics, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	m := &Metrics{
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "affsync_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status code.",
		}, []string{"route", "method", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "affsync_http_request_duration_seconds",
			Help:    "Time from a request's arrival to the end of its answer, by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method"}),
		syncRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "affsync_sync_runs_total",
			Help: "Syncs of a connection run by this instance, by connector and outcome (ok or error).",
		}, []string{"connector", "outcome"}),
		syncDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "affsync_sync_duration_seconds",
			Help:    "How long a sync took, by connector.",
			Buckets: []float64{.1, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800},
		}, []string{"connector"}),
		importFiles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "affsync_import_files_total",
			Help: "Report files handed to the importer (syncs and uploads), by outcome: imported, skipped (already imported), rejected (bad input) or error (the store failed).",
		}, []string{"outcome"}),
		importRows: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "affsync_import_rows_total",
			Help: "Rows read from the report files that were imported.",
		}),
		importDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "affsync_import_duration_seconds",
			Help:    "How long one file's import took, by outcome (imported, rejected or error).",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300},
		}, []string{"outcome"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "affsync_webhook_deliveries_total",
			Help: "Webhook delivery attempts, by outcome: delivered, retry (failed, tried again later) or failed (failed, retries over).",
		}, []string{"outcome"}),
		deliveryDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "affsync_webhook_delivery_duration_seconds",
			Help:    "How long a webhook receiver took to answer (or to fail).",
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
	}
	// Outcomes known in advance start at zero, so a rate() over them works
	// before the first one happens.
	for _, o := range []string{ImportImported, ImportSkipped, ImportRejected, ImportError} {
		m.importFiles.WithLabelValues(o)
	}
	for _, o := range []string{outcomeDelivered, outcomeRetry, outcomeFailed} {
		m.deliveries.WithLabelValues(o)
	}
	cs := []prometheus.Collector{
		m.httpRequests, m.httpDuration, m.syncRuns, m.syncDuration, m.importFiles, m.importRows, m.importDuration,
		m.deliveries, m.deliveryDuration,
		&clickCollector{m: m},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewBuildInfoCollector(),
		buildInfo(),
	}
	if opt.Store != nil {
		cs = append(cs, &storeCollector{store: opt.Store, now: opt.Now})
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	return m, nil
}

// Handler serves the registry in the Prometheus text format. A gauge whose
// query fails is left out of that scrape rather than failing all of it.
func Handler(reg *prometheus.Registry, log *slog.Logger) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      reg, // promhttp_metric_handler_errors_total
	})
}

// buildInfo is affsync_build_info: 1, with the module version and VCS
// revision the binary was built from.
func buildInfo() prometheus.Collector {
	version, revision := "unknown", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				revision = s.Value
			}
		}
	}
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name:        "affsync_build_info",
		Help:        "Always 1; the labels say which build of affsync this is.",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision, "goversion": runtime.Version()},
	}, func() float64 { return 1 })
}

// Sync counts one finished sync of a connection.
func (m *Metrics) Sync(connector string, err error, took time.Duration) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.syncRuns.WithLabelValues(connector, outcome).Inc()
	m.syncDuration.WithLabelValues(connector).Observe(took.Seconds())
}

// Import outcomes.
const (
	ImportImported = "imported"
	ImportSkipped  = "skipped"
	ImportRejected = "rejected"
	ImportError    = "error"
)

// Import counts one file handed to the importer and, unless it was skipped,
// how long it took.
func (m *Metrics) Import(outcome string, rows int, took time.Duration) {
	if m == nil {
		return
	}
	m.importFiles.WithLabelValues(outcome).Inc()
	if outcome == ImportSkipped {
		return
	}
	m.importRows.Add(float64(rows))
	m.importDuration.WithLabelValues(outcome).Observe(took.Seconds())
}

const (
	outcomeDelivered = "delivered"
	outcomeRetry     = "retry"
	outcomeFailed    = "failed"
)

// Delivery counts one webhook delivery attempt: delivered, or failed with
// (retry) or without (failed for good) another attempt to come.
func (m *Metrics) Delivery(delivered, retry bool, took time.Duration) {
	if m == nil {
		return
	}
	outcome := outcomeFailed
	switch {
	case delivered:
		outcome = outcomeDelivered
	case retry:
		outcome = outcomeRetry
	}
	m.deliveries.WithLabelValues(outcome).Inc()
	m.deliveryDuration.Observe(took.Seconds())
}

// WatchClicks reads the redirect-hit queue's counts at each scrape.
func (m *Metrics) WatchClicks(stats func() clickqueue.Stats) {
	if m == nil {
		return
	}
	m.clicksMu.Lock()
	defer m.clicksMu.Unlock()
	m.clicks = stats
}

// request records one answered HTTP request.
func (m *Metrics) request(route, method string, status int, took time.Duration) {
	if m == nil {
		return
	}
	m.httpRequests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.httpDuration.WithLabelValues(route, method).Observe(took.Seconds())
}
