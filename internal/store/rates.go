package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/affsync/affsync/internal/fxrate"
	"github.com/affsync/affsync/internal/money"
)

// RatesImported counts what ImportRates did.
type RatesImported struct {
	Read      int `json:"rates"`     // rates in the input
	Added     int `json:"added"`     // (day, currency) pairs the store lacked
	Changed   int `json:"changed"`   // pairs whose value the ECB corrected
	Unchanged int `json:"unchanged"` // pairs already stored as they are
}

// ImportRates stores ECB rates in one write transaction: a pair already
// stored with the same value is left alone, so importing a file again
// changes nothing. Rates are global: every workspace converts with them.
func (s *Store) ImportRates(ctx context.Context, rates []fxrate.Rate) (RatesImported, error) {
	res := RatesImported{Read: len(rates)}
	if len(rates) == 0 {
		return res, nil
	}
	lo, hi := rates[0].Day, rates[0].Day
	for _, r := range rates {
		lo, hi = minTime(lo, r.Day), maxTime(hi, r.Day)
	}
	err := s.Write(ctx, func(tx *Tx) error {
		have := map[rateKey]string{}
		rows, err := tx.query(ctx, `SELECT currency, day, rate FROM fx_rates WHERE day >= $1 AND day <= $2`, date(lo), date(hi))
		if err != nil {
			return fmt.Errorf("read rates: %w", err)
		}
		for rows.Next() {
			var cur, rate string
			var day scanTime
			if err := rows.Scan(&cur, &day, &rate); err != nil {
				rows.Close()
				return fmt.Errorf("read rates: %w", err)
			}
			have[rateKey{cur, date(day.T)}] = rate
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read rates: %w", err)
		}
		var write [][]any
		seen := map[rateKey]int{}
		for _, r := range rates {
			k, v := rateKey{r.Currency, date(r.Day)}, r.Value.String()
			if i, dup := seen[k]; dup { // the last of a repeated pair wins, as in NewTable
				write[i][2] = v
				continue
			}
			old, ok := have[k]
			switch {
			case !ok:
				res.Added++
			case old != v:
				res.Changed++
			default:
				res.Unchanged++
				continue
			}
			seen[k] = len(write)
			write = append(write, []any{r.Currency, k.day, v})
		}
		if len(write) == 0 {
			return nil
		}
		if err := tx.upsertRows(ctx, "fx_rates", []string{"currency", "day", "rate"}, write,
			"ON CONFLICT (currency, day) DO UPDATE SET rate = excluded.rate"); err != nil {
			return fmt.Errorf("write rates: %w", err)
		}
		if _, err := tx.exec(ctx, `UPDATE fx_state SET version = version + 1 WHERE id = 1`); err != nil {
			return fmt.Errorf("write rates: %w", err)
		}
		return nil
	})
	if err != nil {
		return RatesImported{}, fmt.Errorf("import rates: %w", err)
	}
	return res, nil
}

type rateKey struct{ currency, day string }

// rateCache keeps the rates table in memory, reloaded when fx_state's
// version moves (an import here or by another instance). Conversions run on
// every transaction listed, so they must not read the rates each time.
type rateCache struct {
	mu  sync.Mutex // one reload at a time
	cur atomic.Pointer[loadedRates]
}

type loadedRates struct {
	version int64
	table   *fxrate.Table
}

// Rates is the table of every stored rate, as of now.
func (s *Store) Rates(ctx context.Context) (*fxrate.Table, error) {
	return s.rates(ctx, s.read)
}

