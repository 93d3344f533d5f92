package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // zones are checked the same on machines without a zoneinfo database
)

// Roles of a user in a workspace.
const (
	RoleAdmin    = "admin"
	RoleMember   = "member"
	RoleReadOnly = "read-only"
)

// User is a person who logs in to the dashboard.
type User struct {
	ID           string
	Email        string
	Name         string
	PasswordHash string
	TimeZone     string
	CreatedAt    time.Time
}

// Member is a user with their role in one workspace.
type Member struct {
	User
	Role string
}

// CreateUser stores a user (with an already hashed password) and makes them a
// member of the workspace with role.
func (s *Store) CreateUser(ctx context.Context, workspaceID, email, passwordHash, role string) (User, error) {
	if role != RoleAdmin && role != RoleMember && role != RoleReadOnly {
		return User{}, fmt.Errorf("role %q: want admin, member or read-only", role)
	}
	email = strings.ToLower(strings.TrimSpace(email))
	if !strings.Contains(email, "@") {
		return User{}, fmt.Errorf("email %q is not an address", email)
	}
	u := User{ID: newID("usr"), Email: email, PasswordHash: passwordHash, TimeZone: "UTC", CreatedAt: time.Now().UTC()}
	err := s.Write(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, time_zone, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, u.ID, u.Email, u.Name, u.PasswordHash, u.TimeZone, s.ts(u.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)`,
			workspaceID, u.ID, role, s.ts(u.CreatedAt))
		return err
	})
	if err != nil {
		return User{}, fmt.Errorf("create user %s: %w", email, err)
	}
	return u, nil
}

const userColumns = `u.id, u.email, u.name, u.password_hash, u.time_zone, u.created_at`

// UserByEmail finds a user by address (for login).
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	return scanUser(s.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users u WHERE u.email = $1`,
		strings.ToLower(strings.TrimSpace(email))))
}

// Member finds a user's membership of a workspace.
func (s *Store) Member(ctx context.Context, workspaceID, userID string) (Member, error) {
	return scanMember(s.read.QueryRowContext(ctx, `SELECT `+userColumns+`, m.role FROM users u
		JOIN memberships m ON m.user_id = u.id WHERE m.workspace_id = $1 AND u.id = $2`, workspaceID, userID))
}

// Members lists a workspace's users by email.
func (s *Store) Members(ctx context.Context, workspaceID string) ([]Member, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+userColumns+`, m.role FROM users u
		JOIN memberships m ON m.user_id = u.id WHERE m.workspace_id = $1 ORDER BY u.email`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	return collect(rows, scanMember)
}

// SetUserTimeZone sets the IANA time zone ("Europe/Berlin") a member of the
// workspace sees dates in. A zone this program cannot load is refused, so
// that a stored zone always works.
func (s *Store) SetUserTimeZone(ctx context.Context, workspaceID, userID, zone string) error {
	if _, err := time.LoadLocation(zone); zone == "" || zone == "Local" || err != nil {
		return fmt.Errorf("time zone %q: %w", zone, ErrBadTimeZone)
	}
	err := s.Write(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE users SET time_zone = $1 WHERE id = $2
			AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id AND m.workspace_id = $3)`, zone, userID, workspaceID)
		if err != nil {
			return err
		}
		return mustAffect(res, "member")
	})
	if err != nil {
		return fmt.Errorf("set time zone: %w", err)
	}
	return nil
}

// ErrBadTimeZone is a time zone that is not an IANA name this program knows.
var ErrBadTimeZone = errors.New("not an IANA time zone name")

// ErrLastAdmin refuses a change that would leave a workspace without an
// admin: nobody could then manage its users and keys from the dashboard.
var ErrLastAdmin = fmt.Errorf("%w: this is the workspace's only admin; make another member admin first", ErrConflict)

// ErrSharedUser refuses to set the password of a user who also belongs to
// other workspaces: one workspace's admin must not be able to sign in as
// them to a workspace they do not administer.
var ErrSharedUser = fmt.Errorf("%w: this user belongs to other workspaces too, so their password is not this workspace's to set", ErrConflict)

// SetMemberRole changes a member's role in the workspace. Demoting the
// workspace's last admin is refused (ErrLastAdmin). The check lives here,
// in the transaction that makes the change, so that two admins demoting
// each other at once cannot both succeed; every caller (dashboard, CLI)
// gets it. A session reads its role on every request, so the change takes
// effect on the member's next click.
func (s *Store) SetMemberRole(ctx context.Context, workspaceID, userID, role string) error {
	if role != RoleAdmin && role != RoleMember && role != RoleReadOnly {
		return fmt.Errorf("role %q: want admin, member or read-only", role)
	}
	err := s.Write(ctx, func(tx *Tx) error {
		if role != RoleAdmin {
			if err := tx.keepAnAdmin(ctx, workspaceID, userID); err != nil {
				return err
			}
		}
		res, err := tx.tx.ExecContext(ctx, `UPDATE memberships SET role = $1 WHERE workspace_id = $2 AND user_id = $3`,
			role, workspaceID, userID)
		if err != nil {
			return err
		}
		return mustAffect(res, "member")
	})
	if err != nil {
		return fmt.Errorf("set role: %w", err)
	}
	return nil
}

// RemoveMember takes a user out of the workspace and ends their sessions in
// it. Removing the last admin is refused (ErrLastAdmin). A user left in no
// workspace is deleted altogether: they could not sign in anyway, and their
// address becomes free to be added again (as a new user) here or elsewhere.
// A user who belongs to other workspaces keeps their account and those
// sessions.
func (s *Store) RemoveMember(ctx context.Context, workspaceID, userID string) error {
	err := s.Write(ctx, func(tx *Tx) error {
		if err := tx.keepAnAdmin(ctx, workspaceID, userID); err != nil {
			return err
		}
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2`, workspaceID, userID)
		if err != nil {
			return err
		}
		if err := mustAffect(res, "member"); err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, `DELETE FROM sessions WHERE workspace_id = $1 AND user_id = $2`, workspaceID, userID); err != nil {
			return err
		}
		_, err = tx.tx.ExecContext(ctx, `DELETE FROM users WHERE id = $1
			AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id)`, userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("remove member: %w", err)
	}
	return nil
}

