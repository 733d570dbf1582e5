#!/usr/bin/env bash
# bench/fsync-cost.sh [--runs N] [--out DIR]: what forkline's fsyncs cost, on the runs users make.
#
# Runs the compare.sh image batch (200 1920x1080 JPEGs) and scrape (2,000 pages, 50 ms latency,
# 64 in flight) N times each (default 5), alternating each run as built and under eatmydata
# (Debian's libeatmydata, which turns fsync and fdatasync into no-ops), each in its own JVM,
# and prints the median wall time of both and their ratio. Needs eatmydata: apt-get install
# eatmydata. The output folders are on the same file system as --out (default out/fsync-cost).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/bench/common.sh"
out="$root/out/fsync-cost"
runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift ;;
    --out) out="$(mkdir -p "$2" && cd "$2" && pwd)"; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "fsync-cost.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
command -v eatmydata >/dev/null || { echo "fsync-cost.sh: needs eatmydata (apt-get install eatmydata)" >&2; exit 2; }
port="${BENCH_PORT:-8098}"
mkdir -p "$out"
work="$out/work"
rm -rf "$work"
mkdir -p "$work"
"$root/forkline" bench --make-images 200 --make-site 2000 --out "$out" >/dev/null
image_config "$work/image-filter.yaml" "$out/data/images" "$work/o" "$(nproc)"
serve_site "$root" "$out/data/site" "$port" 50 "$work/site.log" "$work/urls.txt"
scrape_config "$work/url-scrape.yaml" "$work/urls.txt" "$work/s" 64 "{executor: processes}"

# time_run CONFIG [eatmydata]: wall seconds of one run into an empty output folder
time_run() {
  local config="$1" wrap="${2:-}" start end
  rm -rf "$work/o" "$work/s"
  start=$(date +%s.%N)
  $wrap "$root/forkline" run "$config" --progress none >/dev/null 2>"$work/last.log" \
    || [ $? = 1 ] || { cat "$work/last.log" >&2; exit 3; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

printf 'task\tfsync_s\tno_fsync_s\tratio\n'
for task in image-filter url-scrape; do
  config="$work/$task.yaml"
  time_run "$config" >/dev/null # warm-up: page cache, class-data archive
  : >"$work/with" ; : >"$work/without"
  for _ in $(seq 1 "$runs"); do
    time_run "$config" >>"$work/with"
    time_run "$config" eatmydata >>"$work/without"
  done
  with=$(median <"$work/with"); without=$(median <"$work/without")
  printf '%s\t%.2f\t%.2f\t%.3f\n' "$task" "$with" "$without" "$(echo "$with / $without" | bc -l)"
done
