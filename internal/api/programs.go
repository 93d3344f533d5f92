package api

import (
	"net/http"
	"time"

	"github.com/affsync/affsync/internal/store"
)

// Program is a program's state for a connection (for Amazon, one program
// per marketplace), with its history.
type Program struct {
	Program      string          `json:"program"`
	ConnectionID string          `json:"connection_id"`
	Status       string          `json:"status"`
	Reason       string          `json:"reason"`
	UpdatedAt    time.Time       `json:"updated_at"`
	History      []ProgramChange `json:"history"`
}

// ProgramChange is one status change of a program.
type ProgramChange struct {
	At   time.Time `json:"at"`
	From string    `json:"from"`
	To   string    `json:"to"`
	Why  string    `json:"reason"`
}

// listPrograms answers GET /v1/programs (connection_id, program filter),
// each program with its history.
func (s *Server) listPrograms(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := onlyParams(q, "connection_id", "program"); err != nil {
		s.fail(w, r, err)
		return
	}
	ws := workspace(r)
	list, err := s.store.Programs(r.Context(), ws)
	if err != nil {
		s.fail(w, r, err)
		return
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
			s.fail(w, r, err)
			return
		}
		out = append(out, Program{Program: p.Program, ConnectionID: p.ConnectionID, Status: p.Status, Reason: p.Reason, UpdatedAt: p.UpdatedAt,
			History: hist})
	}
	writeJSON(w, http.StatusOK, newPage(out, ""))
}

// listProgramHistory answers GET /v1/programs/{connection_id}/{program}/history.
func (s *Server) listProgramHistory(w http.ResponseWriter, r *http.Request) {
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
		out = append(out, ProgramChange{At: h.At, From: h.FromStatus, To: h.ToStatus, Why: h.Reason})
	}
	return out, nil
}