// keepAnAdmin refuses (ErrLastAdmin) when userID is the workspace's only
// admin, so demoting or removing them would leave none. On PostgreSQL it
// locks the workspace's admin memberships until the transaction ends, so a
// concurrent demotion waits and then counts what this one left; SQLite has
// one writer at a time anyway.
func (t *Tx) keepAnAdmin(ctx context.Context, workspaceID, userID string) error {
	q := `SELECT user_id FROM memberships WHERE workspace_id = $1 AND role = 'admin'`
	if t.s.dialect == Postgres {
		q += ` FOR UPDATE`
	}
	rows, err := t.tx.QueryContext(ctx, q, workspaceID)
	if err != nil {
		return fmt.Errorf("list admins: %w", err)
	}
	defer rows.Close()
	admins, isAdmin := 0, false
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("list admins: %w", err)
		}
		admins++
		isAdmin = isAdmin || id == userID
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list admins: %w", err)
	}
	if isAdmin && admins == 1 {
		return ErrLastAdmin
	}
	return nil
}

// SetUserPassword replaces a member's password hash (argon2id, made by
// secret.HashPassword) and ends their sessions in the workspace but the one
// whose token hash is keepSession ("" for none), so that an admin who resets
// their own password stays signed in while every other browser is signed
// out. A user who belongs to other workspaces too is refused
// (ErrSharedUser).
func (s *Store) SetUserPassword(ctx context.Context, workspaceID, userID, passwordHash, keepSession string) error {
	if passwordHash == "" {
		return errors.New("set password: empty hash")
	}
	err := s.Write(ctx, func(tx *Tx) error {
		var here, elsewhere int
		if err := tx.tx.QueryRowContext(ctx, `SELECT
				COALESCE(SUM(CASE WHEN workspace_id = $1 THEN 1 ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN workspace_id <> $1 THEN 1 ELSE 0 END), 0)
			FROM memberships WHERE user_id = $2`, workspaceID, userID).Scan(&here, &elsewhere); err != nil {
			return err
		}
		switch {
		case here == 0:
			return fmt.Errorf("member: %w", ErrNotFound)
		case elsewhere > 0:
			return ErrSharedUser
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, passwordHash, userID); err != nil {
			return err
		}
		_, err := tx.tx.ExecContext(ctx, `DELETE FROM sessions WHERE workspace_id = $1 AND user_id = $2 AND token_hash <> $3`,
			workspaceID, userID, keepSession)
		return err
	})
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return nil
}

// UserWorkspaces lists the workspaces a user belongs to.
func (s *Store) UserWorkspaces(ctx context.Context, userID string) ([]Workspace, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT w.id, w.name, w.currency, w.created_at FROM workspaces w
		JOIN memberships m ON m.workspace_id = w.id WHERE m.user_id = $1 ORDER BY w.name`, userID)
	if err != nil {
		return nil, fmt.Errorf("list user workspaces: %w", err)
	}
	return collect(rows, s.scanWorkspace)
}

func scanUser(r rowScanner) (User, error) {
	var u User
	var created scanTime
	if err := r.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.TimeZone, &created); err != nil {
		return u, notFound(err, "user")
	}
	u.CreatedAt = created.T
	return u, nil
}

func scanMember(r rowScanner) (Member, error) {
	var m Member
	var created scanTime
	if err := r.Scan(&m.ID, &m.Email, &m.Name, &m.PasswordHash, &m.TimeZone, &created, &m.Role); err != nil {
		return m, notFound(err, "member")
	}
	m.CreatedAt = created.T
	return m, nil
}

// Session is a dashboard login; only the hash of its token is stored.
type Session struct {
	TokenHash   string
	UserID      string
	WorkspaceID string
	CSRFToken   string
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, se Session) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, workspace_id, csrf_token, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, se.TokenHash, se.UserID, se.WorkspaceID, se.CSRFToken, s.ts(se.CreatedAt), s.ts(se.ExpiresAt))
		if err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		return nil
	})
}

// SessionByHash finds a live session.
func (s *Store) SessionByHash(ctx context.Context, hash string, now time.Time) (Session, error) {
	var se Session
	var created, expires scanTime
	err := s.read.QueryRowContext(ctx, `SELECT token_hash, user_id, workspace_id, csrf_token, created_at, expires_at
		FROM sessions WHERE token_hash = $1 AND expires_at > $2`, hash, s.ts(now)).
		Scan(&se.TokenHash, &se.UserID, &se.WorkspaceID, &se.CSRFToken, &created, &expires)
	if err != nil {
		return se, notFound(err, "session")
	}
	se.CreatedAt, se.ExpiresAt = created.T, expires.T
	return se, nil
}

// DeleteSession logs a session out.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	return s.Write(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash)
		return err
	})
}
