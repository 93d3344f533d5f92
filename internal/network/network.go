// Package network says what an affiliate network is to affsync: a name, its
// connectors, the account a person gives to connect it, its typed settings
// (decoded from the stored connection in one place), its report sources,
// how its report rows become facts and how those facts group and project.
// Each network lives in its own package below this one (amazon, custom);
// the rest of affsync asks a Registry, never a network's name.
package network

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/affsync/affsync/internal/lifecycle"
	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/reportfile"
	"github.com/affsync/affsync/internal/store"
)

// Network is one affiliate network affsync can connect.
type Network interface {
	// Name is the network's id, stored on connections ("amazon").
	Name() string
	// Connectors are the ids of its connectors (SPEC §3.2), stored on connections.
	Connectors() []string
	// NewAccount is an empty account of this network for a person to fill:
	// the API decodes a JSON body into it, the CLI binds its flags to it.
	NewAccount() Account
	// Open decodes a stored connection into the network's typed settings:
	// the one place its settings map is read. A stored form the network
	// cannot read is an error naming the connection.
	Open(c store.Connection) (Connection, error)
}

// Account is what a person gives to connect an account of one network.
type Account interface {
	// Flags binds the account's fields to flags of `affsync connection add`.
	Flags(fs *flag.FlagSet)
	// Usage is the synopsis of those flags.
	Usage() string
	// Check applies the defaults and validates what was given; a mistake is
	// an *InvalidError. The Draft is what is stored.
	Check() (Draft, error)
}

// Draft is a checked account, ready to be stored as a connection.
type Draft struct {
	Network   string
	Connector string
	Name      string
	Currency  string
	Settings  map[string]string // the stored form of the network's typed settings
	Secret    string            // "" when none; stored sealed
}

// Connection is a stored connection as its network reads it.
type Connection interface {
	// Rules are how its files are read and its facts projected.
	Rules() Rules
	// Facts turns the rows of one report table into facts (SPEC §3.4),
	// calling emit for each. Only called when Rules().Reports.
	Facts(t *reportfile.Table, emit func(model.Fact) error) (FactStats, error)
	// DealProgram reads the program column of a deals file as the network
	// names programs; an error is the reason, to be located by the caller.
	DealProgram(v string) (string, error)
	// Source is the report source a sync lists and downloads from, made
	// with the connection's secret; ErrNotSyncable when it has none.
	Source(secret string, o SourceOptions) (Source, error)
	// Explain says what an error of its source means: the program status
	// it sets when it is a refusal of the account (SPEC §2 wording:
	// "credentials rejected"…), "" when it says nothing of the account
	// (a network that is down); and a sentence for the user that names no
	// credential.
	Explain(err error) (refusal, sentence string)
}

// Rules are the decisions a network makes for one connection; the importer
// and the lifecycle carry them out.
type Rules struct {
	// Reports: the network's report files are read into facts (Facts) and
	// projected by the lifecycle into transactions, revenues and clicks.
	Reports bool
	// Transactions: the network's files are transactions CSVs (SPEC §4.4),
	// each row the truth of one transaction, upserted by id; no lifecycle.
	Transactions bool
	// Syncs: the connection has an account to pull report files from.
	Syncs bool
	// Files is what the network's report files look like, for reading them
	// (amazon: files.Reports); nil for a network without report files.
	Files reportfile.Reports
	// Mode is how facts group into transactions (lifecycle.GroupKey).
	Mode lifecycle.Mode
	// ReturnWindowDays overrides the lifecycle's return window (0: its default).
	ReturnWindowDays int
	// How person-written files (payments, deals, custom transactions) are
	// read, and what rows without a currency or program are.
	DayFirst bool
	Decimal  money.DecimalHint
	Currency string
	Program  string
	// AccountProgram is the program whose status connecting and syncing the
	// account report (Amazon: its marketplace); "" when none.
	AccountProgram string
}

