// Command apiload measures the API under load: GET /v1/transactions?custom=…
// over a store of many transactions, as a ratio to a trivial handler of the
// same server under the same load in the same run (SPEC §6).
//
//	go run ./bench/apiload -n 1000000            # SQLite in a temporary folder
//	go run ./bench/apiload -db postgres://… -n 1000000
//
// The store is seeded once (re-runs on the same -db reuse it). Load comes
// from a pool of keep-alive clients in this process, so the server and the
// load share the machine's cores equally in both measurements.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/affsync/affsync/internal/api"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
)

var profile string

func main() {
	dsn := flag.String("db", "", "database DSN (default: SQLite in a temporary folder)")
	n := flag.Int("n", 1_000_000, "transactions in the store")
	duration := flag.Duration("duration", 15*time.Second, "load time per endpoint, split over the rounds")
	rounds := flag.Int("rounds", 3, "rounds, each loading the trivial handler then the endpoint, so that a change in the machine's load hits both alike")
	conns := flag.Int("c", 16, "concurrent clients")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the first round's custom-filter load to this file")
	flag.Parse()
	profile = *cpuProfile
	if err := run(*dsn, *n, *duration, *rounds, *conns); err != nil {
		log.Fatal(err)
	}
}

func run(dsn string, n int, duration time.Duration, rounds, conns int) error {
	ctx := context.Background()
	if dsn == "" {
		dir, err := os.MkdirTemp("", "apiload")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dsn = "sqlite:" + filepath.Join(dir, "bench.db")
	}
	s, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	ws, err := s.EnsureWorkspace(ctx, "bench")
	if err != nil {
		return err
	}
	if _, err := seed(ctx, s, ws, n); err != nil {
		return err
	}
	plain, prefix, hash, err := secret.NewAPIKey()
	if err != nil {
		return err
	}
	if _, err := s.CreateAPIKey(ctx, ws.ID, "bench", store.ScopeRead, prefix, hash); err != nil {
		return err
	}

	// No rate limit: the load is one key, and the limit would measure itself.
	srv := api.New(api.Config{Store: s, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), RateLimit: api.RateLimit{Disabled: true}})
	defer srv.Close()
	mux := http.NewServeMux()
	srv.Register(mux)
	// The baseline: a handler of the same server that does nothing.
	mux.HandleFunc("GET /bench/trivial", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		io.WriteString(w, `{"ok":true}`+"\n")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: mux}
	go hs.Serve(ln)
	defer hs.Close()
	base := "http://" + ln.Addr().String()

	fmt.Printf("store: %s, %d transactions, %d clients, %s per endpoint\n", redact(dsn), n, conns, duration)
	check := func(path string) error { // one request first: it must answer what we think
		code, body, err := get(http.DefaultClient, base+path, plain)
		if err != nil || code != 200 {
			return fmt.Errorf("GET %s: %d %v %s", path, code, err, body)
		}
		if path != "/bench/trivial" {
			var p struct{ Data []json.RawMessage }
			if err := json.Unmarshal(body, &p); err != nil || len(p.Data) != 1 {
				return fmt.Errorf("GET %s: want one transaction, got %s", path, body)
			}
		}
		return nil
	}
	customOf := func(r *rand.Rand) string { return fmt.Sprintf("/v1/transactions?custom=u-%d", r.IntN(n)) }
	if err := check("/bench/trivial"); err != nil {
		return err
	}
	if err := check(customOf(rand.New(rand.NewPCG(1, 1)))); err != nil {
		return err
	}
	var trivial, custom result
	per := duration / time.Duration(rounds)
	for i := range rounds {
		tr := load(base, plain, per, conns, func(*rand.Rand) string { return "/bench/trivial" })
		if profile != "" && i == 0 {
			f, err := os.Create(profile)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
		}
		cu := load(base, plain, per, conns, customOf)
		pprof.StopCPUProfile()
		fmt.Printf("round %d: trivial %8.0f req/s   custom %8.0f req/s   ratio %.2f\n", i+1, tr.rps, cu.rps, cu.rps/tr.rps)
		trivial, custom = trivial.add(tr), custom.add(cu)
	}
	trivial.finish()
	custom.finish()
	fmt.Printf("%-34s %10s %10s %10s %8s\n", "endpoint", "req/s", "p50", "p99", "errors")
	trivial.print("trivial handler")
	custom.print("GET /v1/transactions?custom=…")
	fmt.Printf("ratio custom/trivial: %.2f (aim >= 0.5)\n", custom.rps/trivial.rps)
	if trivial.errors+custom.errors > 0 {
		return fmt.Errorf("%d requests failed: the figures do not count", trivial.errors+custom.errors)
	}
	return nil
}

