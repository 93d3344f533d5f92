package web

import (
	"errors"
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
	Error   string // of the add form
	// MemberError is why a change to an existing member was refused.
	MemberError string
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

// setMemberRole changes a member's role. An admin may demote themselves if
// another admin remains; the store refuses to leave the workspace without
// one, atomically with the change.
func (s *Server) setMemberRole(w http.ResponseWriter, r *http.Request, v *viewer) {
	role := r.PostFormValue("role")
	if !contains([]string{store.RoleAdmin, store.RoleMember, store.RoleReadOnly}, role) {
		s.showUsers(w, r, v, http.StatusBadRequest, usersData{Role: store.RoleMember, MemberError: "Choose a role."})
		return
	}
	m, err := s.store.Member(r.Context(), v.WorkspaceID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if err := s.store.SetMemberRole(r.Context(), v.WorkspaceID, m.ID, role); err != nil {
		s.refuseMemberChange(w, r, v, m, err)
		return
	}
	s.log.Info("member role changed", "user", m.ID, "from", m.Role, "to", role, "by", v.ID)
	redirect(w, r, "/users", m.Email+" is now "+role+".")
}

// removeMember takes a member out of the workspace; their sessions here end
// with it. An admin removing themselves is signed out.
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request, v *viewer) {
	m, err := s.store.Member(r.Context(), v.WorkspaceID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if err := s.store.RemoveMember(r.Context(), v.WorkspaceID, m.ID); err != nil {
		s.refuseMemberChange(w, r, v, m, err)
		return
	}
	s.log.Info("member removed", "user", m.ID, "by", v.ID)
	if m.ID == v.ID {
		http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
		redirect(w, r, "/login", "")
		return
	}
	redirect(w, r, "/users", "Removed "+m.Email+" from this workspace.")
}

// setMemberPassword sets a member's password and signs them out everywhere
// in the workspace, except the admin's own session when it is their own.
func (s *Server) setMemberPassword(w http.ResponseWriter, r *http.Request, v *viewer) {
	m, err := s.store.Member(r.Context(), v.WorkspaceID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	password := r.PostFormValue("password")
	if len([]rune(password)) < minPassword {
		s.showUsers(w, r, v, http.StatusBadRequest, usersData{Role: store.RoleMember,
			MemberError: "The new password for " + m.Email + " needs at least 8 characters."})
		return
	}
	hash, err := secret.HashPassword(password)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	keep := ""
	if m.ID == v.ID {
		keep = v.sessionHash
	}
	if err := s.store.SetUserPassword(r.Context(), v.WorkspaceID, m.ID, hash, keep); err != nil {
		s.refuseMemberChange(w, r, v, m, err)
		return
	}
	s.log.Info("member password set", "user", m.ID, "by", v.ID)
	redirect(w, r, "/users", "Set a new password for "+m.Email+"; their other sessions are signed out.")
}

// refuseMemberChange shows the users page with why the store refused a
// change (the last admin, a user shared with other workspaces), or fails.
func (s *Server) refuseMemberChange(w http.ResponseWriter, r *http.Request, v *viewer, m store.Member, err error) {
	d := usersData{Role: store.RoleMember}
	switch {
	case errors.Is(err, store.ErrLastAdmin):
		d.MemberError = m.Email + " is this workspace's only admin. Make another member admin first."
	case errors.Is(err, store.ErrSharedUser):
		d.MemberError = m.Email + " belongs to other workspaces too, so their password cannot be set from this one."
	default:
		s.fail(w, r, v, err)
		return
	}
	s.showUsers(w, r, v, http.StatusConflict, d)
}
