#!/usr/bin/env bash
# Politeness on many hosts (issue 19): forkline and Scrapy with the same politeness, one request
# per host at a time and a fixed delay between a host's requests, against one demo site served on
# many loopback addresses, on the same run. One command:
#
#   bash bench/many-hosts.sh [--hosts 100] [--pages 20] [--delay 0.5] [--orders "grouped shuffled
#        mix"] [--tools "forkline scrapy"] [--runs 1] [--fast-hosts 20] [--slow-pages 3]
#        [--slow-delay 5] [--latency-ms 0] [--threads 64] [--out DIR] [--no-install]
#
#   grouped    N hosts x P pages, the list host by host (as users' lists usually are)
#   shuffled   the same URLs in a shuffled order (fixed seed)
#   mix        F fast hosts x P pages plus one slow host, listed first, whose robots.txt says
#              Crawl-delay: S (forkline honours it; Scrapy does not, so its slot gets delay S);
#              the slow host gets --slow-pages pages. Also run: the F fast hosts alone, the
#              baseline the fast hosts' finish time is compared with.
#
# The politeness bound of a host with P pages at delay D is (P - 1) * D: no polite tool can
# finish sooner. Every run is timed as a whole command (GNU time: wall, CPU, peak RSS), and the
# demo site's access log gives, per run, when each host's last page was asked for (fast hosts and
# slow host apart) and the shortest gap between two requests to one host (a politeness check).
# The one-URL run of each tool is its start-up; the target is wall <= 1.2 x bound + start-up.
# Results: DIR/many-hosts.md (tables) and DIR/runs.tsv.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/common.sh
. "$root/bench/common.sh"
out="$root/out/many-hosts"
args="$*"
hosts=100 pages=20 delay=0.5 orders="grouped shuffled mix" tools="forkline scrapy" runs=1
fast=20 slow_pages=3 slow_delay=5 latency_ms=0 threads=64 install=1
port="${BENCH_PORT:-8097}"
while [ $# -gt 0 ]; do
  case "$1" in
    --hosts) hosts="$2"; shift ;;
    --pages) pages="$2"; shift ;;
    --delay) delay="$2"; shift ;;
    --orders) orders="$2"; shift ;;
    --tools) tools="$2"; shift ;;
    --runs) runs="$2"; shift ;;
    --fast-hosts) fast="$2"; shift ;;
    --slow-pages) slow_pages="$2"; shift ;;
    --slow-delay) slow_delay="$2"; shift ;;
    --latency-ms) latency_ms="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    --out) out="$(mkdir -p "$2" && cd "$2" && pwd)"; shift ;;
    --no-install) install=0 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "many-hosts.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
int() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "many-hosts.sh: $1 takes a whole number of 1 or more, got '$2'" >&2; exit 2; }; }
num() { [[ "$2" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "many-hosts.sh: $1 takes seconds (e.g. 0.5), got '$2'" >&2; exit 2; }; }
int --hosts "$hosts"; int --pages "$pages"; int --runs "$runs"; int --fast-hosts "$fast"
int --slow-pages "$slow_pages"; int --threads "$threads"; num --delay "$delay"; num --slow-delay "$slow_delay"
[[ "$latency_ms" =~ ^[0-9]+$ ]] || { echo "many-hosts.sh: --latency-ms takes a whole number, got '$latency_ms'" >&2; exit 2; }
for o in $orders; do
  case "$o" in grouped|shuffled|mix) ;; *) echo "many-hosts.sh: --orders takes grouped, shuffled and mix, got '$o'" >&2; exit 2 ;; esac
done
for t in $tools; do
  case "$t" in forkline|scrapy) ;; *) echo "many-hosts.sh: --tools takes forkline and scrapy, got '$t'" >&2; exit 2 ;; esac
done
# the slow host is the address after every other one, so no other run touches it
served=$(( hosts > fast ? hosts : fast ))
slow_host="127.0.0.$(( served + 1 ))"
[ $(( served + 1 )) -le 254 ] || { echo "many-hosts.sh: at most 253 hosts (the slow one is the next address)" >&2; exit 2; }

py=/usr/bin/python3 # Debian's python: where python3-scrapy installs
mkdir -p "$out"
work="$out/work"
rm -rf "$work"
mkdir -p "$work"
say() { echo "many-hosts: $*" >&2; }
[ -x /usr/bin/time ] || { echo "many-hosts.sh: GNU time (/usr/bin/time) is needed: apt-get install time" >&2; exit 2; }
if [[ " $tools " == *" scrapy "* ]] && ! "$py" -c 'import scrapy' 2>/dev/null; then
  if [ "$install" = 1 ] && [ "$(id -u)" = 0 ]; then
    say "installing python3-scrapy from Debian's packages"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-scrapy >/dev/null 2>&1 || true
  fi
  "$py" -c 'import scrapy' 2>/dev/null || { say "Scrapy (python3-scrapy) is not available: skipped"; tools="${tools//scrapy/}"; }
fi

# ---- the site and the lists ------------------------------------------------------------------
say "building forkline and making $pages pages"
site="$("$root/forkline" bench --make-site "$pages" --out "$out" | tail -1)"
log="$work/access.log"
"$root/forkline" demo-site "$site" --port "$port" --hosts "$(( served + 1 ))" \
  --crawl-delay "$slow_host=${slow_delay}s" --latency "${latency_ms}ms" --access-log "$log" \
  >"$work/site.log" 2>&1 &
