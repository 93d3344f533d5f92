// Package importer applies report files to a connection: it reads them
// (internal/reportfile), keeps every row as a fact, and projects the facts a file
// touched into transactions, revenues and clicks (internal/lifecycle), all in
// one store transaction per file.
package importer

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/affsync/affsync/internal/lifecycle"
	"github.com/affsync/affsync/internal/metrics"
	"github.com/affsync/affsync/internal/money"
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/network/networks"
	"github.com/affsync/affsync/internal/reportfile"
	"github.com/affsync/affsync/internal/store"
)

// Importer applies files to connections.
type Importer struct {
	Store   *store.Store
	Limits  reportfile.Limits
	Now     func() time.Time
	Log     *slog.Logger
	Metrics *metrics.Metrics // nil: none
	// Networks decide how each connection's files are read and projected.
	Networks *network.Registry
	// readBack: project from the store alone, never from a file's spool,
	// and sum through the chosen-file join (ReadBackForTest).
	readBack bool
}

// New makes an Importer with default limits.
func New(s *store.Store, log *slog.Logger) *Importer {
	if log == nil {
		log = slog.Default()
	}
	return &Importer{Store: s, Limits: reportfile.DefaultLimits(), Now: time.Now, Log: log, Networks: networks.Builtin()}
}

// File is one input: a name (for sniffing and messages) and its bytes.
type File struct {
	Name         string
	Open         func() (io.ReadCloser, error)
	MD5          string     // known checksum (listed by the network), or "" to compute
	Size         int64      // known size, or 0
	LastModified *time.Time // when the network (re-)issued it, if known
}

