#!/usr/bin/env bash
# Import throughput and memory, measured in one run against two baselines:
#   sqlite3 .import of the same rows (no parsing, no logic: an upper bound)
#   a plain Python csv → sqlite upsert loader
# Usage: bench/import.sh [ROWS]   (default 1000000)
# AFFSYNC_BENCH_DB=postgres://… also imports the file into that (fresh) PostgreSQL database.
set -euo pipefail
rows=${1:-1000000}
cd "$(dirname "$0")/.."
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go build -o "$out/affsync" ./cmd/affsync
file="$out/bench-20-earnings-report-subtags-20261031.tsv"
python3 bench/gen_earnings.py "$rows" "$file"
echo "rows: $rows ($(du -h "$file" | cut -f1))"

db="sqlite:$out/affsync.db"
conn=$("$out/affsync" --db "$db" connection add amazon --connector import --store-id bench-20 --mode subtags | sed -n 's/.*"id": "\(.*\)".*/\1/p')
read -r t_aff rss_aff rc < <(python3 bench/run_measured.py "$out/affsync" --db "$db" import --connection "$conn" --json "$file")
[ "$rc" = 0 ] || { echo "affsync import failed"; exit 1; }

t_pg=""
if [ -n "${AFFSYNC_BENCH_DB:-}" ]; then
	export AFFSYNC_SECRET_KEY=${AFFSYNC_SECRET_KEY:-$(head -c 32 /dev/urandom | base64)}
	"$out/affsync" --db "$AFFSYNC_BENCH_DB" migrate >/dev/null
	conn=$("$out/affsync" --db "$AFFSYNC_BENCH_DB" connection add amazon --connector import --store-id bench-20 --mode subtags | sed -n 's/.*"id": "\(.*\)".*/\1/p')
	read -r t_pg rss_pg rc < <(python3 bench/run_measured.py "$out/affsync" --db "$AFFSYNC_BENCH_DB" import --connection "$conn" --json "$file")
	[ "$rc" = 0 ] || { echo "affsync import into PostgreSQL failed"; exit 1; }
fi

tail -n +3 "$file" > "$out/data.tsv"
read -r t_sql rss_sql rc < <(python3 bench/run_measured.py sqlite3 "$out/sqlite3.db" \
	"CREATE TABLE earnings (category, name, asin, seller, tracking_id, day, price, rate, quantity, revenue, earnings, subtag)" \
	".mode tabs" ".import $out/data.tsv earnings")
read -r t_py rss_py rc < <(python3 bench/run_measured.py python3 bench/python_loader.py "$file" "$out/python.db")

awk -v n="$rows" -v a="$t_aff" -v pg="$t_pg" -v rpg="${rss_pg:-0}" -v s="$t_sql" -v p="$t_py" -v ra="$rss_aff" -v rs="$rss_sql" -v rp="$rss_py" 'BEGIN {
	printf "%-28s %10s %12s %12s\n", "loader", "seconds", "rows/s", "peak RSS MB"
	printf "%-28s %10.2f %12.0f %12.1f\n", "affsync import", a, n/a, ra/1024
	if (pg != "") printf "%-28s %10.2f %12.0f %12.1f\n", "affsync import (PostgreSQL)", pg, n/pg, rpg/1024
	printf "%-28s %10.2f %12.0f %12.1f\n", "sqlite3 .import", s, n/s, rs/1024
	printf "%-28s %10.2f %12.0f %12.1f\n", "python csv->sqlite upsert", p, n/p, rp/1024
	printf "ratio affsync/sqlite3 .import: %.2f (aim >= 0.5)\n", s/a
	printf "ratio affsync/python loader:   %.2f (aim >= 2)\n", p/a
	if (pg != "") printf "ratio affsync PostgreSQL/python loader: %.2f (aim >= 1)\n", p/pg
	printf "affsync peak RSS: %.1f MB (aim <= 150)\n", ra/1024
}'
