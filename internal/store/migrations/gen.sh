#!/bin/sh
# Writes the per-dialect migration from schema.tmpl.sql. The generated files are
# committed (goose embeds them); run `go generate ./internal/store` after editing.
set -e
cd "$(dirname "$0")"
hdr="-- Code generated from schema.tmpl.sql by gen.sh; edit the template."
{ echo "$hdr"; sed -e 's/{TS}/TEXT/g; s/{DATE}/TEXT/g; s/{BLOB}/BLOB/g; s/{BOOL}/INTEGER/g; s/{FALSE}/0/g; s/{TRUE}/1/g; s/{DEFER}/ DEFERRABLE INITIALLY DEFERRED/g; s/{SERIAL}/INTEGER PRIMARY KEY AUTOINCREMENT/g' schema.tmpl.sql; } > sqlite/00001_schema.sql
{ echo "$hdr"; sed -e 's/{TS}/TIMESTAMPTZ/g; s/{DATE}/DATE/g; s/{BLOB}/BYTEA/g; s/{BOOL}/BOOLEAN/g; s/{FALSE}/FALSE/g; s/{TRUE}/TRUE/g; s/{DEFER}//g; s/{SERIAL}/BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY/g' schema.tmpl.sql; } > postgres/00001_schema.sql
