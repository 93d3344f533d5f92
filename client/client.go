// Package client is a typed Go client of affsync's REST API (v1).
//
//	c := client.New("http://127.0.0.1:8080", apiKey)
//	for tx, err := range c.AllTransactions(ctx, client.TransactionQuery{Custom: "user42"}) {
//		…
//	}
//
// Errors the server answers are *Error values carrying the HTTP status and
// the API's error code.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Client talks to one affsync server with one API key.
type Client struct {
	base string
	key  string
	http *http.Client
}

// Option changes a client.
type Option func(*Client)

// WithHTTPClient uses h for requests (timeouts, transports, tests).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// New makes a client of the server at baseURL (e.g. "http://127.0.0.1:8080").
func New(baseURL, apiKey string, opts ...Option) *Client {
	c := &Client{base: strings.TrimRight(baseURL, "/"), key: apiKey, http: http.DefaultClient}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Error is an error answer of the API.
type Error struct {
	Status     int    // HTTP status
	Code       string // the API's error code: unauthorized, forbidden, not_found, deleted, bad_request, rate_limited…
	Message    string
	RetryAfter string // the Retry-After header, when the server sent one
}

func (e *Error) Error() string {
	return fmt.Sprintf("affsync: %d %s: %s", e.Status, e.Code, e.Message)
}

// IsStatus reports whether err is an API error with the given HTTP status.
func IsStatus(err error, status int) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == status
}

// IsDeleted reports whether err is the 410 "deleted" of a transaction that
// was removed (its transaction.deleted event and tombstone said so): drop
// your copy.
func IsDeleted(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusGone && e.Code == "deleted"
}

// do sends a request and decodes a JSON answer into out (unless out is nil).
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body io.Reader, contentType string, out any) error {
	resp, err := c.send(ctx, method, path, query, body, contentType)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("affsync: %s %s: reading the answer: %w", method, path, err)
	}
	return nil
}

// send sends a request; an answer of 400 or above becomes an *Error.
func (c *Client) send(ctx context.Context, method, path string, query url.Values, body io.Reader, contentType string) (*http.Response, error) {
	resp, err := c.raw(ctx, method, path, query, body, contentType)
	if err != nil || resp.StatusCode < 400 {
		return resp, err
	}
	defer resp.Body.Close()
	return nil, apiError(resp)
}

// raw sends a request and returns whatever the server answered.
func (c *Client) raw(ctx context.Context, method, path string, query url.Values, body io.Reader, contentType string) (*http.Response, error) {
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, fmt.Errorf("affsync: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("affsync: %s %s: %w", method, path, err)
	}
	return resp, nil
}

// apiError reads an error answer in the API's shape.
func apiError(resp *http.Response) *Error {
	e := &Error{Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After")}
	var shape struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if json.Unmarshal(raw, &shape) == nil && shape.Error.Code != "" {
		e.Code, e.Message = shape.Error.Code, shape.Error.Message
	} else {
		e.Code, e.Message = "http_"+fmt.Sprint(resp.StatusCode), strings.TrimSpace(string(raw))
	}
	return e
}

func (c *Client) getJSON(ctx context.Context, path string, query url.Values, out any) error {
	return c.do(ctx, http.MethodGet, path, query, nil, "", out)
}

func (c *Client) postJSON(ctx context.Context, path string, in, out any) error {
	return c.sendJSON(ctx, http.MethodPost, path, in, out)
}

// sendJSON sends in (unless nil) as a JSON body and decodes the answer into out.
func (c *Client) sendJSON(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("affsync: %w", err)
		}
		body = bytes.NewReader(b)
	}
	return c.do(ctx, method, path, nil, body, "application/json", out)
}

// list fetches one page of a list endpoint.
func list[T any](ctx context.Context, c *Client, path string, query url.Values) (Page[T], error) {
	var p Page[T]
	err := c.getJSON(ctx, path, query, &p)
	return p, err
}

// all walks every page of a list endpoint, following next_cursor.
func all[T any](ctx context.Context, c *Client, path string, query url.Values) func(yield func(T, error) bool) {
	return func(yield func(T, error) bool) {
		q := url.Values{}
		for k, v := range query {
			q[k] = v
		}
		for {
			p, err := list[T](ctx, c, path, q)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, x := range p.Data {
				if !yield(x, nil) {
					return
				}
			}
			if p.NextCursor == nil {
				return
			}
			q.Set("cursor", *p.NextCursor)
		}
	}
}

// values drops empty parameters.
func values(kv ...string) url.Values {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	return q
}

// Healthy reports whether the server and its database answer.
func (c *Client) Healthy(ctx context.Context) error {
	return c.do(ctx, http.MethodGet, "/healthz", nil, nil, "", nil)
}
