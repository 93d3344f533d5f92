package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Program is an advertiser of a connection (for Amazon, one per marketplace) and its state.
type Program struct {
	WorkspaceID  string
	ConnectionID string
	Program      string
	Status       string // joined, active, no report access, credentials rejected, …
	Reason       string
	UpdatedAt    time.Time
}

// ProgramChange is one entry of a program's status history.
type ProgramChange struct {
	At         time.Time
	FromStatus string
	ToStatus   string
	Reason     string
}

// SetProgramStatus records a program's status; a real change is written to its history.
func (s *Store) SetProgramStatus(ctx context.Context, workspaceID, connectionID, program, status, reason string) error {
	return s.Write(ctx, func(tx *Tx) error {
		return tx.SetProgramStatus(ctx, workspaceID, connectionID, program, status, reason)
	})
}

// SetProgramStatus is the in-transaction form.
func (t *Tx) SetProgramStatus(ctx context.Context, workspaceID, connectionID, program, status, reason string) error {
	var old string
	err := t.queryRow(ctx, `SELECT status FROM programs WHERE connection_id = $1 AND program = $2 AND workspace_id = $3`,
		connectionID, program, workspaceID).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read program: %w", err)
	}
	if old == status && err == nil {
		return nil
	}
	now := t.s.ts(time.Now())
	if _, err := t.exec(ctx, `INSERT INTO programs (workspace_id, connection_id, program, status, reason, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (connection_id, program) DO UPDATE SET status = excluded.status, reason = excluded.reason, updated_at = excluded.updated_at`,
		workspaceID, connectionID, program, status, reason, now); err != nil {
		return fmt.Errorf("write program: %w", err)
	}
	if _, err := t.exec(ctx, `INSERT INTO program_history (workspace_id, connection_id, program, at, from_status, to_status, reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, workspaceID, connectionID, program, now, old, status, reason); err != nil {
		return fmt.Errorf("write program history: %w", err)
	}
	return nil
}

// Programs lists a workspace's programs.
func (s *Store) Programs(ctx context.Context, workspaceID string) ([]Program, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT workspace_id, connection_id, program, status, reason, updated_at FROM programs
		WHERE workspace_id = $1 ORDER BY program, connection_id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list programs: %w", err)
	}
	return collect(rows, func(r rowScanner) (Program, error) {
		var p Program
		var updated scanTime
		if err := r.Scan(&p.WorkspaceID, &p.ConnectionID, &p.Program, &p.Status, &p.Reason, &updated); err != nil {
			return p, fmt.Errorf("read program: %w", err)
		}
		p.UpdatedAt = updated.T
		return p, nil
	})
}

// ProgramHistory lists a program's status changes, oldest first.
func (s *Store) ProgramHistory(ctx context.Context, workspaceID, connectionID, program string) ([]ProgramChange, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT at, from_status, to_status, reason FROM program_history
		WHERE workspace_id = $1 AND connection_id = $2 AND program = $3 ORDER BY id`, workspaceID, connectionID, program)
	if err != nil {
		return nil, fmt.Errorf("program history: %w", err)
	}
	return collect(rows, func(r rowScanner) (ProgramChange, error) {
		var c ProgramChange
		var at scanTime
		if err := r.Scan(&at, &c.FromStatus, &c.ToStatus, &c.Reason); err != nil {
			return c, fmt.Errorf("read program history: %w", err)
		}
		c.At = at.T
		return c, nil
	})
}

// Program reads one program of a connection.
func (s *Store) Program(ctx context.Context, workspaceID, connectionID, program string) (Program, error) {
	var p Program
	var updated scanTime
	err := s.read.QueryRowContext(ctx, `SELECT workspace_id, connection_id, program, status, reason, updated_at FROM programs
		WHERE workspace_id = $1 AND connection_id = $2 AND program = $3`, workspaceID, connectionID, program).
		Scan(&p.WorkspaceID, &p.ConnectionID, &p.Program, &p.Status, &p.Reason, &updated)
	if err != nil {
		return p, notFound(err, "program")
	}
	p.UpdatedAt = updated.T
	return p, nil
}