func (s *Store) rates(ctx context.Context, q querier) (*fxrate.Table, error) {
	var version int64
	if err := q.QueryRowContext(ctx, `SELECT version FROM fx_state WHERE id = 1`).Scan(&version); err != nil {
		return nil, fmt.Errorf("read rates version: %w", err)
	}
	if l := s.fx.cur.Load(); l != nil && l.version == version {
		return l.table, nil
	}
	s.fx.mu.Lock()
	defer s.fx.mu.Unlock()
	if l := s.fx.cur.Load(); l != nil && l.version == version {
		return l.table, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT currency, day, rate FROM fx_rates`)
	if err != nil {
		return nil, fmt.Errorf("read rates: %w", err)
	}
	defer rows.Close()
	var list []fxrate.Rate
	for rows.Next() {
		var cur, rate string
		var day scanTime
		if err := rows.Scan(&cur, &day, &rate); err != nil {
			return nil, fmt.Errorf("read rates: %w", err)
		}
		v, err := fxrate.ParseDecimal(rate)
		if err != nil {
			return nil, fmt.Errorf("read rates: %s on %s: %w", cur, date(day.T), err)
		}
		list = append(list, fxrate.Rate{Day: day.T, Currency: cur, Value: v})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read rates: %w", err)
	}
	t := fxrate.NewTable(list)
	// A reader may see an older version than the one cached; keep the newest.
	if l := s.fx.cur.Load(); l == nil || l.version < version {
		s.fx.cur.Store(&loadedRates{version: version, table: t})
	}
	return t, nil
}

// Converter converts into the workspace's reporting currency with the
// stored rates. A workspace without a reporting currency yet gets a
// Converter that answers every conversion with a NoRateError saying so.
func (s *Store) Converter(ctx context.Context, workspaceID string) (fxrate.Converter, error) {
	return s.converter(ctx, s.read, workspaceID)
}

func (s *Store) converter(ctx context.Context, q querier, workspaceID string) (fxrate.Converter, error) {
	var cur string
	if err := q.QueryRowContext(ctx, `SELECT currency FROM workspaces WHERE id = $1`, workspaceID).Scan(&cur); err != nil {
		return fxrate.Converter{}, notFound(err, "workspace")
	}
	t, err := s.rates(ctx, q)
	if err != nil {
		return fxrate.Converter{}, err
	}
	return fxrate.NewConverter(t, cur), nil
}

// SetReportingCurrency sets the currency a workspace reports in. Converted
// values are derived at read time, so nothing else is written: no
// transaction's updated_at moves and no webhook event is queued.
func (s *Store) SetReportingCurrency(ctx context.Context, workspaceID, currency string) (Workspace, error) {
	c, ok := money.LookupCurrency(currency)
	if !ok {
		return Workspace{}, fmt.Errorf("reporting currency %q: %w", currency, ErrUnknownCurrency)
	}
	err := s.Write(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE workspaces SET currency = $1 WHERE id = $2`, c.Code, workspaceID)
		if err != nil {
			return fmt.Errorf("set reporting currency: %w", err)
		}
		return mustAffect(res, "workspace")
	})
	if err != nil {
		return Workspace{}, err
	}
	return s.Workspace(ctx, workspaceID)
}

// ErrUnknownCurrency means a currency code affsync has no ISO 4217 exponent for.
var ErrUnknownCurrency = errors.New("not an ISO 4217 currency affsync knows")

// adoptCurrency gives a workspace without a reporting currency the one of
// its first connection (SPEC §4.2a: a new workspace takes its first
// connection's currency).
func (t *Tx) adoptCurrency(ctx context.Context, workspaceID, currency string) error {
	if currency == "" {
		return nil
	}
	if _, err := t.exec(ctx, `UPDATE workspaces SET currency = $1 WHERE id = $2 AND currency = ''`, currency, workspaceID); err != nil {
		return fmt.Errorf("workspace currency: %w", err)
	}
	return nil
}

// RatesRefresh is one refresh of the rates (serve's daily one, or an import).
type RatesRefresh struct {
	ID         int64
	Source     string // the URL or file names; never credentials (URLs are stored without their user info)
	StartedAt  time.Time
	FinishedAt time.Time
	Outcome    string // ok or error
	Error      string
	Attempts   int
	Result     RatesImported
}

// Refresh outcomes.
const (
	RefreshOK    = "ok"
	RefreshError = "error"
)

// RecordRatesRefresh stores a refresh and its outcome.
func (s *Store) RecordRatesRefresh(ctx context.Context, r RatesRefresh) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `INSERT INTO fx_refreshes (source, started_at, finished_at, outcome, error, attempts, rates_read, added, changed)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, r.Source, s.ts(r.StartedAt), s.ts(r.FinishedAt), r.Outcome, r.Error,
			max(r.Attempts, 1), r.Result.Read, r.Result.Added, r.Result.Changed)
		if err != nil {
			return fmt.Errorf("record rates refresh: %w", err)
		}
		return nil
	})
}

// LastRatesRefresh is the latest refresh, or ErrNotFound when none ran.
func (s *Store) LastRatesRefresh(ctx context.Context) (RatesRefresh, error) {
	var r RatesRefresh
	var started, finished scanTime
	err := s.read.QueryRowContext(ctx, `SELECT id, source, started_at, finished_at, outcome, error, attempts, rates_read, added, changed
		FROM fx_refreshes ORDER BY id DESC LIMIT 1`).Scan(&r.ID, &r.Source, &started, &finished, &r.Outcome, &r.Error, &r.Attempts,
		&r.Result.Read, &r.Result.Added, &r.Result.Changed)
	if err != nil {
		return RatesRefresh{}, notFound(err, "rates refresh")
	}
	r.StartedAt, r.FinishedAt = started.T, finished.T
	r.Result.Unchanged = r.Result.Read - r.Result.Added - r.Result.Changed
	return r, nil
}

// RatesStatus is what health checks and the dashboard show about rates.
type RatesStatus struct {
	fxrate.Summary
	LastRefresh *RatesRefresh
}

// RatesStatus summarises the stored rates and the last refresh.
func (s *Store) RatesStatus(ctx context.Context) (RatesStatus, error) {
	t, err := s.Rates(ctx)
	if err != nil {
		return RatesStatus{}, err
	}
	st := RatesStatus{Summary: t.Summary()}
	last, err := s.LastRatesRefresh(ctx)
	switch {
	case err == nil:
		st.LastRefresh = &last
	case !errors.Is(err, ErrNotFound):
		return RatesStatus{}, err
	}
	return st, nil
}