// LocalFile is a File on disk.
func LocalFile(path string) File {
	return File{Name: filepath.Base(path), Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

// Counts of transactions an import created, updated or left unchanged.
type Counts struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
	Deleted   int `json:"deleted"` // projections no fact makes any more
}

// FileError locates why a file was rejected.
type FileError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// Summary is what an import did (the shape of `affsync import --json`).
type Summary struct {
	Files        int          `json:"files"`
	FilesSkipped int          `json:"files_skipped"` // already imported (same name and MD5)
	Rows         int          `json:"rows"`
	Facts        int          `json:"facts"`
	Transactions Counts       `json:"transactions"`
	Payments     RecordCounts `json:"payments"`
	Deals        RecordCounts `json:"deals"`
	SkippedRows  int          `json:"skipped_rows"`
	Errors       []FileError  `json:"errors"`
	Notes        []string     `json:"notes"`
}

// Add folds another summary into s.
func (s *Summary) Add(o Summary) {
	s.Files += o.Files
	s.FilesSkipped += o.FilesSkipped
	s.Rows += o.Rows
	s.Facts += o.Facts
	s.Transactions.Created += o.Transactions.Created
	s.Transactions.Updated += o.Transactions.Updated
	s.Transactions.Unchanged += o.Transactions.Unchanged
	s.Transactions.Deleted += o.Transactions.Deleted
	s.Payments.Created += o.Payments.Created
	s.Payments.Updated += o.Payments.Updated
	s.Payments.Unchanged += o.Payments.Unchanged
	s.Deals.Created += o.Deals.Created
	s.Deals.Updated += o.Deals.Updated
	s.Deals.Unchanged += o.Deals.Unchanged
	s.SkippedRows += o.SkippedRows
	s.Errors = append(s.Errors, o.Errors...)
	s.Notes = append(s.Notes, o.Notes...)
}

// Progress receives the bytes read so far and the rows parsed.
type Progress func(bytes int64, rows int)

// Import applies one file to a connection. A file that fails leaves nothing
// behind: its error is in the summary (and returned), the store is as it was.
func (im *Importer) Import(ctx context.Context, conn store.Connection, f File, progress Progress) (Summary, error) {
	start := time.Now()
	sum, err := im.importFile(ctx, conn, f, progress)
	took := time.Since(start)
	outcome := metrics.ImportImported
	var rejected *RejectedError
	switch {
	case errors.As(err, &rejected):
		outcome = metrics.ImportRejected
	case err != nil:
		outcome = metrics.ImportError
	case sum.FilesSkipped > 0:
		outcome = metrics.ImportSkipped
	}
	im.Metrics.Import(outcome, sum.Rows, took)
	// One line per file. The error of a rejected file is its located
	// message (file, line, column); it quotes the file, never a secret.
	attrs := []slog.Attr{slog.String("connection", conn.ID), slog.String("file", f.Name), slog.String("outcome", outcome),
		slog.Int("rows", sum.Rows), slog.Int("created", sum.Transactions.Created), slog.Int("updated", sum.Transactions.Updated),
		slog.Int("unchanged", sum.Transactions.Unchanged), slog.Duration("duration", took.Round(time.Millisecond))}
	level := slog.LevelInfo
	if err != nil {
		attrs = append(attrs, slog.String("err", err.Error()))
		if outcome == metrics.ImportError {
			level = slog.LevelWarn
		}
	}
	im.Log.LogAttrs(ctx, level, "import", attrs...)
	return sum, err
}

func (im *Importer) importFile(ctx context.Context, conn store.Connection, f File, progress Progress) (Summary, error) {
	sum := Summary{Files: 1, Errors: []FileError{}, Notes: []string{}}
	if f.MD5 == "" {
		md5sum, size, err := checksum(f)
		if err != nil {
			return im.reject(ctx, conn, f, sum, err)
		}
		f.MD5, f.Size = md5sum, size
	}
	known, err := im.Store.FileKnown(ctx, conn.ID, f.Name, f.MD5)
	if err != nil {
		return sum, err
	}
	if known {
		sum.Files, sum.FilesSkipped = 0, 1
		return sum, nil
	}
	err = im.Store.Write(ctx, func(tx *store.Tx) error {
		return im.apply(ctx, tx, conn, f, &sum, progress)
	})
	if err != nil {
		return im.reject(ctx, conn, f, sum, err)
	}
	return sum, nil
}

// reject records a failed file (outside the rolled-back transaction) and
// turns its error into the summary's located form.
func (im *Importer) reject(ctx context.Context, conn store.Connection, f File, sum Summary, err error) (Summary, error) {
	if ctx.Err() != nil {
		return sum, ctx.Err()
	}
	fe := FileError{File: f.Name, Message: err.Error()}
	var ie *reportfile.Error
	if errors.As(err, &ie) {
		fe = FileError{File: ie.File, Line: ie.Line, Column: ie.Column, Message: ie.Msg}
		if fe.File == "" {
			fe.File = f.Name
		}
	}
	sum.Rows, sum.Facts, sum.SkippedRows = 0, 0, 0
	sum.Transactions, sum.Payments, sum.Deals = Counts{}, RecordCounts{}, RecordCounts{}
	sum.Errors = append(sum.Errors, fe)
	if f.MD5 != "" {
		if rerr := im.Store.RecordRejectedFile(ctx, store.ImportedFile{WorkspaceID: conn.WorkspaceID, ConnectionID: conn.ID,
			Filename: f.Name, MD5: f.MD5, Size: f.Size, LastModified: f.LastModified, Error: err.Error()}); rerr != nil {
			im.Log.Warn("record rejected file", "file", f.Name, "err", rerr)
		}
	}
	return sum, &RejectedError{File: fe}
}

// RejectedError is a file that could not be applied; the store is unchanged.
type RejectedError struct{ File FileError }

func (e *RejectedError) Error() string {
	loc := e.File.File
	if e.File.Line > 0 {
		loc += ":" + strconv.Itoa(e.File.Line)
		if e.File.Column > 0 {
			loc += ":" + strconv.Itoa(e.File.Column)
		}
	}
	return loc + ": " + e.File.Message
}

func checksum(f File) (string, int64, error) {
	r, err := f.Open()
	if err != nil {
		return "", 0, err
	}
	defer r.Close()
	h := md5.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return "", 0, fmt.Errorf("read %s: %w", f.Name, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// countingReader reports bytes read.
type countingReader struct {
	r        io.Reader
	n        int64
	progress func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.progress != nil {
		c.progress(c.n)
	}
	return n, err
}

// settings are the connection's import rules, as its network decides them
// (network.Rules).
type settings struct {
	conn network.Connection
	// reports: report rows become facts; transactions: the file's rows are
	// transactions (SPEC §4.4), upserted, with no lifecycle.
	reports, transactions bool
	mode                  lifecycle.Mode
	returnDays            int
	// How person-written files (payments, deals, custom transactions) are
	// read: the marketplace's forms for Amazon, the connection's settings
	// for a custom network.
	dayFirst bool
	decimal  money.DecimalHint
	currency string // default currency ("" when none)
	program  string // default program
}

// connectionSettings decodes the connection through its network.
func (im *Importer) connectionSettings(conn store.Connection) (settings, error) {
	c, err := im.Networks.Open(conn)
	if err != nil {
		return settings{}, err
	}
	r := c.Rules()
	return settings{conn: c, reports: r.Reports, transactions: r.Transactions, mode: r.Mode, returnDays: r.ReturnWindowDays,
		dayFirst: r.DayFirst, decimal: r.Decimal, currency: r.Currency, program: r.Program}, nil
}

// sortedKeys returns a map's keys in order (deterministic work order).
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// StreamError is a file stream that could not be read to its end.
type StreamError struct {
	Name string
	Err  error
}

func (e *StreamError) Error() string { return "reading " + e.Name + ": " + e.Err.Error() }
func (e *StreamError) Unwrap() error { return e.Err }

// ImportStream imports a file that arrives as a stream, an upload: it is
// spooled to a temporary file first, because an import needs its MD5 (is it
// imported already?) before it parses it. The MD5 is computed while
// spooling, so the file is read once more, not twice. A stream that breaks
// off is a *StreamError.
func (im *Importer) ImportStream(ctx context.Context, conn store.Connection, name string, r io.Reader) (Summary, error) {
	tmp, err := os.CreateTemp("", "affsync-upload-*")
	if err != nil {
		return Summary{}, fmt.Errorf("spool %s: %w", name, err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := md5.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), r)
	if err != nil {
		return Summary{}, &StreamError{Name: name, Err: err}
	}
	return im.Import(ctx, conn, File{Name: name, MD5: hex.EncodeToString(h.Sum(nil)), Size: n,
		Open: func() (io.ReadCloser, error) { return os.Open(tmp.Name()) }}, nil)
}
