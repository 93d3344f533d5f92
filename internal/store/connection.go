package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Connection statuses.
const (
	ConnActive   = "active"
	ConnError    = "error"
	ConnDisabled = "disabled"
)

// Sealer encrypts secrets at rest (internal/secret.Box). The store never sees
// a key and never returns sealed bytes.
type Sealer interface {
	Seal(plaintext []byte) ([]byte, error)
	Open(sealed []byte) ([]byte, error)
}

// Connection is one network account in a workspace. Its secret credentials
// are kept apart (ConnectionSecrets) so that no listing can leak them.
type Connection struct {
	ID           string
	WorkspaceID  string
	Network      string // "amazon", "custom"
	Connector    string // "creators", "creators-subtags", "import", …
	Name         string
	Currency     string
	Settings     map[string]string // store_id, tracking_id, marketplace, mode, api_base, token_url, …
	HasSecret    bool
	Status       string
	LastError    string
	SyncInterval time.Duration
	NextRunAt    *time.Time
	FailCount    int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ErrNoSealer means secrets were given to a store opened without a key.
var ErrNoSealer = errors.New("no secret key configured: set AFFSYNC_SECRET_KEY to store credentials")

// CreateConnection stores a connection; secrets are sealed before they are written.
func (s *Store) CreateConnection(ctx context.Context, sealer Sealer, c Connection, secrets map[string]string) (Connection, error) {
	now := time.Now().UTC()
	c.ID = newID("conn")
	c.CreatedAt, c.UpdatedAt = now, now
	if c.Status == "" {
		c.Status = ConnActive
	}
	if c.SyncInterval <= 0 {
		c.SyncInterval = time.Hour
	}
	if c.Settings == nil {
		c.Settings = map[string]string{}
	}
	settings, err := jsonText(c.Settings)
	if err != nil {
		return Connection{}, fmt.Errorf("connection settings: %w", err)
	}
	var sealed []byte
	if len(secrets) > 0 {
		if sealer == nil {
			return Connection{}, ErrNoSealer
		}
		plain, err := json.Marshal(secrets)
		if err != nil {
			return Connection{}, fmt.Errorf("connection secrets: %w", err)
		}
		if sealed, err = sealer.Seal(plain); err != nil {
			return Connection{}, fmt.Errorf("seal connection secrets: %w", err)
		}
		c.HasSecret = true
	}
	err = s.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO connections (id, workspace_id, network, connector, name, currency, settings, secret,
			status, last_error, sync_interval_seconds, next_run_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			c.ID, c.WorkspaceID, c.Network, c.Connector, c.Name, c.Currency, settings, sealed,
			c.Status, c.LastError, int64(c.SyncInterval/time.Second), s.tsp(c.NextRunAt), s.ts(now), s.ts(now))
		if err != nil {
			return err
		}
		return tx.adoptCurrency(ctx, c.WorkspaceID, c.Currency)
	})
	if err != nil {
		return Connection{}, fmt.Errorf("create connection: %w", err)
	}
	return c, nil
}

const connectionColumns = `id, workspace_id, network, connector, name, currency, settings, secret IS NOT NULL,
	status, last_error, sync_interval_seconds, next_run_at, fail_count, created_at, updated_at`

// Connection reads one connection of a workspace.
func (s *Store) Connection(ctx context.Context, workspaceID, id string) (Connection, error) {
	return scanConnection(s.read.QueryRowContext(ctx,
		`SELECT `+connectionColumns+` FROM connections WHERE id = $1 AND workspace_id = $2`, id, workspaceID))
}

// Connections lists a workspace's connections by name.
func (s *Store) Connections(ctx context.Context, workspaceID string) ([]Connection, error) {
	rows, err := s.read.QueryContext(ctx,
		`SELECT `+connectionColumns+` FROM connections WHERE workspace_id = $1 ORDER BY name, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list connections: %w", err)
	}
	return collect(rows, scanConnection)
}

// ConnectionSecrets opens a connection's sealed credentials, for the code that
// talks to the network only.
func (s *Store) ConnectionSecrets(ctx context.Context, sealer Sealer, workspaceID, id string) (map[string]string, error) {
	var sealed []byte
	err := s.read.QueryRowContext(ctx, `SELECT secret FROM connections WHERE id = $1 AND workspace_id = $2`, id, workspaceID).Scan(&sealed)
	if err != nil {
		return nil, notFound(err, "connection")
	}
	if sealed == nil {
		return map[string]string{}, nil
	}
	if sealer == nil {
		return nil, ErrNoSealer
	}
	plain, err := sealer.Open(sealed)
	if err != nil {
		return nil, fmt.Errorf("open connection secrets: %w", err)
	}
	out := map[string]string{}
	if err := json.Unmarshal(plain, &out); err != nil {
		return nil, fmt.Errorf("connection secrets: %w", err)
	}
	return out, nil
}

// SetConnectionStatus records a connection's state and last error.
func (s *Store) SetConnectionStatus(ctx context.Context, workspaceID, id, status, lastError string) error {
	return s.Write(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE connections SET status = $1, last_error = $2, updated_at = $3
			WHERE id = $4 AND workspace_id = $5`, status, lastError, s.ts(time.Now()), id, workspaceID)
		if err != nil {
			return fmt.Errorf("set connection status: %w", err)
		}
		return mustAffect(res, "connection")
	})
}

