package store

import (
	"context"
	"database/sql"
	"sync"
)

// readPool is the reader pool with each query text prepared once. On
// SQLite, parsing and planning the SQL is most of the cost of a small read
// (an API request's key lookup, its page, its items); a prepared statement
// skips it on every later use. database/sql re-prepares per connection as
// needed and keeps a statement alive while its rows are read.
type readPool struct {
	*sql.DB
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
	// old is the previous generation of statements. They are closed only
	// at the next rotation, so a statement a request has just taken from
	// the cache is never closed before it runs.
	old   map[string]*sql.Stmt
	limit int // statements per generation
}

// maxStmts bounds a generation of the cache: list queries vary with their
// filters and page sizes, so the set of texts is finite but can be large.
const maxStmts = 512

func newReadPool(db *sql.DB) *readPool {
	return &readPool{DB: db, stmts: map[string]*sql.Stmt{}, limit: maxStmts}
}

func (p *readPool) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	p.mu.Lock()
	st, ok := p.stmts[query]
	if !ok {
		if st, ok = p.old[query]; ok { // still in use: back into the current generation
			delete(p.old, query)
			p.stmts[query] = st
		}
	}
	p.mu.Unlock()
	if ok {
		return st, nil
	}
	st, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.stmts[query]; ok { // prepared meanwhile by another request
		st.Close()
		return old, nil
	}
	if len(p.stmts) >= p.limit {
		for _, old := range p.old {
			old.Close() // rows still open on it keep it alive until they close
		}
		p.old, p.stmts = p.stmts, map[string]*sql.Stmt{}
	}
	p.stmts[query] = st
	return st, nil
}

func (p *readPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (p *readPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := p.stmt(ctx, query)
	if err != nil {
		return p.DB.QueryRowContext(ctx, query, args...) // answers the same error, as a Row
	}
	return st.QueryRowContext(ctx, args...)
}

func (p *readPool) closeStmts() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, gen := range []map[string]*sql.Stmt{p.stmts, p.old} {
		for q, st := range gen {
			st.Close()
			delete(gen, q)
		}
	}
}

// A write transaction on SQLite prepares each statement text once and
// reuses it: an import runs the same few INSERTs and lookups thousands of
// times, and parsing a multi-row INSERT costs as much as running it. The
// statements die with the transaction (database/sql closes them). On
// PostgreSQL pgx already prepares each text once per connection and keeps
// it; preparing in the transaction would only add round trips.

// maxTxStmts bounds the statements one transaction keeps; texts beyond it
// (rare one-offs) run as plain statements, as every text does on PostgreSQL.
const maxTxStmts = 256

func (t *Tx) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if t.s.dialect != SQLite {
		return nil, nil
	}
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	if len(t.stmts) >= maxTxStmts {
		return nil, nil
	}
	st, err := t.tx.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	t.stmts[query] = st
	return st, nil
}

func (t *Tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if t.traced != nil {
		t.traced(query, args)
	}
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return t.tx.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

func (t *Tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if t.traced != nil {
		t.traced(query, args)
	}
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return t.tx.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (t *Tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if t.traced != nil {
		t.traced(query, args)
	}
	st, err := t.stmt(ctx, query)
	if err != nil || st == nil {
		return t.tx.QueryRowContext(ctx, query, args...) // answers the same error, as a Row
	}
	return st.QueryRowContext(ctx, args...)
}