// seed fills the store up to n transactions of one connection, each with a
// unique custom u-<i> and one item, over a year of days.
func seed(ctx context.Context, s *store.Store, ws store.Workspace, n int) (store.Connection, error) {
	conns, err := s.Connections(ctx, ws.ID)
	if err != nil {
		return store.Connection{}, err
	}
	var conn store.Connection
	if len(conns) > 0 {
		conn = conns[0]
	} else if conn, err = s.CreateConnection(ctx, nil, store.Connection{WorkspaceID: ws.ID, Network: "amazon", Connector: "import", Name: "bench"}, nil); err != nil {
		return conn, err
	}
	have, err := s.CountTransactions(ctx, ws.ID)
	if err != nil {
		return conn, err
	}
	start := time.Now()
	const batch = 10_000
	direct := true
	for from := have; from < n; from += batch {
		var b []store.TxWrite
		for i := from; i < min(from+batch, n); i++ {
			b = append(b, store.TxWrite{Tx: model.Transaction{
				ConnectionID: conn.ID, Network: "amazon", SourceKey: fmt.Sprintf("s:u-%d", i), Program: "amazon.com", Channel: "store-20",
				Customs: []string{fmt.Sprintf("u-%d", i)}, Status: model.StatusPending, NetworkStatus: "shipped", Currency: "USD",
				SaleAmount: 5998, Commission: 240, Quantity: 2, SoldAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%365),
				Items: []model.Item{{SKU: "B0C1234567", Name: "Cable", Category: "Electronics", Seller: "Amazon.com", Price: 2999, Quantity: 2,
					SaleAmount: 5998, Commission: 240, Rate: 400, Device: "DESKTOP", LinkType: "Text", Direct: &direct}},
			}})
		}
		if _, err := s.UpsertTransactions(ctx, ws.ID, b); err != nil {
			return conn, err
		}
		if (from/batch)%10 == 0 {
			fmt.Fprintf(os.Stderr, "seeding: %d/%d\n", from+len(b), n)
		}
	}
	if have < n {
		fmt.Fprintf(os.Stderr, "seeded %d transactions in %s\n", n-have, time.Since(start).Round(time.Second))
	}
	return conn, nil
}

type result struct {
	rps      float64
	p50, p99 time.Duration
	errors   int64

	count   int64
	elapsed time.Duration
	lat     []time.Duration
}

// add sums two measurements of one endpoint.
func (r result) add(o result) result {
	r.count += o.count
	r.elapsed += o.elapsed
	r.errors += o.errors
	r.lat = append(r.lat, o.lat...)
	return r
}

// finish works out the rate and percentiles of the summed rounds.
func (r *result) finish() {
	r.rps = float64(r.count) / r.elapsed.Seconds()
	slices.Sort(r.lat)
	if len(r.lat) > 0 {
		r.p50, r.p99 = r.lat[len(r.lat)/2], r.lat[len(r.lat)*99/100]
	}
}

func (r result) print(name string) {
	fmt.Printf("%-34s %10.0f %10s %10s %8d\n", name, r.rps, r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.errors)
}

// load runs conns clients for d, each asking path(rng) in a loop.
func load(base, key string, d time.Duration, conns int, path func(*rand.Rand) string) result {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		lat    []time.Duration
		errs   atomic.Int64
		count  atomic.Int64
		stopAt = time.Now().Add(d)
	)
	start := time.Now()
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			var mine []time.Duration
			for time.Now().Before(stopAt) {
				t0 := time.Now()
				code, _, err := get(client, base+path(rng), key)
				mine = append(mine, time.Since(t0))
				if err != nil || code != 200 {
					errs.Add(1)
				}
				count.Add(1)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	r := result{count: count.Load(), elapsed: time.Since(start), errors: errs.Load(), lat: lat}
	r.finish()
	return r
}

func get(c *http.Client, url, key string) (int, []byte, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

func redact(dsn string) string {
	if len(dsn) > 10 && dsn[:10] == "postgres:/" {
		return "postgres"
	}
	return "sqlite"
}
