// Command affsync collects affiliate-network reports and serves them.
package main

import (
	"os"

	"github.com/affsync/affsync/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.StdEnv()))
}
