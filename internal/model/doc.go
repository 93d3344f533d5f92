// Package model holds the domain types shared by the store, the ingest
// pipeline, the lifecycle rules and the API. It has no behaviour beyond small
// helpers, so every other package can depend on it.
package model
