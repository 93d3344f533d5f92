// Package connect creates connections: it checks what a person gave
// through the account's network, checks a syncing account for real (its
// report source lists at least one file) and stores the connection.
package connect

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/store"
)

// Program statuses of SPEC §2 that are not refusals (those are the
// networks' Explain words).
const (
	ProgramJoined = "joined" // connected, nothing synced or imported yet
	ProgramActive = "active" // reports are listed or received
)

// RefusedError is an account that did not pass the real check.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string { return "connection refused: " + e.Reason }

// Options are what a real check uses.
type Options struct {
	HTTPClient *http.Client // nil: the transport's own
	Now        func() time.Time
}

// Create checks an account and stores it (CreateDraft).
func Create(ctx context.Context, s *store.Store, sealer store.Sealer, workspaceID string, n network.Network, a network.Account,
	o Options) (store.Connection, error) {
	d, err := a.Check()
	if err != nil {
		return store.Connection{}, err
	}
	return CreateDraft(ctx, s, sealer, workspaceID, n, d, o)
}

// CreateDraft stores a checked account as a connection, its secret sealed:
// one that syncs is first checked for real (a token and at least one listed
// report) and is due to sync at once. sealer may be nil when there is no
// secret. A mistake is a *network.InvalidError, a refusal a *RefusedError.
func CreateDraft(ctx context.Context, s *store.Store, sealer store.Sealer, workspaceID string, n network.Network, d network.Draft,
	o Options) (store.Connection, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	c := store.Connection{WorkspaceID: workspaceID, Network: n.Name(), Connector: d.Connector, Name: d.Name, Currency: d.Currency,
		Settings: d.Settings}
	// The stored form is read back as every later reader reads it, so a
	// connection that is stored is one its network can open.
	conn, err := n.Open(c)
	if err != nil {
		return store.Connection{}, &network.InvalidError{Msg: err.Error()}
	}
	var secrets map[string]string
	if d.Secret != "" {
		if sealer == nil {
			return store.Connection{}, store.ErrNoSealer
		}
		secrets = map[string]string{"secret": d.Secret}
	}
	rules := conn.Rules()
	if rules.Syncs {
		src, err := conn.Source(d.Secret, network.SourceOptions{HTTPClient: o.HTTPClient})
		if err != nil {
			return store.Connection{}, &network.InvalidError{Msg: err.Error()}
		}
		if err := Check(ctx, conn, src); err != nil {
			return store.Connection{}, err
		}
		now := o.Now().UTC()
		c.NextRunAt = &now // the scheduler of 'affsync serve' syncs it at once
	}
	c, err = s.CreateConnection(ctx, sealer, c, secrets)
	if err != nil {
		return c, err
	}
	if p := rules.AccountProgram; p != "" {
		if err := s.SetProgramStatus(ctx, workspaceID, c.ID, p, ProgramJoined, "connected"); err != nil {
			return c, err
		}
	}
	return c, nil
}

// ErrNoReportFiles is the refusal of an account that lists no file.
var ErrNoReportFiles = errors.New("no report files are listed for this account yet")

// Check validates a source for real: it lists at least one report. A
// refusal is a *RefusedError whose reason is the network's sentence.
func Check(ctx context.Context, conn network.Connection, src network.Source) error {
	files, err := src.List(ctx)
	if err != nil {
		_, sentence := conn.Explain(fmt.Errorf("check connection: %w", err))
		return &RefusedError{sentence}
	}
	if len(files) == 0 {
		return &RefusedError{ErrNoReportFiles.Error()}
	}
	return nil
}
