package store_test

import (
	"reflect"
	"testing"

	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// collatedColumnsQuery counts the columns of a collatable type (text,
// varchar, char, arrays of them) of the app's tables on PostgreSQL and
// those of them in "C", and names the others as table.column (collation).
const collatedColumnsQuery = `SELECT count(*),
	count(*) FILTER (WHERE a.attcollation = 'pg_catalog."C"'::regcollation),
	COALESCE(string_agg(c.relname || '.' || a.attname || ' (' || co.collname || ')', ', ' ORDER BY c.relname, a.attnum)
		FILTER (WHERE a.attcollation <> 'pg_catalog."C"'::regcollation), '')
	FROM pg_attribute a
	JOIN pg_class c ON c.oid = a.attrelid
	JOIN pg_collation co ON co.oid = a.attcollation
	WHERE c.relnamespace = current_schema()::regnamespace
	  AND c.relkind IN ('r', 'p')
	  AND c.relname <> 'goose_db_version'
	  AND a.attnum > 0 AND NOT a.attisdropped`

// textColumns answers how many text columns the app's tables have, how
// many of them compare in byte order, and names the others.
func textColumns(t *testing.T, s *store.Store) (n, c int, notC string) {
	t.Helper()
	if err := s.QueryForTest(ctx, collatedColumnsQuery, &n, &c, &notC); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no text column found: the query does not see the app's tables")
	}
	return n, c, notC
}

// TestTextColumnsCollateC keeps every text column of PostgreSQL's schema
// in byte order, as SQLite's are: keyset cursors and list orders then agree
// between the engines whatever the database's default collation, and
// B-tree probes compare with memcmp. A column a later migration adds
// without COLLATE "C" fails here by name.
func TestTextColumnsCollateC(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		if s.Dialect() != store.Postgres {
			t.Skip("SQLite: no column collation to check; its BINARY default compares text in byte order")
		}
		n, _, notC := textColumns(t, s)
		if notC != "" {
			t.Fatalf("text columns not COLLATE \"C\" (of %d): %s", n, notC)
		}
	})
}

// TestMigration00011TextByteOrder takes a filled store down to version 10
// (PostgreSQL: every text column back on the database's default collation)
// and up again: the columns are "C" again and every row reads back.
func TestMigration00011TextByteOrder(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, "collate-upgrade")
		batch := itemsBatch(f)
		if _, err := s.UpsertTransactions(ctx, f.ws.ID, batch); err != nil {
			t.Fatal(err)
		}
		if err := s.MigrateToForTest(ctx, 10); err != nil {
			t.Fatal(err)
		}
		if s.Dialect() == store.Postgres {
			if n, c, _ := textColumns(t, s); c != 0 {
				t.Fatalf("at 00010: %d of %d text columns still COLLATE \"C\"", c, n)
			}
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if s.Dialect() == store.Postgres {
			if n, _, notC := textColumns(t, s); notC != "" {
				t.Fatalf("up again: text columns not COLLATE \"C\" (of %d): %s", n, notC)
			}
		}
		checkItems(t, s, f, batch)
	})
}

// TestTextOrderMatchesSQLite lists workspaces (ordered by name) from a
// PostgreSQL database whose default collation is ICU's en-US, where "a"
// sorts before "B": after 00011 the list is in byte order, as on SQLite;
// at 00010 it was not.
func TestTextOrderMatchesSQLite(t *testing.T) {
	names := []string{"b", "é", "B", "a", "A", "_"}
	order := func(t *testing.T, s *store.Store) []string {
		t.Helper()
		list, err := s.Workspaces(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, w := range list {
			got = append(got, w.Name)
		}
		return got
	}
	fill := func(t *testing.T, s *store.Store) {
		t.Helper()
		for _, n := range names {
			if _, err := s.EnsureWorkspace(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
	}
	lite := storetest.OpenSQLite(t)
	fill(t, lite)
	want := order(t, lite)
	if !reflect.DeepEqual(want, []string{"A", "B", "_", "a", "b", "é"}) {
		t.Fatalf("SQLite order %q, want byte order", want)
	}

	dsn := storetest.NewPostgresDatabaseWith(t,
		"TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
	pg := storetest.Open(t, dsn)
	fill(t, pg)
	if got := order(t, pg); !reflect.DeepEqual(got, want) {
		t.Errorf("PostgreSQL (en-US) order %q, SQLite's %q", got, want)
	}
	if err := pg.MigrateToForTest(ctx, 10); err != nil {
		t.Fatal(err)
	}
	// A new store: the first one's prepared statements were planned for
	// the columns in "C" (PostgreSQL refuses them once the result's
	// collation changes).
	old, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if got := order(t, old); reflect.DeepEqual(got, want) {
		t.Errorf("at 00010 PostgreSQL (en-US) already in byte order %q: the database does not collate as en-US", got)
	}
}