func scanConnection(r rowScanner) (Connection, error) {
	var c Connection
	var settings string
	var interval int64
	var next, created, updated scanTime
	err := r.Scan(&c.ID, &c.WorkspaceID, &c.Network, &c.Connector, &c.Name, &c.Currency, &settings, &c.HasSecret,
		&c.Status, &c.LastError, &interval, &next, &c.FailCount, &created, &updated)
	if err != nil {
		return c, notFound(err, "connection")
	}
	if err := json.Unmarshal([]byte(settings), &c.Settings); err != nil {
		return c, fmt.Errorf("connection %s settings: %w", c.ID, err)
	}
	c.SyncInterval = time.Duration(interval) * time.Second
	c.NextRunAt, c.CreatedAt, c.UpdatedAt = next.ptr(), created.T, updated.T
	return c, nil
}

// Run is one sync (or import) of a connection.
type Run struct {
	ID           int64
	ConnectionID string
	Trigger      string // "schedule", "manual", "import"
	StartedAt    time.Time
	FinishedAt   *time.Time
	Files        int
	Rows         int
	Outcome      string // "running", "ok", "error"
	Error        string
}

// AbandonedRun is the error of a sync run whose instance died mid-run.
const AbandonedRun = "abandoned: the instance running it stopped before it finished; another took the connection over"

// StartRun records that a run began. A sync runs only under the
// connection's lease, so a sync run of it still open at this point belongs
// to an instance that died (its lease ran out): it is closed as abandoned,
// or it would say "running" for ever.
func (s *Store) StartRun(ctx context.Context, workspaceID, connectionID, trigger string) (Run, error) {
	r := Run{ConnectionID: connectionID, Trigger: trigger, StartedAt: time.Now().UTC(), Outcome: "running"}
	err := s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `UPDATE connection_runs SET finished_at = $1, outcome = 'error', error = $2
			WHERE workspace_id = $3 AND connection_id = $4 AND outcome = 'running' AND trigger_kind IN ('schedule', 'manual')`,
			s.ts(r.StartedAt), AbandonedRun, workspaceID, connectionID); err != nil {
			return err
		}
		return tx.tx.QueryRowContext(ctx, `INSERT INTO connection_runs (workspace_id, connection_id, trigger_kind, started_at)
			VALUES ($1, $2, $3, $4) RETURNING id`, workspaceID, connectionID, trigger, s.ts(r.StartedAt)).Scan(&r.ID)
	})
	if err != nil {
		return Run{}, fmt.Errorf("start run: %w", err)
	}
	return r, nil
}

// FinishRun records a run's outcome.
func (s *Store) FinishRun(ctx context.Context, r Run) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `UPDATE connection_runs SET finished_at = $1, files = $2, rows_read = $3, outcome = $4, error = $5
			WHERE id = $6`, s.ts(time.Now()), r.Files, r.Rows, r.Outcome, r.Error, r.ID)
		if err != nil {
			return fmt.Errorf("finish run: %w", err)
		}
		return nil
	})
}

// Runs lists a connection's runs, newest first.
func (s *Store) Runs(ctx context.Context, workspaceID, connectionID string, limit int) ([]Run, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, connection_id, trigger_kind, started_at, finished_at, files, rows_read, outcome, error
		FROM connection_runs WHERE workspace_id = $1 AND connection_id = $2 ORDER BY id DESC LIMIT $3`, workspaceID, connectionID, limit)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	return collect(rows, func(r rowScanner) (Run, error) {
		var run Run
		var started, finished scanTime
		if err := r.Scan(&run.ID, &run.ConnectionID, &run.Trigger, &started, &finished, &run.Files, &run.Rows, &run.Outcome, &run.Error); err != nil {
			return run, fmt.Errorf("read run: %w", err)
		}
		run.StartedAt, run.FinishedAt = started.T, finished.ptr()
		return run, nil
	})
}

// AllConnections lists the connections of every workspace (the daily pass).
func (s *Store) AllConnections(ctx context.Context) ([]Connection, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+connectionColumns+` FROM connections WHERE status <> 'disabled' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list connections: %w", err)
	}
	return collect(rows, scanConnection)
}
