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

// PaymentID derives the stable id of a payment from its connection and the
// payment's reference, so a re-imported payment file finds the same row.
func PaymentID(connectionID, reference string) string {
	return derivedID("pay", connectionID, reference)
}

// DealID derives the stable id of a deal from its connection and key.
func DealID(connectionID, key string) string {
	return derivedID("deal", connectionID, key)
}

func derivedID(prefix, connectionID, key string) string {
	sum := sha256.Sum256([]byte(connectionID + "\x00" + key))
	return prefix + "_" + strings.ToLower(idEncoding.EncodeToString(sum[:12]))
}
