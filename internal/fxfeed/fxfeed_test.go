package fxfeed_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/fxfeed"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

func TestRefresh(t *testing.T) {
	feed, err := os.ReadFile("../fxrate/testdata/eurofxref-hist-90d.xml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		failures int // answers 503 this many times first
		status   int // then answers this
		attempts int
		outcome  string
		errText  string
	}{
		{"first try", 0, 200, 1, store.RefreshOK, ""},
		{"after two 503s", 2, 200, 3, store.RefreshOK, ""},
		{"503 every time", 9, 200, 4, store.RefreshError, "fetch rates: 503 Service Unavailable"},
		{"404 is not retried", 0, 404, 1, store.RefreshError, "fetch rates: 404 Not Found"},
		{"not a rates file", 0, 299, 1, store.RefreshError, "eurofxref-hist-90d.xml:1:1: no rates"},
	}
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				var calls atomic.Int32
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if int(calls.Add(1)) <= tc.failures {
						http.Error(w, "busy", http.StatusServiceUnavailable)
						return
					}
					switch tc.status {
					case 200:
						_, _ = w.Write(feed)
					case 299:
						_, _ = w.Write([]byte("<html>maintenance</html>"))
					default:
						http.Error(w, "no", tc.status)
					}
				}))
				defer srv.Close()
				before, _ := s.RatesStatus(context.Background())
				r := fxfeed.New(s, fxfeed.Config{URL: "http://user:pw@" + strings.TrimPrefix(srv.URL, "http://") + "/eurofxref-hist-90d.xml?token=secret",
					Attempts: 4, Backoff: time.Millisecond})
				err := r.Refresh(context.Background())
				if (err != nil) != (tc.outcome == store.RefreshError) {
					t.Fatalf("Refresh = %v", err)
				}
				st, err := s.RatesStatus(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				last := st.LastRefresh
				if last == nil || last.Outcome != tc.outcome || last.Attempts != tc.attempts || !strings.HasPrefix(last.Error, tc.errText) {
					t.Fatalf("last refresh %+v; want %s after %d attempts, error %q", last, tc.outcome, tc.attempts, tc.errText)
				}
				if strings.Contains(last.Source+last.Error, "secret") || strings.Contains(last.Source, "pw") {
					t.Fatalf("a credential of the URL was recorded: %+v", last)
				}
				if tc.outcome == store.RefreshOK && (st.Days != 3 || last.Result.Added+last.Result.Unchanged != 5) {
					t.Fatalf("after the refresh: %+v", st)
				}
				if tc.outcome == store.RefreshError && st.Days != before.Days {
					t.Fatalf("a failed refresh changed the rates: %d days, was %d", st.Days, before.Days)
				}
			})
		}
	})
}

// Offline: the refresh fails, is recorded, and the stored rates stay.
func TestRefreshOffline(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL + "/eurofxref-hist-90d.xml"
		srv.Close() // nothing listens there any more
		r := fxfeed.New(s, fxfeed.Config{URL: url, Attempts: 2, Backoff: time.Millisecond})
		if err := r.Refresh(context.Background()); err == nil {
			t.Fatal("a refresh from nowhere succeeded")
		}
		st, err := s.RatesStatus(context.Background())
		if err != nil || st.LastRefresh == nil || st.LastRefresh.Outcome != store.RefreshError || st.LastRefresh.Attempts != 2 {
			t.Fatalf("status %+v %v", st, err)
		}
	})
}
