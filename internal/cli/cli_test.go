package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/affsync/affsync/internal/network/amazon/sim"
	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
	"github.com/affsync/affsync/internal/store/storetest"
)

// run runs the command line in-process with an environment of its own.
func run(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Context: context.Background(),
		Getenv: func(k string) string { return vars[k] }}
	code := Main(args, env)
	return code, stdout.String(), stderr.String()
}

func TestUsageAndExitCodes(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "a.db")
	vars := map[string]string{"AFFSYNC_DB": db}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "Usage"},
		{[]string{"--help"}, 0, "Commands:"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"migrate"}, 0, "up to date"},
		{[]string{"migrate", "--help"}, 0, ""},
		{[]string{"migrate", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"serve", "--public-url", "go.example.com"}, 2, "--public-url must be an http(s) URL"},
		{[]string{"serve", "--sync-lease", "5s"}, 2, "--sync-lease must be at least 10s"},
		{[]string{"serve", "--sync-poll", "100ms"}, 2, "--sync-poll must be at least 1s"},
		{[]string{"serve", "--webhook-retry-base", "0s"}, 2, "--webhook-timeout and --webhook-retry-base must be at least 1s"},
		{[]string{"apikey"}, 2, "apikey create"},
		{[]string{"apikey", "create"}, 2, "--name is required"},
		{[]string{"apikey", "create", "--name", "x", "--scope", "admin"}, 2, "--scope must be read or write"},
		{[]string{"connection", "add", "awin"}, 2, "not supported"},
		{[]string{"connection", "add", "custom"}, 2, "a name is required"},
		{[]string{"connection", "add", "custom", "--name", "x", "--currency", "dollars"}, 2, "ISO 4217"},
		{[]string{"connection", "add", "amazon", "--connector", "nope", "--store-id", "s-20"}, 2, "connector must be one of"},
		{[]string{"connection", "add", "amazon", "--connector", "creators", "--store-id", "s-20"}, 2, "a credential ID and a secret are required"},
		{[]string{"connection", "add", "amazon", "--connector", "creators-tracking", "--store-id", "s-20", "--credential-id", "c", "--secret", "s"}, 2, "a tracking ID is required"},
		{[]string{"connection", "add", "amazon", "--connector", "import", "--store-id", "s-21", "--currency", "GBP", "--marketplace", "www.amazon.com"}, 2,
			"marketplace www.amazon.com sells in USD, not in the currency given, GBP: give currency USD, or give the marketplace that sells in GBP (www.amazon.co.uk) or leave it out"},
		{[]string{"connection", "add", "amazon", "--connector", "import", "--store-id", "s-21", "--currency", "CHF"}, 2, "no Amazon marketplace sells in CHF"},
	} {
		code, out, errOut := run(t, vars, tc.args...)
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("affsync %v: exit %d, output %q %q; want exit %d with %q", tc.args, code, out, errOut, tc.code, tc.want)
		}
	}
}

