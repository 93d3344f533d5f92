package cli

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
)

const userUsage = "usage: affsync user create --email E [--role admin|member|read-only] [--password-stdin]" +
	" | user list [--json] | user role --email E --role R | user remove --email E | user password --email E [--password-stdin]"

// runUser manages the dashboard's users; the first admin of a new
// installation is made here (later ones on the dashboard's users page).
// Every subcommand acts in one workspace (--workspace).
func runUser(env Env, args []string) error {
	if len(args) == 0 {
		return usagef(userUsage)
	}
	switch args[0] {
	case "create":
		return runUserCreate(env, args[1:])
	case "list":
		return runUserList(env, args[1:])
	case "role":
		return runUserRole(env, args[1:])
	case "remove":
		return runUserRemove(env, args[1:])
	case "password":
		return runUserPassword(env, args[1:])
	}
	return usagef(userUsage)
}

func runUserCreate(env Env, args []string) error {
	fs, g := newFlags(env, "user create", "user create --email E [--role admin|member|read-only] [--password-stdin]")
	email := fs.String("email", "", "the user's email, their login (required)")
	role := fs.String("role", store.RoleAdmin, "admin, member or read-only")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin (else one is made and printed once)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !strings.Contains(*email, "@") {
		return usagef("--email is required: an address like finance@example.com")
	}
	if err := checkRole(*role); err != nil {
		return err
	}
	password, made, err := newPassword(env, *fromStdin)
	if err != nil {
		return err
	}
	hash, err := secret.HashPassword(password)
	if err != nil {
		return err
	}
	s, ws, err := g.openWorkspace(env)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := s.CreateUser(env.Context, ws.ID, *email, hash, *role)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "user %s (%s) can sign in to workspace %q\n", u.Email, *role, ws.Name)
	if made {
		fmt.Fprintln(env.Stdout, password) // shown once, alone on its line
	}
	return nil
}

// runUserList prints the workspace's members: a table, or JSON with --json.
func runUserList(env Env, args []string) error {
	fs, g := newFlags(env, "user list", "user list [--json]")
	asJSON := fs.Bool("json", false, "print a JSON array instead of a table")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("user list takes no arguments")
	}
	s, ws, err := g.openWorkspace(env)
	if err != nil {
		return err
	}
	defer s.Close()
	members, err := s.Members(env.Context, ws.ID)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]map[string]any, len(members))
		for i, m := range members {
			out[i] = map[string]any{"id": m.ID, "email": m.Email, "role": m.Role, "time_zone": m.TimeZone,
				"created_at": m.CreatedAt.Format(time.RFC3339)}
		}
		return printJSON(env, out)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tROLE\tTIME ZONE\tCREATED")
	for _, m := range members {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", m.Email, m.Role, m.TimeZone, m.CreatedAt.Format(time.RFC3339))
	}
	return tw.Flush()
}

func runUserRole(env Env, args []string) error {
	fs, g := newFlags(env, "user role", "user role --email E --role admin|member|read-only")
	email := fs.String("email", "", "the member's email (required)")
	role := fs.String("role", "", "admin, member or read-only (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkRole(*role); err != nil {
		return err
	}
	return withMember(env, g, *email, func(s *store.Store, ws store.Workspace, m store.Member) error {
		if err := s.SetMemberRole(env.Context, ws.ID, m.ID, *role); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s is now %s in workspace %q\n", m.Email, *role, ws.Name)
		return nil
	})
}

// runUserRemove takes a member out of the workspace and ends their sessions
// there; a user left in no workspace is deleted (store.RemoveMember).
func runUserRemove(env Env, args []string) error {
	fs, g := newFlags(env, "user remove", "user remove --email E")
	email := fs.String("email", "", "the member's email (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	return withMember(env, g, *email, func(s *store.Store, ws store.Workspace, m store.Member) error {
		if err := s.RemoveMember(env.Context, ws.ID, m.ID); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "removed %s from workspace %q\n", m.Email, ws.Name)
		return nil
	})
}

// runUserPassword sets a member's password and signs them out of the
// workspace, like the dashboard's form.
func runUserPassword(env Env, args []string) error {
	fs, g := newFlags(env, "user password", "user password --email E [--password-stdin]")
	email := fs.String("email", "", "the member's email (required)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin (else one is made and printed once)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !strings.Contains(*email, "@") {
		return usagef("--email is required: an address like finance@example.com")
	}
	password, made, err := newPassword(env, *fromStdin)
	if err != nil {
		return err
	}
	hash, err := secret.HashPassword(password)
	if err != nil {
		return err
	}
	return withMember(env, g, *email, func(s *store.Store, ws store.Workspace, m store.Member) error {
		if err := s.SetUserPassword(env.Context, ws.ID, m.ID, hash, ""); err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "new password set for %s; their sessions in workspace %q are ended\n", m.Email, ws.Name)
		if made {
			fmt.Fprintln(env.Stdout, password) // shown once, alone on its line
		}
		return nil
	})
}

// withMember opens the workspace, finds the member by email and runs fn. A
// user of another workspace is as unknown here as one of none. A change the
// store refuses (the last admin, a shared user) is a usage error, said plainly.
func withMember(env Env, g globals, email string, fn func(*store.Store, store.Workspace, store.Member) error) error {
	if !strings.Contains(email, "@") {
		return usagef("--email is required: an address like finance@example.com")
	}
	email = strings.ToLower(strings.TrimSpace(email))
	s, ws, err := g.openWorkspace(env)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := s.UserByEmail(env.Context, email)
	if err == nil {
		var m store.Member
		if m, err = s.Member(env.Context, ws.ID, u.ID); err == nil {
			err = fn(s, ws, m)
		}
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		return usagef("no user %s in workspace %q (see affsync user list)", email, ws.Name)
	case errors.Is(err, store.ErrLastAdmin):
		return usagef("%s is the only admin of workspace %q; make another member admin first", email, ws.Name)
	case errors.Is(err, store.ErrSharedUser):
		return usagef("%s belongs to other workspaces too, so their password is not workspace %q's to set", email, ws.Name)
	}
	return err
}

func checkRole(role string) error {
	if role != store.RoleAdmin && role != store.RoleMember && role != store.RoleReadOnly {
		return usagef("--role must be admin, member or read-only, not %q", role)
	}
	return nil
}

// newPassword reads a password from the first line of stdin, or makes one
// (made is then true, and the caller prints it once).
func newPassword(env Env, fromStdin bool) (password string, made bool, err error) {
	if !fromStdin {
		return secret.RandomToken(12), true, nil
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	password = strings.TrimRight(line, "\r\n")
	if password == "" && err != nil {
		return "", false, usagef("--password-stdin: no password on stdin")
	}
	if len(password) < 10 {
		return "", false, usagef("--password-stdin: a password of at least 10 characters, please")
	}
	return password, false, nil
}
