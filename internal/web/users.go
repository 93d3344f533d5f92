package web

import (
	"net/http"
	"strings"

	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
)

// minPassword is the shortest password an admin may set (NIST SP 800-63B).
const minPassword = 8

type usersData struct {
	Members []store.Member
	Roles   []string
	Email   string
	Role    string
	Error   string
}

func (s *Server) users(w http.ResponseWriter, r *http.Request, v *viewer) {
	s.showUsers(w, r, v, http.StatusOK, usersData{Role: store.RoleMember})
}

func (s *Server) showUsers(w http.ResponseWriter, r *http.Request, v *viewer, status int, d usersData) {
	var err error
	if d.Members, err = s.store.Members(r.Context(), v.WorkspaceID); err != nil {
		s.fail(w, r, v, err)
		return
	}
	d.Roles = []string{store.RoleAdmin, store.RoleMember, store.RoleReadOnly}
	s.render(w, r, v, status, "users", "Users", "users", d)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request, v *viewer) {
	d := usersData{Email: strings.TrimSpace(r.PostFormValue("email")), Role: r.PostFormValue("role")}
	password := r.PostFormValue("password")
	switch {
	case !strings.Contains(d.Email, "@"):
		d.Error = "Give the user's email address."
	case !contains([]string{store.RoleAdmin, store.RoleMember, store.RoleReadOnly}, d.Role):
		d.Error = "Choose a role."
	case len([]rune(password)) < minPassword:
		d.Error = "The password needs at least 8 characters."
	}
	if d.Error != "" {
		s.showUsers(w, r, v, http.StatusBadRequest, d)
		return
	}
	if _, err := s.store.UserByEmail(r.Context(), d.Email); err == nil {
		d.Error = "A user with this email exists already."
		s.showUsers(w, r, v, http.StatusConflict, d)
		return
	}
	hash, err := secret.HashPassword(password)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	u, err := s.store.CreateUser(r.Context(), v.WorkspaceID, d.Email, hash, d.Role)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.log.Info("user created", "user", u.ID, "role", d.Role, "by", v.ID)
	redirect(w, r, "/users", "Added "+u.Email+" as "+d.Role+".")
}
