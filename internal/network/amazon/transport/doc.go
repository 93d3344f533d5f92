// Package transport fetches Amazon Associates report files over the two
// pull transports of SPEC §3.1: the Creators API (OAuth2 client credentials,
// listReports, getReport and a pre-signed download URL) and the legacy
// DataFeed (HTTP Digest, an HTML listing, getReport).
//
// Both are a Source: List the files, Open one. Open hands back the bytes only
// after they matched the listed size and MD5, so a caller never parses a
// truncated or corrupted file. Throttling, server errors and network
// failures are retried with capped exponential backoff; every other refusal
// stops at once with an *APIError, and Classify turns any error into the
// connection status the user sees.
//
// Secrets (the client secret, the DataFeed password, access tokens and
// pre-signed URL signatures) never appear in logs or error messages.
package transport
