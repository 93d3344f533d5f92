package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/store"
)

func runImport(env Env, args []string) error {
	fs, g := newFlags(env, "import", "import --connection ID [--json] FILE...")
	connID := fs.String("connection", "", "connection to import into (required; see 'connection add')")
	asJSON := fs.Bool("json", false, "print one summary object on stdout instead of progress and lines")
	heapMiB := fs.Int("heap-limit", 64, "soft limit of the import's Go heap in MiB (0: none; GOMEMLIMIT, when set, wins)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *heapMiB < 0 {
		return usagef("--heap-limit is MiB, 0 or more")
	}
	if *heapMiB > 0 && env.Getenv("GOMEMLIMIT") == "" {
		// Without it the heap grows to twice what is live before the
		// collector runs: a million-row import then peaked near 170 MB,
		// with it near 100 MB (bench/import.sh). Past the limit the
		// collector only works harder; nothing fails.
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(int64(*heapMiB) << 20))
	}
	if *connID == "" {
		return usagef("--connection is required")
	}
	if fs.NArg() == 0 {
		return usagef("name at least one file to import")
	}
	for _, path := range fs.Args() {
		if st, err := os.Stat(path); err != nil {
			return usagef("%v", err)
		} else if st.IsDir() {
			return usagef("%s is a directory; name the files", path)
		}
	}
	s, ws, err := g.openWorkspace(env)
	if err != nil {
		return err
	}
	defer s.Close()
	conn, err := s.Connection(env.Context, ws.ID, *connID)
	if errors.Is(err, store.ErrNotFound) {
		return usagef("no connection %s in workspace %q", *connID, ws.Name)
	}
	if err != nil {
		return err
	}
	im := importer.New(s, logger(env))
	im.Networks = env.networks()
	total := importer.Summary{Errors: []importer.FileError{}, Notes: []string{}}
	for _, path := range fs.Args() {
		bar := newProgress(env, path, *asJSON)
		start := time.Now()
		sum, err := im.Import(env.Context, conn, importer.LocalFile(path), bar.update)
		bar.finish()
		var rejected *importer.RejectedError
		if err != nil && !errors.As(err, &rejected) {
			return err
		}
		total.Add(sum)
		if !*asJSON {
			printFileLine(env.Stdout, path, sum, err, time.Since(start))
		}
	}
	if *asJSON {
		if err := printJSON(env, total); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(env.Stdout, "%d files (%d already imported), %d rows, transactions: %d created, %d updated, %d unchanged; %d rows skipped\n",
			total.Files, total.FilesSkipped, total.Rows, total.Transactions.Created, total.Transactions.Updated,
			total.Transactions.Unchanged, total.SkippedRows)
		for _, n := range total.Notes {
			fmt.Fprintf(env.Stdout, "note: %s\n", n)
		}
	}
	if len(total.Errors) > 0 {
		return usageError{fmt.Sprintf("%d of %d files rejected (nothing of them was stored)", len(total.Errors), total.Files)}
	}
	return nil
}

func printFileLine(w io.Writer, path string, sum importer.Summary, err error, took time.Duration) {
	switch {
	case err != nil:
		fmt.Fprintf(w, "rejected %s\n", err)
	case sum.FilesSkipped > 0:
		fmt.Fprintf(w, "skipped  %s: already imported (same name and MD5)\n", path)
	default:
		fmt.Fprintf(w, "imported %s: %d rows in %s, %d created, %d updated, %d unchanged\n", path, sum.Rows,
			took.Round(time.Millisecond), sum.Transactions.Created, sum.Transactions.Updated, sum.Transactions.Unchanged)
	}
}

// progress draws a bar (bytes, rows, rate, ETA) on a terminal, and nothing
// elsewhere: logs and pipes get the plain lines.
type progress struct {
	bar  *progressbar.ProgressBar
	rows int
}

func newProgress(env Env, path string, quiet bool) *progress {
	f, ok := env.Stderr.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return &progress{}
	}
	size := int64(-1)
	if st, err := os.Stat(path); err == nil {
		size = st.Size()
	}
	return &progress{bar: progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription(path),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

func (p *progress) update(bytes int64, rows int) {
	if p.bar == nil {
		return
	}
	if rows != p.rows {
		p.rows = rows
		p.bar.Describe(fmt.Sprintf("%d rows", rows))
	}
	_ = p.bar.Set64(bytes)
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
