// Package collector syncs a connection: it lists the account's report files,
// downloads each one not seen before (by name and MD5) and hands it to the
// importer, recording the run and the connection's state.
package collector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sort"

	"github.com/affsync/affsync/internal/importer"
	"github.com/affsync/affsync/internal/network/amazon/creators"
	"github.com/affsync/affsync/internal/store"
)

// Collector syncs connections.
type Collector struct {
	Store      *store.Store
	Importer   *importer.Importer
	Sealer     store.Sealer
	Log        *slog.Logger
	HTTPClient *http.Client
}

// Result is what one sync did.
type Result struct {
	importer.Summary
	Listed int `json:"listed"`
}

// ErrNotSyncable is a connection without an account to pull from (file import).
var ErrNotSyncable = errors.New("this connection imports files; it has nothing to sync")

// Client makes the Creators API client of a connection.
func (c *Collector) Client(ctx context.Context, conn store.Connection) (*creators.Client, error) {
	if conn.Network != "amazon" || conn.Connector == "import" {
		return nil, ErrNotSyncable
	}
	secrets, err := c.Store.ConnectionSecrets(ctx, c.Sealer, conn.WorkspaceID, conn.ID)
	if err != nil {
		return nil, err
	}
	return NewClient(conn.Settings, secrets["secret"], c.HTTPClient)
}

// NewClient makes a Creators API client from connection settings.
func NewClient(settings map[string]string, secret string, hc *http.Client) (*creators.Client, error) {
	version := settings["credential_version"]
	if version == "" {
		version = "3.1"
	}
	return creators.New(creators.Config{APIBase: settings["api_base"], TokenURL: settings["token_url"], CredentialID: settings["credential_id"],
		Secret: secret, Version: version, Marketplace: settings["marketplace"], HTTPClient: hc})
}

// Validate checks an account for real: a token, and at least one listed report.
func Validate(ctx context.Context, client *creators.Client) error {
	files, err := client.ListReports(ctx)
	if err != nil {
		return errors.New(creators.Explain(err))
	}
	if len(files) == 0 {
		return errors.New("no report files are listed for this account yet: Reports may not be enabled, or the account is new")
	}
	return nil
}

// Sync pulls what is new of one connection and records the run. Callers
// hold the connection's lease (Scheduler.RunOne), which also records the
// connection's state.
func (c *Collector) Sync(ctx context.Context, conn store.Connection, trigger string) (Result, error) {
	res := Result{Summary: importer.Summary{Errors: []importer.FileError{}, Notes: []string{}}}
	run, err := c.Store.StartRun(ctx, conn.WorkspaceID, conn.ID, trigger)
	if err != nil {
		return res, err
	}
	err = c.sync(ctx, conn, &res)
	run.Files, run.Rows, run.Outcome = res.Files, res.Rows, "ok"
	if err != nil {
		run.Outcome, run.Error = "error", creators.Explain(err)
	} else if len(res.Errors) > 0 {
		run.Error = fmt.Sprintf("%d files rejected; the first: %s:%d: %s", len(res.Errors), res.Errors[0].File, res.Errors[0].Line, res.Errors[0].Message)
	}
	if ferr := c.Store.FinishRun(context.WithoutCancel(ctx), run); ferr != nil {
		c.Log.Warn("record run", "connection", conn.ID, "err", ferr)
	}
	if err != nil {
		return res, errors.New(run.Error)
	}
	return res, nil
}

func (c *Collector) sync(ctx context.Context, conn store.Connection, res *Result) error {
	client, err := c.Client(ctx, conn)
	if err != nil {
		return err
	}
	files, err := client.ListReports(ctx)
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
		tmp, err := client.Download(ctx, f)
		if err != nil {
			return err
		}
		modified := f.LastModified
		sum, err := c.Importer.Import(ctx, conn, importer.File{Name: f.Name, MD5: f.MD5, Size: f.Size, LastModified: &modified,
			Open: func() (io.ReadCloser, error) { return os.Open(tmp.Name()) }}, nil)
		tmp.Close()
		os.Remove(tmp.Name())
		var rejected *importer.RejectedError
		if err != nil && !errors.As(err, &rejected) {
			return err
		}
		res.Add(sum)
	}
	return nil
}