// FactStats counts what happened to a table's rows.
type FactStats struct {
	Rows    int // data rows read
	Facts   int // facts emitted
	Skipped int // rows that are no facts (other tracking IDs, totals, blank rows, reports not imported)
	Notes   []string
}

// ReportFile is one listed report file.
type ReportFile struct {
	Name         string
	Size         int64     // bytes, as listed
	MD5          string    // lowercase hex of the file bytes, as listed
	LastModified time.Time // UTC
}

// Source lists and opens report files; one implementation per transport.
// Files of report types affsync does not import are listed like any other:
// skipping them, with a note, is the caller's business.
type Source interface {
	List(ctx context.Context) ([]ReportFile, error)
	// Open downloads the file, verifies size and MD5 (spooling to a temp file;
	// a mismatch is an error that names the file and both values) and returns
	// a reader over the verified bytes; Close removes the spool.
	Open(ctx context.Context, f ReportFile) (io.ReadCloser, error)
}

// SourceOptions are what the syncer gives every source it makes.
type SourceOptions struct {
	HTTPClient *http.Client // nil: the transport's own
	Log        *slog.Logger
	Retry      RetryPolicy // zero: the transport's defaults
}

// RetryPolicy says how often and how patiently a call is retried. Zero
// fields take the transport's defaults.
type RetryPolicy struct {
	MaxAttempts int           // attempts per call, the first included
	BaseDelay   time.Duration // backoff before the second attempt at most
	MaxDelay    time.Duration // cap of every wait, Retry-After included
	CallTimeout time.Duration // bounds one attempt of an API call
	// Sleep waits between attempts; tests replace it to record the waits.
	Sleep func(ctx context.Context, d time.Duration) error
}

// ErrNotSyncable is a connection without an account to pull from (file import).
var ErrNotSyncable = errors.New("this connection imports files; it has nothing to sync")

// ErrFileChanged is a download whose bytes are not the listed ones (the
// file was re-issued between listing and download): that file fails, the
// next sync lists it anew.
var ErrFileChanged = errors.New("report file changed since it was listed")

// InvalidError is a mistake in what was given; the message says which.
type InvalidError struct{ Msg string }

func (e *InvalidError) Error() string { return e.Msg }

// Invalid makes an *InvalidError.
func Invalid(format string, args ...any) error { return &InvalidError{fmt.Sprintf(format, args...)} }

// Registry is the fixed set of networks of one process, built once at
// startup and passed to what needs it.
type Registry struct {
	networks []Network
}

// NewRegistry makes a registry of the given networks; a name given twice panics
// (a wiring mistake, found by the first test that builds it).
func NewRegistry(ns ...Network) *Registry {
	r := &Registry{}
	for _, n := range ns {
		if _, ok := r.Lookup(n.Name()); ok {
			panic("network: " + n.Name() + " registered twice")
		}
		r.networks = append(r.networks, n)
	}
	return r
}

// Lookup finds a network by name.
func (r *Registry) Lookup(name string) (Network, bool) {
	for _, n := range r.networks {
		if n.Name() == name {
			return n, true
		}
	}
	return nil, false
}

// Names are the registered networks' names, in registration order.
func (r *Registry) Names() []string {
	out := make([]string, len(r.networks))
	for i, n := range r.networks {
		out[i] = n.Name()
	}
	return out
}

// Open decodes a stored connection through its network.
func (r *Registry) Open(c store.Connection) (Connection, error) {
	n, ok := r.Lookup(c.Network)
	if !ok {
		return nil, fmt.Errorf("connection %s: network %q is not one of %v", c.ID, c.Network, r.Names())
	}
	if !slices.Contains(n.Connectors(), c.Connector) {
		return nil, fmt.Errorf("connection %s: connector %q is not one of %s's %v", c.ID, c.Connector, c.Network, n.Connectors())
	}
	return n.Open(c)
}

// Syncs says whether a stored connection has an account to sync; a
// connection its network cannot read does not.
func (r *Registry) Syncs(c store.Connection) bool {
	conn, err := r.Open(c)
	return err == nil && conn.Rules().Syncs
}
