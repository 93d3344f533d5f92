package cli

import (
	"bufio"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildAffsync builds the real binary once per test.
func buildAffsync(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "affsync")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/affsync/affsync/cmd/affsync").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startServeProcess runs affsync serve and answers its address once it listens.
func startServeProcess(t *testing.T, bin, dir string, args ...string) (*exec.Cmd, string, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--db", "sqlite:" + filepath.Join(dir, "a.db"), "serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "AFFSYNC_SECRET_KEY=")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	log := &strings.Builder{}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`url=http://(\S+)`)
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case a := <-addr:
		return cmd, a, log
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not start")
	}
	return nil, "", nil
}

func waitExit(t *testing.T, cmd *exec.Cmd, within time.Duration) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		return cmd.ProcessState.ExitCode()
	case <-time.After(within):
		t.Fatalf("serve still running %v after the signal", within)
	}
	return -1
}

// SIGTERM stops serve cleanly, exit 0; a second signal while a shutdown
// waits for a request exits at once.
func TestServeShutdownOnSignal(t *testing.T) {
	bin := buildAffsync(t)
	t.Run("clean", func(t *testing.T) {
		cmd, addr, log := startServeProcess(t, bin, t.TempDir(), "--shutdown-timeout", "20s")
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		status, err := bufio.NewReader(c).ReadString('\n')
		if err != nil || !strings.Contains(status, "200") {
			t.Fatalf("healthz got %q (%v), want 200", status, err)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		if code := waitExit(t, cmd, 10*time.Second); code != 0 {
			t.Fatalf("exit %d after SIGTERM, want 0\n%s", code, log)
		}
		if !strings.Contains(log.String(), "stopped") {
			t.Fatalf("no 'stopped' in the log:\n%s", log)
		}
	})
	t.Run("second signal", func(t *testing.T) {
		cmd, addr, _ := startServeProcess(t, bin, t.TempDir(), "--shutdown-timeout", "1m")
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// Half a request that never ends holds the shutdown open.
		io.WriteString(c, "GET /healthz HTTP/1.1\r\n")
		time.Sleep(200 * time.Millisecond)
		cmd.Process.Signal(syscall.SIGTERM)
		time.Sleep(500 * time.Millisecond)
		start := time.Now()
		cmd.Process.Signal(syscall.SIGINT)
		if code := waitExit(t, cmd, 5*time.Second); code != 1 {
			t.Fatalf("exit %d after a second signal, want 1", code)
		}
		t.Logf("exited %v after the second signal", time.Since(start).Round(time.Millisecond))
	})
}
