#!/usr/bin/env bash
# Import throughput and memory, measured in one run against two baselines:
#   sqlite3 .import of the same rows (no parsing, no logic: an upper bound)
#   a plain Python csv → sqlite upsert loader
# Then the same report re-issued with 1% of its rows changed (gen_earnings.py
# --reissue) is imported into the same store: its time against the first
# import's, and its summary's counts against the exact ones.
# Usage: bench/import.sh [ROWS]   (default 1000000; 5000000 for the flat-memory check)
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

# The floor of this store's design: the rows that import wrote, written
# again through the same driver, with nothing else to do (bench/floor).
sqlite3 "$out/affsync.db" "VACUUM INTO '$out/floor.db'"
go run ./bench/floor "$out/floor.db" > "$out/floor.txt"
rm -f "$out/floor.db"*
t_floor=$(awk '$1 == "all" {print $4}' "$out/floor.txt")
t_facts=$(awk '$1 == "facts" && $2 ~ /^[0-9]/ {print $4}' "$out/floor.txt")
t_blocks=$(awk '$1 == "facts," && $2 == "blocks" {print $5}' "$out/floor.txt")

# The re-issued file: same name (another MD5), 1% of the rows changed, each
# of another subtag, so exactly that many transactions change.
mkdir "$out/reissued"
reissued="$out/reissued/$(basename "$file")"
python3 bench/gen_earnings.py "$rows" "$reissued" --reissue
changed=$(( (rows + 49) / 100 ))
read -r t_re rss_re rc < <(python3 bench/run_measured.py sh -c '"$0" --db "$1" import --connection "$2" --json "$3" > "$4"' \
	"$out/affsync" "$db" "$conn" "$reissued" "$out/reissued.json")
[ "$rc" = 0 ] || { echo "affsync re-import failed"; exit 1; }
counts=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); t=s.get("transactions", s); print(t["created"], t["updated"], t["unchanged"], t["deleted"])' "$out/reissued.json")
read -r re_created re_updated re_unchanged re_deleted <<<"$counts"

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

echo "the first import's rows, written again alone (bench/floor, same driver, no parsing, projection or reads):"
sed 's/^/  /' "$out/floor.txt"
awk -v n="$rows" -v fl="$t_floor" -v ff="$t_facts" -v fb="$t_blocks" -v re="$t_re" -v rre="$rss_re" -v a="$t_aff" -v pg="$t_pg" -v rpg="${rss_pg:-0}" -v s="$t_sql" -v p="$t_py" -v ra="$rss_aff" -v rs="$rss_sql" -v rp="$rss_py" 'BEGIN {
	printf "%-28s %10s %12s %12s\n", "loader", "seconds", "rows/s", "peak RSS MB"
	printf "%-28s %10.2f %12.0f %12.1f\n", "affsync import", a, n/a, ra/1024
	printf "%-28s %10.2f %12.0f %12.1f\n", "affsync re-import (1%)", re, n/re, rre/1024
	if (pg != "") printf "%-28s %10.2f %12.0f %12.1f\n", "affsync import (PostgreSQL)", pg, n/pg, rpg/1024
	printf "%-28s %10.2f %12.0f %12.1f\n", "sqlite3 .import", s, n/s, rs/1024
	printf "%-28s %10.2f %12.0f %12.1f\n", "python csv->sqlite upsert", p, n/p, rp/1024
	printf "ratio affsync/sqlite3 .import: %.2f (aim >= 0.5)\n", s/a
	printf "ratio affsync/python loader:   %.2f (aim >= 2)\n", p/a
	if (pg != "") printf "ratio affsync PostgreSQL/python loader: %.2f (aim >= 1)\n", p/pg
	printf "affsync peak RSS: %.1f MB (aim <= 150)\n", ra/1024
	printf "ratio re-import/first import: %.2f (aim <= 0.5)\n", re/a
	printf "rows alone/first import: %.2f; python loader/rows alone: %.2f (the most any import storing these rows could reach)\n", fl/a, p/fl
	printf "with facts in blocks instead: python loader/rows alone %.2f\n", p/(fl-ff+fb)
}'
tx_total=$(( (rows + 2) / 3 ))
echo "re-import summary: created $re_created, updated $re_updated, unchanged $re_unchanged, deleted $re_deleted" \
	"(exact: created 0, updated $changed, unchanged $(( tx_total - changed )), deleted 0)"
if [ "$re_created $re_updated $re_unchanged $re_deleted" != "0 $changed $(( tx_total - changed )) 0" ]; then
	echo "re-import counts are wrong"; exit 1
fi