// simURL serves a simulated Amazon account for the test.
func simURL(t *testing.T) string {
	t.Helper()
	s, err := sim.New(sim.Config{Seed: 3, Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestAPIKeyAndConnection(t *testing.T) {
	dir := t.TempDir()
	amazon := simURL(t)
	db := "sqlite:" + filepath.Join(dir, "a.db")
	vars := map[string]string{}
	code, out, errOut := run(t, vars, "--db", db, "--workspace", "acme", "apikey", "create", "--name", "ci", "--scope", "write")
	if code != 0 {
		t.Fatalf("apikey create: %d %s", code, errOut)
	}
	key := strings.TrimSpace(out)
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(key, "afs_") {
		t.Fatalf("apikey create printed %q, want the key alone on its line", out)
	}
	refused := []string{"connection", "add", "amazon", "--db", db, "--workspace", "acme", "--connector", "creators-subtags",
		"--store-id", "shop-20", "--credential-id", "demo-credential", "--secret", "very-secret-value", "--api-base", amazon, "--token-url", amazon + "/auth/o2/token"}
	code, out, errOut = run(t, vars, refused...)
	if code != 1 || !strings.Contains(errOut, "credentials rejected") || strings.Contains(out+errOut, "very-secret-value") {
		t.Fatalf("a wrong secret: exit %d %q %q", code, out, errOut)
	}
	code, out, errOut = run(t, vars, "connection", "add", "amazon", "--db", db, "--workspace", "acme", "--connector", "creators-subtags",
		"--store-id", "shop-20", "--credential-id", "demo-credential", "--secret", "demo-secret", "--api-base", amazon, "--token-url", amazon+"/auth/o2/token")
	if code != 0 {
		t.Fatalf("connection add: %d %s", code, errOut)
	}
	if strings.Contains(out+errOut, "demo-secret") {
		t.Fatal("the secret was printed")
	}
	var conn struct {
		ID       string            `json:"id"`
		Settings map[string]string `json:"settings"`
	}
	if err := json.Unmarshal([]byte(out), &conn); err != nil || !strings.HasPrefix(conn.ID, "conn_") || conn.Settings["store_id"] != "shop-20" {
		t.Fatalf("connection JSON %q: %v", out, err)
	}
	// The key file was made beside the database, private to its owner.
	st, err := os.Stat(filepath.Join(dir, "a.db.key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}

	s := storetest.Open(t, db)
	ws, _ := s.WorkspaceByName(context.Background(), "acme")
	k, err := s.APIKeyByHash(context.Background(), secret.HashAPIKey(key))
	if err != nil || k.WorkspaceID != ws.ID || k.Scope != store.ScopeWrite {
		t.Fatalf("stored key: %+v %v", k, err)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "a.db"))
	if bytes.Contains(raw, []byte("demo-secret")) {
		t.Fatal("the secret is stored in clear")
	}
	keyBytes, err := secret.LoadKey("", filepath.Join(dir, "a.db.key"), false)
	if err != nil {
		t.Fatal(err)
	}
	box, _ := secret.NewBox(keyBytes)
	sec, err := s.ConnectionSecrets(context.Background(), box, ws.ID, conn.ID)
	if err != nil || sec["secret"] != "demo-secret" {
		t.Fatalf("secrets: %v %v", sec, err)
	}
}

func TestPostgresNeedsSecretKey(t *testing.T) {
	dsn := os.Getenv(storetest.EnvPostgres)
	if dsn == "" {
		t.Skip("PostgreSQL skipped: set " + storetest.EnvPostgres)
	}
	db := storetest.NewPostgresDatabase(t)
	amazon := simURL(t)
	add := []string{"--db", db, "connection", "add", "amazon", "--connector", "creators", "--store-id", "s-20", "--credential-id", "demo-credential",
		"--secret", "demo-secret", "--api-base", amazon, "--token-url", amazon + "/auth/o2/token"}
	code, _, errOut := run(t, map[string]string{}, add...)
	if code != 1 || !strings.Contains(errOut, "AFFSYNC_SECRET_KEY") {
		t.Fatalf("exit %d, %q; want a clear error naming AFFSYNC_SECRET_KEY", code, errOut)
	}
	code, out, errOut := run(t, map[string]string{"AFFSYNC_SECRET_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}, add...)
	if code != 0 || !strings.Contains(out, `"id"`) {
		t.Fatalf("with a key: exit %d %q %q", code, out, errOut)
	}
}

func TestAmazonSimCommand(t *testing.T) {
	if code, _, errOut := run(t, nil, "amazon-sim", "--help"); code != 0 || !strings.Contains(errOut, "--fail-rate") {
		t.Fatalf("help: %d %q", code, errOut)
	}
	if code, _, errOut := run(t, nil, "amazon-sim", "--fail-rate", "2"); code != 2 || !strings.Contains(errOut, "fail rate") {
		t.Fatalf("bad fail rate: %d %q", code, errOut)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	sw := &syncWriter{w: &out}
	done := make(chan int)
	go func() {
		done <- Main([]string{"amazon-sim", "--addr", "127.0.0.1:0", "--days", "2"}, Env{Stdout: sw, Stderr: io.Discard, Context: ctx, Getenv: func(string) string { return "" }})
	}()
	for start := time.Now(); time.Since(start) < 20*time.Second; time.Sleep(20 * time.Millisecond) {
		if sw.String() != "" {
			break
		}
	}
	cancel()
	if code := <-done; code != 0 || !strings.Contains(out.String(), "Amazon simulator for demo-20 at http://127.0.0.1:") {
		t.Fatalf("exit %d, printed %q", code, out.String())
	}
}

// syncWriter lets a goroutine write while the test reads afterwards.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.(fmt.Stringer).String()
}

// TestSyncCommand: sync runs the due connections, then nothing is due; a
// named connection syncs at once.
func TestSyncCommand(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "a.db")
	amazon := simURL(t)
	code, out, errOut := run(t, nil, "--db", db, "connection", "add", "amazon", "--connector", "creators-subtags", "--store-id", "demo-20",
		"--credential-id", "demo-credential", "--secret", "demo-secret", "--api-base", amazon, "--token-url", amazon+"/auth/o2/token")
	if code != 0 {
		t.Fatalf("connection add: %d %s", code, errOut)
	}
	var conn struct{ ID string }
	json.Unmarshal([]byte(out), &conn)
	if code, out, errOut = run(t, nil, "--db", db, "sync"); code != 0 || !strings.Contains(out, "new files") {
		t.Fatalf("first sync: %d %q %q", code, out, errOut)
	}
	if code, out, _ = run(t, nil, "--db", db, "sync"); code != 0 || !strings.Contains(out, "is due") {
		t.Fatalf("nothing due: %d %q", code, out)
	}
	if code, out, _ = run(t, nil, "--db", db, "sync", "--connection", conn.ID); code != 0 || !strings.Contains(out, "0 new files") {
		t.Fatalf("named sync: %d %q", code, out)
	}
}

func TestAPIKeyListAndRevoke(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "a.db")
	vars := map[string]string{"AFFSYNC_DB": db}
	_, out, _ := run(t, vars, "apikey", "create", "--name", "ci")
	key := strings.TrimSpace(out)
	run(t, vars, "apikey", "create", "--name", "other", "--scope", "write")

	code, out, errOut := run(t, vars, "apikey", "list", "--json")
	var keys []struct {
		ID, Name, Scope, Prefix string
		RevokedAt               *string `json:"revoked_at"`
	}
	if err := json.Unmarshal([]byte(out), &keys); code != 0 || err != nil || len(keys) != 2 {
		t.Fatalf("list --json: %d %q %q %v", code, out, errOut, err)
	}
	if strings.Contains(out, key) {
		t.Fatal("list printed a secret")
	}
	var ci string
	for _, k := range keys {
		if k.Name == "ci" {
			ci = k.ID
			if !strings.HasPrefix(key, k.Prefix) || k.Scope != "read" || k.RevokedAt != nil {
				t.Fatalf("ci key: %+v", k)
			}
		}
	}
	if code, out, errOut := run(t, vars, "apikey", "revoke", ci); code != 0 || !strings.Contains(out, ci) {
		t.Fatalf("revoke: %d %q %q", code, out, errOut)
	}
	code, out, _ = run(t, vars, "apikey", "list")
	if code != 0 || !strings.Contains(out, "REVOKED") || strings.Count(out, "\n") != 3 {
		t.Fatalf("table: %q", out)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		if revoked := !strings.HasSuffix(strings.TrimSpace(line), "-"); revoked != strings.HasPrefix(line, ci) {
			t.Fatalf("row %q: revoked %v", line, revoked)
		}
	}
	for _, args := range [][]string{{"apikey", "revoke", "key_nope"}, {"apikey", "revoke"}, {"apikey", "list", "extra"}} {
		if code, _, _ := run(t, vars, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	s := storetest.Open(t, db)
	if _, err := s.APIKeyByHash(context.Background(), secret.HashAPIKey(key)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoked key still found: %v", err)
	}
}

// TestCustomConnectionImport: a custom network connection takes the CSV of
// SPEC §4.4 and a payments file through 'affsync import'; the same file
// again changes nothing.
func TestCustomConnectionImport(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "c.db")
	vars := map[string]string{}
	code, out, errOut := run(t, vars, "--db", db, "connection", "add", "custom", "--name", "Other network", "--currency", "eur")
	if code != 0 {
		t.Fatalf("connection add custom: %d %s", code, errOut)
	}
	var conn struct {
		ID       string `json:"id"`
		Network  string `json:"network"`
		Currency string `json:"currency"`
	}
	if err := json.Unmarshal([]byte(out), &conn); err != nil || conn.Network != "custom" || conn.Currency != "EUR" {
		t.Fatalf("connection JSON %q: %v", out, err)
	}
	rows := filepath.Join(dir, "rows.csv")
	os.WriteFile(rows, []byte("id,sold,revenue,price,status\nA-1,2026-10-01,1.20,30.00,pending\nA-2,2026-10-02,2.40,60.00,confirmed\n"), 0o600)
	pays := filepath.Join(dir, "payments.csv")
	os.WriteFile(pays, []byte("payment_id,paid_on,month,amount\nP-1,2026-11-30,2026-10,3.60\n"), 0o600)
	type summary struct {
		Files        int `json:"files"`
		FilesSkipped int `json:"files_skipped"`
		Transactions struct{ Created, Updated, Unchanged int }
		Payments     struct{ Created int }
	}
	importJSON := func(files ...string) summary {
		t.Helper()
		code, out, errOut := run(t, vars, append([]string{"--db", db, "import", "--connection", conn.ID, "--json"}, files...)...)
		var sum summary
		if code != 0 || json.Unmarshal([]byte(out), &sum) != nil {
			t.Fatalf("import: %d %q %q", code, out, errOut)
		}
		return sum
	}
	first := importJSON(rows, pays)
	if first.Files != 2 || first.Transactions.Created != 2 || first.Transactions.Updated != 2 || first.Payments.Created != 1 {
		t.Fatalf("first import: %+v", first)
	}
	again := importJSON(rows, pays)
	if again.FilesSkipped != 2 || again.Transactions.Created != 0 || again.Transactions.Updated != 0 {
		t.Fatalf("the same files again: %+v", again)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("id,sold,revenue\nA-3,2026-10-03,lots\n"), 0o600)
	code, out, _ = run(t, vars, "--db", db, "import", "--connection", conn.ID, bad)
	if code != 2 || !strings.Contains(out, "bad.csv:2:3") {
		t.Fatalf("a bad row: exit %d %q", code, out)
	}
}

func TestUserCreate(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "u.db")
	vars := map[string]string{"AFFSYNC_DB": db}
	code, out, errOut := run(t, vars, "user", "create", "--email", "Finance@Example.com", "--role", "read-only")
	password := strings.TrimSpace(out)
	if code != 0 || len(password) < 10 || !strings.Contains(errOut, "finance@example.com (read-only)") {
		t.Fatalf("user create: exit %d, %q %q", code, out, errOut)
	}
	s := storetest.Open(t, db)
	u, err := s.UserByEmail(context.Background(), "finance@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := secret.CheckPassword(u.PasswordHash, password); !ok || err != nil {
		t.Fatalf("the printed password does not sign in: %v %v", ok, err)
	}
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"user"}, 2},
		{[]string{"user", "create"}, 2},
		{[]string{"user", "create", "--email", "x@example.com", "--role", "owner"}, 2},
		{[]string{"user", "create", "--email", "finance@example.com"}, 1}, // taken
	} {
		if code, _, _ := run(t, vars, tc.args...); code != tc.code {
			t.Errorf("affsync %v: exit %d, want %d", tc.args, code, tc.code)
		}
	}
}

func TestUserListRoleRemovePassword(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "u.db")
	vars := map[string]string{"AFFSYNC_DB": db}
	runIn := func(stdin string, args ...string) (int, string, string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		code := Main(args, Env{Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr, Context: context.Background(),
			Getenv: func(k string) string { return vars[k] }})
		return code, stdout.String(), stderr.String()
	}
	for _, u := range [][]string{{"boss@example.com", "admin"}, {"ann@example.com", "member"}, {"cat@example.com", "read-only"}} {
		if code, _, errOut := run(t, vars, "user", "create", "--email", u[0], "--role", u[1]); code != 0 {
			t.Fatalf("create %s: %d %s", u[0], code, errOut)
		}
	}
	if code, _, errOut := run(t, vars, "--workspace", "other", "user", "create", "--email", "out@example.com"); code != 0 {
		t.Fatalf("create in other: %d %s", code, errOut)
	}
	roles := func() map[string]string {
		t.Helper()
		code, out, errOut := run(t, vars, "user", "list", "--json")
		var list []struct{ Email, Role string }
		if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil {
			t.Fatalf("user list --json: %d %q %q %v", code, out, errOut, err)
		}
		got := map[string]string{}
		for _, m := range list {
			got[m.Email] = m.Role
		}
		return got
	}
	if got := fmt.Sprint(roles()); got != "map[ann@example.com:member boss@example.com:admin cat@example.com:read-only]" {
		t.Fatalf("members: %s", got)
	}
	code, out, _ := run(t, vars, "user", "list")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || len(lines) != 4 || !strings.HasPrefix(lines[0], "EMAIL") ||
		!strings.HasPrefix(lines[1], "ann@example.com") || !strings.Contains(lines[2], "admin") {
		t.Fatalf("user list: %d %q", code, out)
	}

	// Roles change; the last admin stays one.
	if code, out, errOut := run(t, vars, "user", "role", "--email", "ANN@example.com", "--role", "admin"); code != 0 || !strings.Contains(out, "ann@example.com is now admin") {
		t.Fatalf("role: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := run(t, vars, "user", "role", "--email", "boss@example.com", "--role", "read-only"); code != 0 {
		t.Fatalf("demote one of two admins: %d %q", code, errOut)
	}
	if code, _, errOut := run(t, vars, "user", "role", "--email", "ann@example.com", "--role", "member"); code != 2 ||
		!strings.Contains(errOut, `ann@example.com is the only admin of workspace "default"`) {
		t.Fatalf("demote the last admin: %d %q", code, errOut)
	}
	if code, _, errOut := run(t, vars, "user", "remove", "--email", "ann@example.com"); code != 2 || !strings.Contains(errOut, "only admin") {
		t.Fatalf("remove the last admin: %d %q", code, errOut)
	}
	if got := fmt.Sprint(roles()); got != "map[ann@example.com:admin boss@example.com:read-only cat@example.com:read-only]" {
		t.Fatalf("members after the role changes: %s", got)
	}

	// A password from stdin, or a made one printed once.
	s := storetest.Open(t, db)
	signsIn := func(email, password string) bool {
		t.Helper()
		u, err := s.UserByEmail(context.Background(), email)
		if err != nil {
			t.Fatal(err)
		}
		ok, err := secret.CheckPassword(u.PasswordHash, password)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if code, _, errOut := runIn("cat's new password\n", "user", "password", "--email", "cat@example.com", "--password-stdin"); code != 0 {
		t.Fatalf("password from stdin: %d %q", code, errOut)
	}
	if !signsIn("cat@example.com", "cat's new password") {
		t.Fatal("the password from stdin does not sign in")
	}
	code, out, _ = run(t, vars, "user", "password", "--email", "cat@example.com")
	if made := strings.TrimSpace(out); code != 0 || len(made) < 10 || !signsIn("cat@example.com", made) {
		t.Fatalf("made password: %d %q", code, out)
	}

	// Removing a member; they are gone from the list and the database.
	if code, out, errOut := run(t, vars, "user", "remove", "--email", "cat@example.com"); code != 0 || !strings.Contains(out, "removed cat@example.com") {
		t.Fatalf("remove: %d %q %q", code, out, errOut)
	}
	if got := fmt.Sprint(roles()); got != "map[ann@example.com:admin boss@example.com:read-only]" {
		t.Fatalf("members after the removal: %s", got)
	}

	// Another workspace's user, an unknown one, and bad calls.
	for _, tc := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"user", "role", "--email", "out@example.com", "--role", "member"}, `no user out@example.com in workspace "default"`},
		{"", []string{"user", "remove", "--email", "out@example.com"}, `no user out@example.com in workspace "default"`},
		{"", []string{"user", "password", "--email", "out@example.com"}, `no user out@example.com in workspace "default"`},
		{"", []string{"user", "remove", "--email", "cat@example.com"}, `no user cat@example.com`},
		{"", []string{"user", "role", "--email", "ann@example.com", "--role", "owner"}, "--role must be"},
		{"", []string{"user", "role", "--role", "member"}, "--email is required"},
		{"", []string{"user", "remove"}, "--email is required"},
		{"short\n", []string{"user", "password", "--email", "ann@example.com", "--password-stdin"}, "at least 10 characters"},
		{"", []string{"user", "password", "--email", "ann@example.com", "--password-stdin"}, "no password on stdin"},
		{"", []string{"user", "list", "extra"}, "no arguments"},
		{"", []string{"user", "frob"}, "user list"},
	} {
		if code, _, errOut := runIn(tc.stdin, tc.args...); code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("affsync %v: exit %d, %q; want 2 with %q", tc.args, code, errOut, tc.want)
		}
	}
	if code, out, _ := run(t, vars, "--workspace", "other", "user", "list"); code != 0 || !strings.Contains(out, "out@example.com  admin") {
		t.Fatalf("the other workspace's user changed: %q", out)
	}
}

