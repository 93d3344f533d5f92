// Package syncer syncs a connection: it lists the account's report files,
// downloads each one not seen before (by name and MD5) and hands it to the
// importer, recording the run and the connection's state.
package syncer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"time"

	"github.com/affsync/affsync/internal/connect"
	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/metrics"
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/store"
)

// Syncer syncs connections.
type Syncer struct {
	Store      *store.Store
	Importer   *importer.Importer
	Sealer     store.Sealer
	Log        *slog.Logger
	HTTPClient *http.Client
	Retry      network.RetryPolicy // zero: the transport's defaults
	Metrics    *metrics.Metrics    // nil: none
}

// Result is what one sync did.
type Result struct {
	importer.Summary
	Listed int `json:"listed"`
}

// ErrNotSyncable is a connection without an account to pull from (file import).
var ErrNotSyncable = network.ErrNotSyncable

// Source makes the report source of a connection, as its network says.
func (c *Syncer) Source(ctx context.Context, conn store.Connection) (network.Source, error) {
	nc, err := c.Importer.Networks.Open(conn)
	if err != nil {
		return nil, err
	}
	if !nc.Rules().Syncs {
		return nil, ErrNotSyncable
	}
	secrets, err := c.Store.ConnectionSecrets(ctx, c.Sealer, conn.WorkspaceID, conn.ID)
	if err != nil {
		return nil, err
	}
	return nc.Source(secrets["secret"], network.SourceOptions{HTTPClient: c.HTTPClient, Log: c.Log, Retry: c.Retry})
}

// Sync pulls what is new of one connection and records the run. Callers
// hold the connection's lease (Scheduler.RunOne), which also records the
// connection's state.
func (c *Syncer) Sync(ctx context.Context, conn store.Connection, trigger string) (Result, error) {
	start := time.Now()
	res, err := c.syncRun(ctx, conn, trigger)
	took := time.Since(start)
	c.Metrics.Sync(conn.Connector, err, took)
	attrs := []slog.Attr{slog.String("connection", conn.ID), slog.String("connector", conn.Connector), slog.String("trigger", trigger),
		slog.Int("listed", res.Listed), slog.Int("files", res.Files), slog.Int("files_skipped", res.FilesSkipped),
		slog.Int("files_rejected", len(res.Errors)), slog.Int("rows", res.Rows), slog.Int("created", res.Transactions.Created),
		slog.Int("updated", res.Transactions.Updated), slog.Duration("duration", took.Round(time.Millisecond))}
	outcome := "ok"
	if err != nil {
		// The run's sentence (the network's Explain), which names no credential.
		outcome = "error"
		attrs = append(attrs, slog.String("err", err.Error()))
	}
	c.Log.LogAttrs(ctx, slog.LevelInfo, "sync", append(attrs, slog.String("outcome", outcome))...)
	return res, err
}

func (c *Syncer) syncRun(ctx context.Context, conn store.Connection, trigger string) (Result, error) {
	res := Result{Summary: importer.Summary{Errors: []importer.FileError{}, Notes: []string{}}}
	run, err := c.Store.StartRun(ctx, conn.WorkspaceID, conn.ID, trigger)
	if err != nil {
		return res, err
	}
	err = c.sync(ctx, conn, &res)
	run.Files, run.Rows, run.Outcome = res.Files, res.Rows, "ok"
	refusal := ""
	if err != nil {
		var sentence string
		refusal, sentence = c.explain(conn, err)
		run.Outcome, run.Error = "error", sentence
	} else if len(res.Errors) > 0 {
		run.Error = fmt.Sprintf("%d files rejected; the first: %s:%d: %s", len(res.Errors), res.Errors[0].File, res.Errors[0].Line, res.Errors[0].Message)
	}
	if ferr := c.Store.FinishRun(context.WithoutCancel(ctx), run); ferr != nil {
		c.Log.Warn("record run", "connection", conn.ID, "err", ferr)
	}
	if perr := c.setProgramStatus(context.WithoutCancel(ctx), conn, err == nil, refusal, run.Error); perr != nil {
		c.Log.Warn("record program status", "connection", conn.ID, "err", perr)
	}
	if err != nil {
		return res, errors.New(run.Error)
	}
	return res, nil
}

// explain is what the connection's network makes of a sync's error: the
// refusal it is (a program status), if any, and a sentence naming no
// credential.
func (c *Syncer) explain(conn store.Connection, err error) (string, string) {
	nc, oerr := c.Importer.Networks.Open(conn)
	if oerr != nil {
		return "", err.Error()
	}
	return nc.Explain(err)
}

// setProgramStatus records what a sync says of the connection's program (for
// Amazon, its marketplace): active when the account's reports were listed,
// or the refusal (credentials rejected, no report access, account not
// eligible). A transient failure (Amazon unavailable) says nothing of the
// program and leaves its status as it was.
func (c *Syncer) setProgramStatus(ctx context.Context, conn store.Connection, ok bool, refusal, sentence string) error {
	program := c.programOf(conn)
	switch {
	case program == "":
		return nil
	case ok:
		return c.Store.SetProgramStatus(ctx, conn.WorkspaceID, conn.ID, program, connect.ProgramActive, "reports listed")
	case refusal != "":
		return c.Store.SetProgramStatus(ctx, conn.WorkspaceID, conn.ID, program, refusal, sentence)
	}
	return nil
}

// programOf is the program whose status the connection's syncs report; ""
// when none.
func (c *Syncer) programOf(conn store.Connection) string {
	nc, err := c.Importer.Networks.Open(conn)
	if err != nil {
		return ""
	}
	return nc.Rules().AccountProgram
}

func (c *Syncer) sync(ctx context.Context, conn store.Connection, res *Result) error {
	src, err := c.Source(ctx, conn)
	if err != nil {
		return err
	}
	files, err := src.List(ctx)
	if err != nil {
		return err
	}
	res.Listed = len(files)
	// Oldest first, so a re-issued file comes after the one it replaces.
	sort.Slice(files, func(i, j int) bool {
		if !files[i].LastModified.Equal(files[j].LastModified) {
			return files[i].LastModified.Before(files[j].LastModified)
		}
		return files[i].Name < files[j].Name
	})
	for _, f := range files {
		known, err := c.Store.FileKnown(ctx, conn.ID, f.Name, f.MD5)
		if err != nil {
			return err
		}
		if known {
			res.FilesSkipped++
			continue
		}
		if err := c.importOne(ctx, conn, src, f, res); err != nil {
			return err
		}
	}
	return nil
}

// importOne downloads a verified file and applies it; a rejected file is in
// the result, not an error of the sync.
func (c *Syncer) importOne(ctx context.Context, conn store.Connection, src network.Source, f network.ReportFile, res *Result) error {
	rc, err := src.Open(ctx, f)
	if errors.Is(err, network.ErrFileChanged) {
		// Re-issued between listing and download: this file only fails; the
		// next sync lists its new MD5.
		res.Errors = append(res.Errors, importer.FileError{File: f.Name, Message: err.Error()})
		return nil
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	modified := f.LastModified
	// The importer opens a file once when its MD5 is known.
	sum, err := c.Importer.Import(ctx, conn, importer.File{Name: f.Name, MD5: f.MD5, Size: f.Size, LastModified: &modified,
		Open: func() (io.ReadCloser, error) { return io.NopCloser(rc), nil }}, nil)
	var rejected *importer.RejectedError
	if err != nil && !errors.As(err, &rejected) {
		return err
	}
	res.Add(sum)
	return nil
}
