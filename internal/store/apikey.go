package store

import (
	"context"
	"fmt"
	"time"
)

// Scopes of API keys: read keys may only read.
const (
	ScopeRead  = "read"
	ScopeWrite = "write"
)

// APIKey is a key's public record; the secret itself is never stored, only its hash.
type APIKey struct {
	ID          string
	WorkspaceID string
	Name        string
	Prefix      string // the first characters of the secret, to recognise it in lists
	Scope       string
	CreatedAt   time.Time
	LastUsedAt  *time.Time
	RevokedAt   *time.Time
}

// CreateAPIKey stores a new key by its hash.
func (s *Store) CreateAPIKey(ctx context.Context, workspaceID, name, scope, prefix, hash string) (APIKey, error) {
	if scope != ScopeRead && scope != ScopeWrite {
		return APIKey{}, fmt.Errorf("scope %q: want read or write", scope)
	}
	k := APIKey{ID: newID("key"), WorkspaceID: workspaceID, Name: name, Prefix: prefix, Scope: scope, CreatedAt: time.Now().UTC()}
	err := s.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO api_keys (id, workspace_id, name, prefix, hash, scope, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, k.ID, workspaceID, name, prefix, hash, scope, s.ts(k.CreatedAt))
		return err
	})
	if err != nil {
		return APIKey{}, fmt.Errorf("create api key: %w", err)
	}
	return k, nil
}

const apiKeyColumns = `id, workspace_id, name, prefix, scope, created_at, last_used_at, revoked_at`

// APIKeyByHash finds a live (not revoked) key by the hash of its secret.
func (s *Store) APIKeyByHash(ctx context.Context, hash string) (APIKey, error) {
	return scanAPIKey(s.read.QueryRowContext(ctx,
		`SELECT `+apiKeyColumns+` FROM api_keys WHERE hash = $1 AND revoked_at IS NULL`, hash))
}

// APIKeys lists a workspace's keys, newest first.
func (s *Store) APIKeys(ctx context.Context, workspaceID string) ([]APIKey, error) {
	rows, err := s.read.QueryContext(ctx,
		`SELECT `+apiKeyColumns+` FROM api_keys WHERE workspace_id = $1 ORDER BY created_at DESC, id`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list api keys: %w", err)
	}
	return collect(rows, scanAPIKey)
}

// TouchAPIKey records that a key was used; callers throttle how often.
func (s *Store) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `UPDATE api_keys SET last_used_at = $1 WHERE id = $2`, s.ts(at), id)
		return err
	})
}

// RevokeAPIKey stops a key from working; the record stays for the audit
// trail. Revoking a revoked key changes nothing (its first revocation stands).
func (s *Store) RevokeAPIKey(ctx context.Context, workspaceID, id string) error {
	return s.Write(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 AND workspace_id = $3`,
			s.ts(time.Now()), id, workspaceID)
		if err != nil {
			return fmt.Errorf("revoke api key: %w", err)
		}
		return mustAffect(res, "api key")
	})
}

func scanAPIKey(r rowScanner) (APIKey, error) {
	var k APIKey
	var created, used, revoked scanTime
	if err := r.Scan(&k.ID, &k.WorkspaceID, &k.Name, &k.Prefix, &k.Scope, &created, &used, &revoked); err != nil {
		return k, notFound(err, "api key")
	}
	k.CreatedAt, k.LastUsedAt, k.RevokedAt = created.T, used.ptr(), revoked.ptr()
	return k, nil
}
