package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/affsync/affsync/internal/metrics"
	"github.com/affsync/affsync/internal/store"
)

// metricsEndpoint is serve's Prometheus side: its own registry and series,
// and the listener of /metrics, apart from the public one so that the
// figures are not published with the API.
type metricsEndpoint struct {
	reg    *prometheus.Registry
	series *metrics.Metrics
	ln     net.Listener
}

// newMetricsEndpoint listens on addr; "" turns metrics off (nil, nil).
func newMetricsEndpoint(s *store.Store, addr string) (*metricsEndpoint, error) {
	if addr == "" {
		return nil, nil
	}
	reg := prometheus.NewRegistry()
	series, err := metrics.New(reg, metrics.Options{Store: s})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen for metrics on %s: %w", addr, err)
	}
	return &metricsEndpoint{reg: reg, series: series, ln: ln}, nil
}

// Series is nil when metrics are off; its methods then record nothing.
func (e *metricsEndpoint) Series() *metrics.Metrics {
	if e == nil {
		return nil
	}
	return e.series
}

// URL is where /metrics is served.
func (e *metricsEndpoint) URL() string { return "http://" + e.ln.Addr().String() + "/metrics" }

// run serves /metrics until ctx ends.
func (e *metricsEndpoint) run(ctx context.Context, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metrics.Handler(e.reg, log))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Info("serving metrics", "url", e.URL())
	if err := srv.Serve(e.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("metrics server", "err", err)
	}
}