// TestConnectionCurrencyOnly: the command, --currency GBP with the
// marketplace left at its default, stores a GBP connection of amazon.co.uk,
// and a UK download imported into it (no currency suffix, day-first dates)
// comes out in pounds.
func TestConnectionCurrencyOnly(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "a.db")
	vars := map[string]string{"AFFSYNC_DB": db}
	code, out, errOut := run(t, vars, "connection", "add", "amazon", "--connector", "import", "--mode", "subtags", "--store-id", "s-21", "--currency", "GBP")
	var conn struct {
		ID, Currency string
		Settings     map[string]string
	}
	if err := json.Unmarshal([]byte(out), &conn); code != 0 || err != nil || conn.Currency != "GBP" || conn.Settings["marketplace"] != "www.amazon.co.uk" {
		t.Fatalf("connection add: %d %q %q %v", code, out, errOut, err)
	}
	file := filepath.Join("..", "importer", "testdata", "currency", "Fee-Earnings-uk.tsv")
	if code, out, errOut = run(t, vars, "import", "--connection", conn.ID, "--json", file); code != 0 {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	s, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ws, err := s.EnsureWorkspace(context.Background(), "default")
	if err != nil {
		t.Fatal(err)
	}
	txs, _, err := s.Transactions(context.Background(), ws.ID, store.TransactionFilter{Limit: 10})
	if err != nil || len(txs) != 2 {
		t.Fatalf("%v %v", txs, err)
	}
	for _, x := range txs {
		if x.Currency != "GBP" || x.Program != "amazon.co.uk" {
			t.Errorf("%v: %s %s", x.Customs, x.Currency, x.Program)
		}
	}
}
