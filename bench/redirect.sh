#!/usr/bin/env bash
# GET /r/{code} throughput as a ratio to a trivial handler of the same server,
# under the same wrk load, in one run. The two targets alternate (trivial,
# redirect, trivial, redirect, …) so that noise from other work on the
# machine falls on both alike; the ratio is of the summed requests/s.
# Usage: bench/redirect.sh [SECONDS_PER_ROUND] [ROUNDS] [CONNECTIONS]   (default 10 3 64)
# AFFSYNC_BENCH_DB=postgres://… runs it on PostgreSQL (a fresh database).
set -euo pipefail
secs=${1:-10}
rounds=${2:-3}
conns=${3:-64}
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
out=$(mktemp -d)
go build -o "$out/redirectserver" ./bench/redirectserver
db_args=()
[ -n "${AFFSYNC_BENCH_DB:-}" ] && db_args=(--db "$AFFSYNC_BENCH_DB")
"$out/redirectserver" "${db_args[@]}" >"$out/server.out" 2>"$out/server.err" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$out"' EXIT
for _ in $(seq 100); do grep -q '^CODE ' "$out/server.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^URL //p' "$out/server.out")
code=$(sed -n 's/^CODE //p' "$out/server.out")
[ -n "$code" ] || { cat "$out/server.err"; exit 1; }

threads=2
echo "wrk: $threads threads, $conns connections, ${secs}s per round, $rounds rounds; $(nproc) CPUs"
rps() { # prints requests/s of one wrk round, and fails on errors or wrong answers
	local res
	res=$(wrk -t"$threads" -c"$conns" -d"${secs}s" --latency "$1")
	if grep -q 'Non-2xx or 3xx\|Socket errors' <<<"$res"; then echo "$res" >&2; return 1; fi
	awk '/^Requests\/sec:/ {print $2}' <<<"$res"
}
wrk -t1 -c8 -d1s "$url/bench/trivial" >/dev/null # warm up
wrk -t1 -c8 -d1s "$url/r/$code?custom=warmup" >/dev/null
sum_t=0 sum_r=0
for i in $(seq "$rounds"); do
	t=$(rps "$url/bench/trivial")
	r=$(rps "$url/r/$code?custom=user42")
	printf "round %d: trivial %10.0f req/s   /r/{code} %10.0f req/s   ratio %.2f\n" "$i" "$t" "$r" "$(echo "$r / $t" | bc -l)"
	sum_t=$(echo "$sum_t + $t" | bc -l)
	sum_r=$(echo "$sum_r + $r" | bc -l)
done
kill -TERM "$pid"
wait "$pid" || true
printf "trivial handler: %.0f req/s   /r/{code}: %.0f req/s   ratio %.2f (aim >= 0.5)\n" \
	"$(echo "$sum_t / $rounds" | bc -l)" "$(echo "$sum_r / $rounds" | bc -l)" "$(echo "$sum_r / $sum_t" | bc -l)"
grep '^HITS' "$out/server.out"
grep -v '^$' "$out/server.err" | head -5 || true
