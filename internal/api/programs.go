package api

import (
	"net/http"

	"github.com/affsync/affsync/client"
	"github.com/affsync/affsync/internal/store"
)

// Program is a program's state for a connection (for Amazon, one program
// per marketplace), with its history.
type (
	Program       = client.Program
	ProgramChange = client.ProgramChange
)

// listPrograms answers GET /v1/programs (connection_id, program filter),
// each program with its history.
func (s *Server) listPrograms(w http.ResponseWriter, r *http.Request) {
	out, err := s.programs(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newPage(out, ""))
}

func (s *Server) programRows(r *http.Request, emit func(Program) error) error {
	return emitAll(s.programs, r, emit)
}

func (s *Server) programs(r *http.Request) ([]Program, error) {
	q := r.URL.Query()
	if err := onlyParams(q, "connection_id", "program"); err != nil {
		return nil, err
	}
	list, err := s.store.Programs(r.Context(), workspace(r))
	if err != nil {
		return nil, err
	}
	out := []Program{}
	for _, p := range list {
		if c := q.Get("connection_id"); c != "" && p.ConnectionID != c {
			continue
		}
		if name := q.Get("program"); name != "" && p.Program != name {
			continue
		}
		hist, err := s.programHistory(r, p)
		if err != nil {
			return nil, err
		}
		out = append(out, Program{Program: p.Program, ConnectionID: p.ConnectionID, Status: p.Status, Reason: p.Reason, UpdatedAt: p.UpdatedAt,
			History: hist})
	}
	return out, nil
}

// listProgramHistory answers GET /v1/programs/{connection_id}/{program}/history.
func (s *Server) listProgramHistory(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	p, err := s.store.Program(r.Context(), workspace(r), r.PathValue("connection_id"), r.PathValue("program"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hist, err := s.programHistory(r, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newPage(hist, ""))
}

func (s *Server) programHistory(r *http.Request, p store.Program) ([]ProgramChange, error) {
	hist, err := s.store.ProgramHistory(r.Context(), p.WorkspaceID, p.ConnectionID, p.Program)
	if err != nil {
		return nil, err
	}
	out := []ProgramChange{}
	for _, h := range hist {
		out = append(out, ProgramChange{At: h.At, From: h.FromStatus, To: h.ToStatus, Reason: h.Reason})
	}
	return out, nil
}
