package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/affsync/affsync/client"
	"github.com/affsync/affsync/internal/connect"
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/store"
)

// Connection is the JSON form of a connection: never its secrets.
type Connection = client.Connection

func connectionJSON(c store.Connection) Connection {
	return Connection{ID: c.ID, Network: c.Network, Connector: c.Connector, Name: c.Name, Currency: c.Currency, Settings: c.Settings,
		HasSecret: c.HasSecret, Status: c.Status, LastError: c.LastError, NextRunAt: c.NextRunAt, CreatedAt: c.CreatedAt}
}

// Run is one sync of a connection.
type Run = client.Run

func (s *Server) listConnections(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.store.Connections(r.Context(), workspace(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]Connection, len(list))
	for i, c := range list {
		out[i] = connectionJSON(c)
	}
	writeJSON(w, http.StatusOK, newPage(out, ""))
}

// createConnection connects an account of the body's network: one that
// syncs is checked for real first; a custom network one (SPEC §4.4) only
// takes files.
func (s *Server) createConnection(w http.ResponseWriter, r *http.Request) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		s.fail(w, r, badRequest{"reading the body: " + err.Error()})
		return
	}
	var head struct {
		Network string `json:"network"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		s.fail(w, r, badRequest{"the body must be a JSON object: " + err.Error()})
		return
	}
	var c store.Connection
	n, ok := s.networks.Lookup(head.Network)
	if ok {
		// The network's account, from the body's other fields.
		a := n.NewAccount()
		if err = decodeStrict(withoutField(raw, "network"), a); err == nil {
			c, err = connect.Create(r.Context(), s.store, s.sealer, workspace(r), n, a, connect.Options{})
		}
	} else {
		err = badRequest{"network must be one of " + quotedList(s.networks.Names())}
	}
	var invalid *network.InvalidError
	var refused *connect.RefusedError
	switch {
	case errors.As(err, &invalid):
		s.fail(w, r, badRequest{invalid.Msg})
	case errors.As(err, &refused):
		writeError(w, http.StatusUnprocessableEntity, "connection_refused", refused.Error())
	case err != nil:
		s.fail(w, r, err)
	default:
		writeJSON(w, http.StatusCreated, connectionJSON(c))
	}
}

// withoutField is a JSON object without one of its fields.
func withoutField(raw []byte, name string) []byte {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return raw // decodeStrict says what is wrong with it
	}
	delete(fields, name)
	out, err := json.Marshal(fields)
	if err != nil {
		return raw
	}
	return out
}

// quotedList writes names as `"a" or "b"`.
func quotedList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// decodeStrict reads a JSON body into v, refusing fields v does not have.
func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest{"the body must be a JSON object of this endpoint's fields: " + err.Error()}
	}
	return nil
}

// syncConnection makes a connection due now; the scheduler takes it.
func (s *Server) syncConnection(w http.ResponseWriter, r *http.Request) {
	c, err := s.store.Connection(r.Context(), workspace(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.networks.Syncs(c) {
		s.fail(w, r, badRequest{"this connection imports files; POST them to /v1/imports instead"})
		return
	}
	if err := s.store.ScheduleConnection(r.Context(), c.WorkspaceID, c.ID, s.now()); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "scheduled", "connection_id": c.ID})
}

func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r.URL.Query(), "limit"); err != nil {
		s.fail(w, r, err)
		return
	}
	ws, id := workspace(r), r.PathValue("id")
	if _, err := s.store.Connection(r.Context(), ws, id); err != nil {
		s.fail(w, r, err)
		return
	}
	limit, err := limitParam(r.URL.Query().Get("limit"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	runs, err := s.store.Runs(r.Context(), ws, id, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]Run, len(runs))
	for i, x := range runs {
		out[i] = Run{ID: x.ID, Trigger: x.Trigger, StartedAt: x.StartedAt, FinishedAt: x.FinishedAt, Files: x.Files, Rows: x.Rows,
			Outcome: x.Outcome, Error: x.Error}
	}
	writeJSON(w, http.StatusOK, newPage(out, ""))
}