site_pid=$!
trap 'kill "$site_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do grep -q serving "$work/site.log" 2>/dev/null && break; sleep 0.1; done
grep -q serving "$work/site.log" || { cat "$work/site.log" >&2; echo "many-hosts.sh: the demo site did not start" >&2; exit 3; }
say "serving $site on 127.0.0.1 to $slow_host, port $port ($slow_host: Crawl-delay ${slow_delay}s)"

urls() { # urls FIRST_HOST LAST_HOST NPAGES: host by host
  local h p
  for h in $(seq "$1" "$2"); do
    for p in $(seq 0 $(( $3 - 1 ))); do printf 'http://127.0.0.%d:%d/p/%05d.html\n' "$h" "$port" "$p"; done
  done
}
urls 1 "$hosts" "$pages" >"$work/grouped.txt"
"$py" -c 'import random, sys; l = open(sys.argv[1]).read().splitlines(); random.Random(19).shuffle(l); print("\n".join(l))' \
  "$work/grouped.txt" >"$work/shuffled.txt"
urls 1 "$fast" "$pages" >"$work/fast.txt"
{ urls $(( served + 1 )) $(( served + 1 )) "$slow_pages"; cat "$work/fast.txt"; } >"$work/mix.txt"
urls 1 1 1 >"$work/one.txt"
# warm the site's JVM (not timed): every page on a few hosts
"$py" - "$work/grouped.txt" <<'EOF' >/dev/null 2>&1 || true
import concurrent.futures, sys, urllib.request
urls = [u.strip() for u in open(sys.argv[1])][:400]
with concurrent.futures.ThreadPoolExecutor(16) as p:
    list(p.map(lambda u: urllib.request.urlopen(u).read(), urls))
EOF

cat >"$work/url-scrape.yaml" <<EOF
# bench/many-hosts.sh: polite on many hosts, as a new user would set it
pipeline: url-scrape
input: one.txt
output: out
url-scrape:
  per-host: 1
  delay: ${delay}s
  robots: true
  max-crawl-delay: 30s
  extract:
    heading: {css: h1, attr: text}
stages:
  fetch: {executor: threads, threads: $threads, timeout: 30s, retries: 1}
EOF
# Untimed: the first run after a build records the class-data-sharing archive (seconds at exit)
"$root/forkline" run "$work/url-scrape.yaml" --progress none --set "output=$work/warm-up" >/dev/null 2>&1 || true

# ---- runs ----------------------------------------------------------------------------------
tsv="$work/runs.tsv"
printf 'run\tcase\ttool\turls\tstart\twall_s\tcpu_s\tpeak_rss_kb\tfrom_line\tto_line\tok\tfailed\tstatus\n' >"$tsv"
one() { # one RUN CASE TOOL LIST
  local run="$1" case="$2" tool="$3" list="$work/$4.txt" tf="$work/time" rlog="$work/log-$2-$3-$1.txt"
  local from to start status=ok ok_failed
  from="$(wc -l <"$log")"
  start="$(date +%s.%N)"
  case "$tool" in
    forkline)
      /usr/bin/time -f '%e %U %S %M' -o "$tf" "$root/forkline" run "$work/url-scrape.yaml" --progress none \
        --set "input=$list" --set "output=$work/out-$case-$run" >"$rlog" 2>&1 || status=failed
      ok_failed="$(awk '$1 == "ok" && o == "" { o = $2 } $1 == "failed" && f == "" { f = $2 } END { gsub(",", "", o); gsub(",", "", f); print (o == "" ? "?" : o) "\t" (f == "" ? "?" : f) }' "$rlog")"
      ;;
    scrapy)
      local slow_arg=()
      [ "$case" = mix ] && slow_arg=(--slow "$slow_host=$slow_delay")
      /usr/bin/time -f '%e %U %S %M' -o "$tf" "$py" "$root/bench/peers/scrapy_polite.py" "$list" \
        "$work/scrapy-$case-$run.jsonl" --delay "$delay" --concurrency "$threads" --per-host 1 --robots on \
        "${slow_arg[@]}" >"$rlog" 2>&1 || status=failed
      ok_failed="$(tail -1 "$rlog" | awk '{ print $1 "\t" $2 }')"
      ;;
  esac
  sleep 0.3 # the site's last log lines
  to="$(wc -l <"$log")"
  local wall user sys rss
  read -r wall user sys rss < <(tail -1 "$tf")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$case" "$tool" "$(wc -l <"$list")" "$start" \
    "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')" "$rss" "$from" "$to" "$ok_failed" "$status" >>"$tsv"
  say "run $run $case / $tool: $(wc -l <"$list") URLs, wall ${wall} s, peak ${rss} kB ($status)"
}
cases=(one)
for o in $orders; do
  case "$o" in
    grouped|shuffled) cases+=("$o") ;;
    mix) cases+=(fast mix) ;;
  esac
done
for r in $(seq 1 "$runs"); do
  for c in "${cases[@]}"; do
    for t in $tools; do one "$r" "$c" "$t" "$c"; done
  done
done

# ---- report --------------------------------------------------------------------------------
cp "$tsv" "$out/runs.tsv"
"$py" "$root/bench/many-hosts-report.py" "$tsv" "$log" "$hosts" "$pages" "$delay" "$fast" \
  "$slow_host" "$slow_pages" "$slow_delay" "$threads" "$latency_ms" \
  "bash bench/many-hosts.sh${args:+ $args}" >"$out/many-hosts.md"
cat "$out/many-hosts.md"
say "wrote $out/many-hosts.md and $out/runs.tsv"
