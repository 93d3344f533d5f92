package api

import (
	"errors"
	"github.com/affsync/affsync/client"
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

// createConnection connects an account, checked for real first.
func (s *Server) createConnection(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Network string `json:"network"`
		collector.AmazonAccount
	}
	if err := decodeJSON(r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if body.Network != "amazon" {
		s.fail(w, r, badRequest{`network must be "amazon"`})
		return
	}
	c, err := collector.Connect(r.Context(), s.store, s.sealer, workspace(r), body.AmazonAccount)
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

// syncConnection makes a connection due now; the scheduler takes it.
func (s *Server) syncConnection(w http.ResponseWriter, r *http.Request) {
	c, err := s.store.Connection(r.Context(), workspace(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if c.Connector == "import" {
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
