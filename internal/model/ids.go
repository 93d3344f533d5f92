package model

import (
	"crypto/sha256"
	"encoding/base32"
	"strings"
)

var idEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// TransactionID derives the stable id of a transaction from its connection
// and source key, so re-importing the same source never changes it.
func TransactionID(connectionID, sourceKey string) string {
	sum := sha256.Sum256([]byte(connectionID + "\x00" + sourceKey))
	return "tx_" + strings.ToLower(idEncoding.EncodeToString(sum[:12]))
}
