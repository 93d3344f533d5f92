// Package networks is the list of the networks built into affsync. A
// process builds its registry once (Builtin) and passes it to the
// importer, the syncer, the API and the dashboard; adding a network is
// adding it here.
package networks

import (
	"github.com/affsync/affsync/internal/network"
	"github.com/affsync/affsync/internal/network/amazon"
	"github.com/affsync/affsync/internal/network/custom"
)

// Builtin makes the registry of the built-in networks.
func Builtin() *network.Registry {
	return network.NewRegistry(amazon.Network{}, custom.Network{})
}
