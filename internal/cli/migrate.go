package cli

import "fmt"

func runMigrate(env Env, args []string) error {
	fs, g := newFlags(env, "migrate", "migrate [--db DSN]")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("migrate takes no arguments")
	}
	s, err := g.openStore(env)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(env.Stdout, "database is up to date (%s)\n", s.Dialect())
	return nil
}
