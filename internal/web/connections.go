package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/affsync/affsync/internal/connect"
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/network/amazon"
	"github.com/affsync/affsync/internal/store"
)

func (s *Server) connections(w http.ResponseWriter, r *http.Request, v *viewer) {
	list, err := s.store.Connections(r.Context(), v.WorkspaceID)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, v, http.StatusOK, "connections", "Connections", "connections", list)
}

// connectionForm is the Amazon connection form (the seed's fields), kept
// to show again with the reason when the check refuses it. The secret is
// never shown again.
type connectionForm struct {
	amazon.Account
	Connectors []string
	Error      string
}

func (s *Server) newConnection(w http.ResponseWriter, r *http.Request, v *viewer) {
	f := connectionForm{Account: amazon.Account{Connector: amazon.ConnectorCreatorsSubtags}, Connectors: amazon.Network{}.Connectors()}
	s.render(w, r, v, http.StatusOK, "connection_new", "Add an Amazon connection", "connections", f)
}

// createConnection checks the account for real (a token and a listed
// report) and stores it; a refusal shows the form again with the reason.
func (s *Server) createConnection(w http.ResponseWriter, r *http.Request, v *viewer) {
	field := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	f := connectionForm{Connectors: amazon.Network{}.Connectors(), Account: amazon.Account{
		Connector: field("connector"), StoreID: field("store_id"), Name: field("name"), Currency: strings.ToUpper(field("currency")),
		TrackingID: field("tracking_id"), Mode: field("mode"), CredentialID: field("credential_id"), Secret: r.PostFormValue("secret"),
		APIBase: field("api_base"), TokenURL: field("token_url"), Marketplace: field("marketplace"), Transport: field("transport"),
	}}
	account := f.Account // the form shows again what was given, not its defaults
	c, err := connect.Create(r.Context(), s.store, s.sealer, v.WorkspaceID, amazon.Network{}, &account, connect.Options{})
	var invalid *network.InvalidError
	var refused *connect.RefusedError
	switch {
	case errors.As(err, &invalid):
		f.Error = invalid.Msg
	case errors.As(err, &refused):
		f.Error = "Amazon refused the connection: " + refused.Reason
	case err != nil:
		s.fail(w, r, v, err)
		return
	default:
		s.log.Info("connection added", "connection", c.ID, "user", v.ID)
		redirect(w, r, "/connections/"+c.ID, "Connected. The first sync starts within a minute.")
		return
	}
	f.Secret = ""
	s.render(w, r, v, http.StatusUnprocessableEntity, "connection_new", "Add an Amazon connection", "connections", f)
}

type connectionData struct {
	Connection store.Connection
	Runs       []store.Run
	Files      []store.ImportedFile
}

func (s *Server) connection(w http.ResponseWriter, r *http.Request, v *viewer) {
	ctx, ws, id := r.Context(), v.WorkspaceID, r.PathValue("id")
	var d connectionData
	var err error
	if d.Connection, err = s.store.Connection(ctx, ws, id); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.Runs, err = s.store.Runs(ctx, ws, id, 50); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if d.Files, err = s.store.ImportedFiles(ctx, ws, id, 50); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, v, http.StatusOK, "connection", d.Connection.Name, "connections", d)
}

// syncConnection makes a connection due now; the scheduler of this server takes it.
func (s *Server) syncConnection(w http.ResponseWriter, r *http.Request, v *viewer) {
	c, err := s.store.Connection(r.Context(), v.WorkspaceID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if !s.networks.Syncs(c) {
		s.fail(w, r, v, userError{"This connection imports files; upload them on the Import page."})
		return
	}
	if c.Status == "disabled" {
		s.fail(w, r, v, userError{"This connection is disabled; enable it first."})
		return
	}
	if err := s.store.ScheduleConnection(r.Context(), v.WorkspaceID, c.ID, s.now()); err != nil {
		s.fail(w, r, v, err)
		return
	}
	redirect(w, r, "/connections/"+c.ID, "Sync scheduled; it starts within a minute.")
}

func (s *Server) disableConnection(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.setConnectionStatus(w, r, v, "disabled", "Disabled: it will not sync until enabled.")
}

func (s *Server) enableConnection(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.setConnectionStatus(w, r, v, "active", "Enabled.")
}

func (s *Server) setConnectionStatus(w http.ResponseWriter, r *http.Request, v *viewer, status, flash string) {
	id := r.PathValue("id")
	if err := s.store.SetConnectionStatus(r.Context(), v.WorkspaceID, id, status, ""); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.log.Info("connection status", "connection", id, "status", status, "user", v.ID)
	redirect(w, r, "/connections/"+id, flash)
}
