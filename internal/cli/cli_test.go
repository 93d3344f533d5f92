package cli

import (
	"bytes"
	"context"
	"encoding/json"
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
		{[]string{"apikey"}, 2, "apikey create"},
		{[]string{"apikey", "create"}, 2, "--name is required"},
		{[]string{"apikey", "create", "--name", "x", "--scope", "admin"}, 2, "--scope must be read or write"},
		{[]string{"connection", "add", "awin"}, 2, "not supported"},
		{[]string{"connection", "add", "amazon", "--connector", "nope", "--store-id", "s-20"}, 2, "connector must be one of"},
		{[]string{"connection", "add", "amazon", "--connector", "creators", "--store-id", "s-20"}, 2, "a credential ID and a secret are required"},
		{[]string{"connection", "add", "amazon", "--connector", "creators-tracking", "--store-id", "s-20", "--credential-id", "c", "--secret", "s"}, 2, "a tracking ID is required"},
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
	return s.w.(*bytes.Buffer).String()
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
