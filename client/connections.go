package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
)

// Connections lists the workspace's connections.
func (c *Client) Connections(ctx context.Context) ([]Connection, error) {
	p, err := list[Connection](ctx, c, "/v1/connections", nil)
	return p.Data, err
}

// CreateAmazonConnection connects an Amazon account; the server checks it
// for real first (422 connection_refused when the account says no).
func (c *Client) CreateAmazonConnection(ctx context.Context, in NewAmazonConnection) (Connection, error) {
	in.Network = "amazon"
	var out Connection
	err := c.postJSON(ctx, "/v1/connections", in, &out)
	return out, err
}

// SyncConnection makes a connection due now.
func (c *Client) SyncConnection(ctx context.Context, id string) error {
	return c.postJSON(ctx, "/v1/connections/"+url.PathEscape(id)+"/sync", nil, nil)
}

// Runs lists a connection's syncs, newest first.
func (c *Client) Runs(ctx context.Context, connectionID string, limit int) ([]Run, error) {
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", fmt.Sprint(limit))
	}
	p, err := list[Run](ctx, c, "/v1/connections/"+url.PathEscape(connectionID)+"/runs", q)
	return p.Data, err
}

// ImportFile is one file to upload: a name and its bytes.
type ImportFile struct {
	Name string
	Body io.Reader
}

// Import uploads report files into a connection, streamed as multipart.
// A rejected file is not an error of the call: the summary's Errors name it
// (the server answers 422 with the summary then).
func (c *Client) Import(ctx context.Context, connectionID string, files ...ImportFile) (ImportSummary, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for _, f := range files {
			part, err := mw.CreateFormFile("file", f.Name)
			if err == nil {
				_, err = io.Copy(part, f.Body)
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	var sum ImportSummary
	resp, err := c.raw(ctx, http.MethodPost, "/v1/imports", url.Values{"connection_id": {connectionID}}, pr, mw.FormDataContentType())
	if err != nil {
		return sum, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusUnprocessableEntity {
		return sum, apiError(resp)
	}
	if err := json.NewDecoder(resp.Body).Decode(&sum); err != nil {
		return sum, fmt.Errorf("affsync: reading the import summary: %w", err)
	}
	return sum, nil
}

// ImportPaths uploads files from disk.
func (c *Client) ImportPaths(ctx context.Context, connectionID string, paths ...string) (ImportSummary, error) {
	var files []ImportFile
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return ImportSummary{}, err
		}
		defer f.Close()
		files = append(files, ImportFile{Name: filepath.Base(p), Body: f})
	}
	return c.Import(ctx, connectionID, files...)
}
