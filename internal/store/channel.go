package store

import (
	"context"
	"fmt"
	"time"
)

// Channel is where traffic comes from: for Amazon, a tracking ID.
type Channel struct {
	WorkspaceID  string
	ConnectionID string
	Code         string
	Name         string
	CreatedAt    time.Time
}

// EnsureChannels records channels seen in reports; known ones are left alone.
func (t *Tx) EnsureChannels(ctx context.Context, workspaceID, connectionID string, codes []string) error {
	now := t.s.ts(time.Now())
	for _, code := range uniqueStrings(codes) {
		if code == "" {
			continue
		}
		if _, err := t.exec(ctx, `INSERT INTO channels (workspace_id, connection_id, code, name, created_at)
			VALUES ($1, $2, $3, '', $4) ON CONFLICT (connection_id, code) DO NOTHING`, workspaceID, connectionID, code, now); err != nil {
			return fmt.Errorf("record channel %q: %w", code, err)
		}
	}
	return nil
}

// Channels lists a workspace's channels.
func (s *Store) Channels(ctx context.Context, workspaceID string) ([]Channel, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT workspace_id, connection_id, code, name, created_at FROM channels
		WHERE workspace_id = $1 ORDER BY code, connection_id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list channels: %w", err)
	}
	return collect(rows, func(r rowScanner) (Channel, error) {
		var c Channel
		var created scanTime
		if err := r.Scan(&c.WorkspaceID, &c.ConnectionID, &c.Code, &c.Name, &created); err != nil {
			return c, fmt.Errorf("read channel: %w", err)
		}
		c.CreatedAt = created.T
		return c, nil
	})
}
