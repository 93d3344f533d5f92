// Package sim is affsync's Amazon simulator: a deterministic Associates
// account, a function of a seed and today's date, served over the Creators
// API (tokens, reports, catalog) and the legacy DataFeed. Its report files
// are written by this package's own writers, never by affsync's parser
// tables, so the two check each other; Truth says what a correct sync of
// the account must produce.
package sim

import (
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Server is one simulated account; an http.Handler serving every endpoint.
type Server struct {
	cfg     Config
	signKey []byte // signs pre-signed URLs and Digest nonces
	mux     *http.ServeMux

	mu      sync.Mutex
	acc     *account
	reports []report
	index   map[string]int       // file name → position in reports
	tokens  map[string]time.Time // access token → expiry
	faults  *mrand.Rand          // draws which calls fail, from the seed

	counts counters
}

// Stats counts the calls served. Lists and Downloads count both transports.
type Stats struct {
	Tokens    Count // tokens issued
	Lists     Count // listReports answered (Creators and DataFeed)
	Gets      Count // getReport URLs issued (Creators)
	Downloads Count // report bodies served (pre-signed URL or DataFeed getReport)
	Catalog   Count // getItems answered
	Failures  Count // calls answered 429 or 500 on purpose
}

// Count is one number of Stats. Its Load method keeps callers written
// against the first draft's atomic counters compiling.
type Count int64

// Load returns the count.
func (c Count) Load() int64 { return int64(c) }

type counters struct {
	tokens, lists, gets, downloads, catalog, failures atomic.Int64
}

// New makes the account of cfg and its files.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("amazon simulator: %w", err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("amazon simulator: signing key: %w", err)
	}
	s := &Server{cfg: cfg, signKey: key, tokens: map[string]time.Time{},
		faults: mrand.New(mrand.NewPCG(uint64(cfg.Seed), 0x5eed))}
	s.acc = generate(cfg)
	if s.reports, err = s.acc.reports(cfg.Seed, cfg.StoreID); err != nil {
		return nil, fmt.Errorf("amazon simulator: %w", err)
	}
	s.index = map[string]int{}
	for i, r := range s.reports {
		s.index[r.Name] = i
	}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /auth/o2/token", s.tokenJSON)
	s.mux.HandleFunc("POST /oauth2/token", s.tokenForm)
	s.mux.HandleFunc("POST /reports/v1/listReports", s.api(s.reportAccess(s.listReports)))
	s.mux.HandleFunc("POST /reports/v1/getReport", s.api(s.reportAccess(s.getReport)))
	s.mux.HandleFunc("GET /download/{name}", s.download)
	s.mux.HandleFunc("POST /catalog/v1/getItems", s.api(s.getItems))
	s.mux.HandleFunc("GET /datafeed/listReports", s.digest(s.datafeedList))
	s.mux.HandleFunc("GET /datafeed/getReport", s.digest(s.datafeedGet))
	s.mux.HandleFunc("GET /eurofxref-hist-90d.xml", s.ecbXML(ecbDays))
	s.mux.HandleFunc("GET /eurofxref-daily.xml", s.ecbXML(1))
	s.mux.HandleFunc("GET /eurofxref-hist.csv", s.ecbCSV)
}

// ServeHTTP serves every endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Config is the account's configuration, defaults filled in.
func (s *Server) Config() Config { return s.cfg }

// StoreID is the account's store ID (the default filled in).
func (s *Server) StoreID() string { return s.cfg.StoreID }

// Files lists the reports as listReports describes them.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]File, len(s.reports))
	for i, r := range s.reports {
		out[i] = r.File
	}
	return out
}

// File returns a report's bytes, as the download would.
func (s *Server) File(name string) ([]byte, bool) {
	r, ok := s.report(name)
	return r.body, ok
}

func (s *Server) report(name string) (report, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.index[name]
	if !ok {
		return report{}, false
	}
	return s.reports[i], true
}

// Stats are the calls served so far.
func (s *Server) Stats() Stats {
	c := &s.counts
	return Stats{Tokens: Count(c.tokens.Load()), Lists: Count(c.lists.Load()), Gets: Count(c.gets.Load()),
		Downloads: Count(c.downloads.Load()), Catalog: Count(c.catalog.Load()), Failures: Count(c.failures.Load())}
}

// Truth is what a correct creators-subtags sync of the account produces as
// of its today, with a 30-day return window.
func (s *Server) Truth() Truth {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acc.truth(s.cfg.Today)
}

// Reissue re-issues a day's Earnings files (TSV plain and -subtags, XML) as
// Amazon does when it corrects a day: one more return (or, when nothing
// shipped before the day is left to return, one more shipment), new bytes
// and MD5, a later lastModified. The truth follows.
func (s *Server) Reissue(day time.Time) error {
	day = day.UTC().Truncate(24 * time.Hour)
	s.mu.Lock()
	defer s.mu.Unlock()
	name := reportName(s.cfg.StoreID, "earnings", false, day, "tsv")
	i, ok := s.index[name]
	if !ok {
		return fmt.Errorf("reissue %s: no report of that day", day.Format(time.DateOnly))
	}
	s.acc.correct(day)
	modified := s.cfg.Now().UTC().Truncate(time.Second)
	if old := s.reports[i].LastModified; !modified.After(old) {
		modified = old.Add(time.Second)
	}
	var rows []earning
	for _, e := range s.acc.earnings() {
		if e.day.Equal(day) {
			rows = append(rows, e)
		}
	}
	fresh, err := earningsReports(s.cfg.Seed, s.cfg.StoreID, day, rows, modified)
	if err != nil {
		return fmt.Errorf("reissue %s: %w", day.Format(time.DateOnly), err)
	}
	for _, r := range fresh {
		s.reports[s.index[r.Name]] = r
	}
	return nil
}
