// Package custom is the custom network (SPEC §4.4): a network affsync has
// no connector for, whose transactions a person imports as CSV files. It
// has no reports and no lifecycle: each row of its file is the truth of one
// transaction, upserted by id.
package custom

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/affsync/affsync/internal/model"
	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/reportfile"
	"github.com/affsync/affsync/internal/store"
)

// Name is the network's id on connections.
const Name = "custom"

// ConnectorImport is its only connector: files given by a person.
const ConnectorImport = "import"

// The decimal marks a connection may fix.
const (
	DecimalDot   = "dot"
	DecimalComma = "comma"
)

// Network is the custom network.
type Network struct{}

var _ network.Network = Network{}

func (Network) Name() string { return Name }

func (Network) Connectors() []string { return []string{ConnectorImport} }

func (Network) NewAccount() network.Account { return &Account{} }

func (Network) Open(c store.Connection) (network.Connection, error) {
	s, err := decodeSettings(c.Settings)
	if err != nil {
		return nil, fmt.Errorf("connection %s: %w", c.ID, err)
	}
	s.defaults(c.Name)
	return &connection{currency: c.Currency, s: s}, nil
}

// Settings are a custom connection's typed settings.
type Settings struct {
	Program  string // program of rows without one
	DayFirst bool   // slashed dates are day first
	Decimal  string // "dot", "comma", or "" to refuse amounts that cannot tell
}

// defaults is the one place a custom setting gets a default: the program
// is the connection's name.
func (s *Settings) defaults(name string) {
	if s.Program == "" {
		s.Program = name
	}
}

func decodeSettings(m map[string]string) (Settings, error) {
	s := Settings{Program: m["program"], DayFirst: m["day_first"] == "true", Decimal: m["decimal"]}
	if s.Decimal != "" && s.Decimal != DecimalDot && s.Decimal != DecimalComma {
		return s, fmt.Errorf("decimal %q: want dot or comma", s.Decimal)
	}
	return s, nil
}

// encode is the stored form; defaults are not stored, so a renamed
// connection's program follows its name.
func (s Settings) encode() map[string]string {
	m := map[string]string{}
	if s.Program != "" {
		m["program"] = s.Program
	}
	if s.DayFirst {
		m["day_first"] = "true"
	}
	if s.Decimal != "" {
		m["decimal"] = s.Decimal
	}
	return m
}

type connection struct {
	currency string
	s        Settings
}

// files says what a custom connection's files are: it has no reports.
var files = reportfile.NoReports{Hint: "a custom connection imports the CSV of SPEC §4.4 (sold, revenue, and optionally id, clicked, " +
	"price, status, currency, custom_1, custom_2), a payments or a deals file"}

func (c *connection) Rules() network.Rules {
	r := network.Rules{Transactions: true, Files: files, DayFirst: c.s.DayFirst, Currency: c.currency, Program: c.s.Program}
	switch c.s.Decimal {
	case DecimalComma:
		r.Decimal = money.HintComma
	case DecimalDot:
		r.Decimal = money.HintDot
	}
	return r
}

var errNoReports = errors.New("the custom network has no report files")

func (c *connection) Facts(*reportfile.Table, func(model.Fact) error) (network.FactStats, error) {
	return network.FactStats{}, errNoReports
}

// DealProgram takes the program as written.
func (c *connection) DealProgram(v string) (string, error) { return v, nil }

func (c *connection) Source(string, network.SourceOptions) (network.Source, error) {
	return nil, network.ErrNotSyncable
}

func (c *connection) Explain(err error) (string, string) {
	if err == nil {
		return "", ""
	}
	return "", err.Error()
}

// Account is a connection of the custom network as a person gives it.
type Account struct {
	Name     string `json:"name"`
	Currency string `json:"currency"`  // default currency of rows without one
	Program  string `json:"program"`   // program of rows without one (default: the name)
	DayFirst bool   `json:"day_first"` // slashed dates are day first (02/10/2026 is 2 October)
	Decimal  string `json:"decimal"`   // "dot" or "comma" where an amount alone cannot tell ("1,234"); default: refuse such amounts
}

func (a *Account) Usage() string {
	return "--name N [--currency CUR] [--program P] [--day-first] [--decimal dot|comma]"
}

func (a *Account) Flags(fs *flag.FlagSet) {
	fs.StringVar(&a.Name, "name", "", "display name of the network (required)")
	fs.StringVar(&a.Currency, "currency", "", "ISO 4217 currency of rows without a currency column")
	fs.StringVar(&a.Program, "program", "", "program of rows without a program column (default: the name)")
	fs.BoolVar(&a.DayFirst, "day-first", false, "slashed dates are day first (02/10/2026 is 2 October)")
	fs.StringVar(&a.Decimal, "decimal", "", "the decimal mark where an amount alone cannot tell (1,234): dot or comma")
}

// Check validates the account. Nothing is checked against a network; the
// connection is never synced, only imported into.
func (a *Account) Check() (network.Draft, error) {
	a.Currency = strings.ToUpper(strings.TrimSpace(a.Currency))
	a.Name = strings.TrimSpace(a.Name)
	switch {
	case a.Name == "":
		return network.Draft{}, network.Invalid("a name is required")
	case a.Currency != "" && !knownCurrency(a.Currency):
		return network.Draft{}, network.Invalid("currency %q is not an ISO 4217 code", a.Currency)
	case a.Decimal != "" && a.Decimal != DecimalDot && a.Decimal != DecimalComma:
		return network.Draft{}, network.Invalid("decimal must be dot or comma")
	}
	s := Settings{Program: a.Program, DayFirst: a.DayFirst, Decimal: a.Decimal}
	return network.Draft{Network: Name, Connector: ConnectorImport, Name: a.Name, Currency: a.Currency, Settings: s.encode()}, nil
}

func knownCurrency(code string) bool {
	_, ok := money.LookupCurrency(code)
	return ok
}

// MonthGroup is the group key of a custom transaction: the month it was
// sold in, the month a payment covers.
func MonthGroup(soldAt time.Time) string { return "m:" + soldAt.UTC().Format("2006-01") }

// statuses maps a file's status words to the normalised status.
var statuses = map[string]model.Status{
	"pending": model.StatusPending, "open": model.StatusPending, "new": model.StatusPending, "waiting": model.StatusPending,
	"confirmed": model.StatusConfirmed, "approved": model.StatusConfirmed, "accepted": model.StatusConfirmed, "valid": model.StatusConfirmed,
	"declined": model.StatusDeclined, "rejected": model.StatusDeclined, "cancelled": model.StatusDeclined, "canceled": model.StatusDeclined,
	"invalid": model.StatusDeclined, "reversed": model.StatusDeclined,
}

// Status reads a file's status word (any case) as the normalised status.
func Status(word string) (model.Status, bool) {
	s, ok := statuses[strings.ToLower(word)]
	return s, ok
}
