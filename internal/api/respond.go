package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/affsync/affsync/internal/store"
)

// errorBody is the one error shape of the API.
type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	var b errorBody
	b.Error.Code, b.Error.Message = code, message
	writeJSON(w, status, b)
}

// badRequest is an error in what the client sent; its message is shown as is.
type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }

// fail answers an error with the fitting status; internal details are logged, not sent.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var br badRequest
	var conflict *store.TransitionError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("the request is larger than this server takes (%d bytes)", tooLarge.Limit))
	case errors.As(err, &br):
		writeError(w, http.StatusBadRequest, "bad_request", br.msg)
	case errors.Is(err, store.ErrBadCursor):
		writeError(w, http.StatusBadRequest, "bad_request", "the cursor is not valid for this list; start again without it")
	case errors.Is(err, store.ErrNoSealer):
		s.log.Error("request needs the secret key", "path", r.URL.Path)
		writeError(w, http.StatusServiceUnavailable, "no_secret_key", "this server has no AFFSYNC_SECRET_KEY, so it cannot store credentials")
	case errors.As(err, &conflict):
		writeError(w, http.StatusConflict, "conflict", conflict.Error())
	case errors.Is(err, store.ErrDeleted):
		writeError(w, http.StatusGone, "deleted", "this transaction was removed: its report rows no longer make it (see time_type=updated listings)")
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "not found")
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, slog.Any("err", err))
		writeError(w, http.StatusInternalServerError, "internal", "internal error; see the server log")
	}
}

// page is the shape of every list answer.
type page[T any] struct {
	Data       []T     `json:"data"`
	NextCursor *string `json:"next_cursor"`
}

func newPage[T any](data []T, next string) page[T] {
	if data == nil {
		data = []T{}
	}
	p := page[T]{Data: data}
	if next != "" {
		p.NextCursor = &next
	}
	return p
}

func mapSlice[A, B any](in []A, f func(A) B) []B {
	out := make([]B, len(in))
	for i, x := range in {
		out[i] = f(x)
	}
	return out
}

// walkPages hands every row of a keyset-paged store list to emit, shaped
// for the API, a page of exportPage rows at a time: fetch reads the page
// that *cursor points at.
func walkPages[R, T any](cursor *string, limit *int, fetch func() ([]R, string, error), shape func(R) T, emit func(T) error) error {
	*limit = exportPage
	for {
		list, next, err := fetch()
		if err != nil {
			return err
		}
		for _, x := range list {
			if err := emit(shape(x)); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		*cursor = next
	}
}
