package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"github.com/affsync/affsync/client"
	"io"
	"net/http"

	"github.com/affsync/affsync/internal/collector"
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

// createConnection connects an account: an Amazon one is checked for real
// first; a custom network one (SPEC §4.4) only takes files.
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
	switch head.Network {
	case "amazon":
		var body struct {
			Network string `json:"network"`
			collector.AmazonAccount
		}
		if err = decodeStrict(raw, &body); err == nil {
			c, err = collector.Connect(r.Context(), s.store, s.sealer, workspace(r), body.AmazonAccount)
		}
	case "custom":
		var body struct {
			Network string `json:"network"`
			collector.CustomAccount
		}
		if err = decodeStrict(raw, &body); err == nil {
			c, err = collector.ConnectCustom(r.Context(), s.store, workspace(r), body.CustomAccount)
		}
	default:
		err = badRequest{`network must be "amazon" or "custom"`}
	}
	var invalid *collector.InvalidError
	var refused *collector.RefusedError
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
	if c.Connector == "import" || c.Network != "amazon" {
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
