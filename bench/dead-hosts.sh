#!/usr/bin/env bash
# Dead hosts (issue 19): 100,000 URLs, 40,000 pages on 100 live demo-site hosts (127.0.0.1 to
# .100, 400 pages each) and 60,000 URLs on 600 closed ports (127.0.1.1 to 127.0.3.200, 100
# each), grouped by host, a config of only pipeline, input and output (default settings: robots.txt
# on, host-error-budget 10). Prints wall time and peak RSS (GNU time) and the failure kinds.
#
#   bash bench/dead-hosts.sh [--out DIR]        # about a minute
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/out/dead-hosts"
[ "${1:-}" = "--out" ] && { out="$2"; shift 2; }
[ $# -eq 0 ] || { echo "dead-hosts.sh: unknown argument '$1' (try --out DIR)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "dead-hosts.sh: GNU time (/usr/bin/time) is needed: apt-get install time" >&2; exit 2; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
port="${BENCH_PORT:-8790}"
[ -d "$out/data/site" ] || "$root/forkline" bench --make-site 400 --out "$out" >/dev/null
{
  for h in $(seq 1 100); do
    for p in $(seq 0 399); do printf 'http://127.0.0.%d:%d/p/%05d.html\n' "$h" "$port" "$p"; done
  done
  for a in 1 2 3; do
    for b in $(seq 1 200); do
      for p in $(seq 0 99); do printf 'http://127.0.%d.%d:%d/p/%d.html\n' "$a" "$b" $(( port + 1 )) "$p"; done
    done
  done
} >"$out/urls.txt"
"$root/forkline" demo-site "$out/data/site" --hosts 100 --port "$port" >"$out/site.log" 2>&1 &
site=$!
trap 'kill "$site" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q serving "$out/site.log" && break; sleep 0.2; done
grep -q serving "$out/site.log" || { cat "$out/site.log" >&2; exit 3; }
printf 'pipeline: url-scrape\ninput: urls.txt\noutput: out\n' >"$out/cfg.yaml"
rm -rf "$out/out"
status=0
/usr/bin/time -v "$root/forkline" run "$out/cfg.yaml" --progress none >"$out/run.out" 2>"$out/run.err" || status=$?
echo "exit $status (1: the run finished with failed rows, as it must here)"
grep -E "Elapsed|Maximum resident" "$out/run.err"
sed -n '1,5p' "$out/run.out"
