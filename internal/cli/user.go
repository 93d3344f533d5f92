package cli

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/affsync/affsync/internal/secret"
	"github.com/affsync/affsync/internal/store"
)

const userUsage = "usage: affsync user create --email E [--role admin|member|read-only] [--password-stdin]"

// runUser manages the dashboard's users; the first admin of a new
// installation is made here (later ones on the dashboard's users page).
func runUser(env Env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return usagef(userUsage)
	}
	fs, g := newFlags(env, "user create", "user create --email E [--role admin|member|read-only] [--password-stdin]")
	email := fs.String("email", "", "the user's email, their login (required)")
	role := fs.String("role", store.RoleAdmin, "admin, member or read-only")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin (else one is made and printed once)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if !strings.Contains(*email, "@") {
		return usagef("--email is required: an address like finance@example.com")
	}
	if *role != store.RoleAdmin && *role != store.RoleMember && *role != store.RoleReadOnly {
		return usagef("--role must be admin, member or read-only, not %q", *role)
	}
	password, made := "", false
	if *fromStdin {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		password = strings.TrimRight(line, "\r\n")
		if password == "" && err != nil {
			return usagef("--password-stdin: no password on stdin")
		}
		if len(password) < 10 {
			return usagef("--password-stdin: a password of at least 10 characters, please")
		}
	} else {
		password, made = secret.RandomToken(12), true
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
