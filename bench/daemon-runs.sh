#!/usr/bin/env bash
# How a forkline daemon (FORKLINE_DAEMON=1) speeds up as it serves more runs of the same pipeline,
# against the Python tool for the same job, on the same machine, in the same session:
#
#   bash bench/daemon-runs.sh [--runs N] [--out DIR]
#
# Makes the inputs compare.sh uses (200 1920x1080 JPEGs, 2,000 pages served by `forkline
# demo-site` with 50 ms latency), starts one daemon, then runs each pipeline N times (default 15)
# through it: the image batch (transform on processes, the default) and the scrape (parse on
# threads, 64 in flight). Each run's line: wall time, rate, the daemon's CPU time over the run (its
# worker JVMs' included) and the part of it spent by the C2 JIT compiler. Pillow +
# multiprocessing.Pool and ThreadPoolExecutor + requests run three times each at the end, for the
# ratio. After its N runs of each, the daemon runs each pipeline on one element three times, for the steady rate
# of the last five runs, (N - 1) / (wall(N) - wall(1)), medians. Results: DIR/daemon-runs.tsv
# (default DIR: out/compare).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/common.sh
. "$root/bench/common.sh"
out="$root/out/compare"
runs=15
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift ;;
    --out) out="$(mkdir -p "$2" && cd "$2" && pwd)"; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "daemon-runs.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "daemon-runs.sh: --runs takes a whole number >= 1" >&2; exit 2; }

port="${BENCH_PORT:-8099}"
cores="$(nproc)"
py=/usr/bin/python3
clk_tck="$(getconf CLK_TCK)"
work="$out/daemon-runs"
rm -rf "$work"
mkdir -p "$work"
tsv="$out/daemon-runs.tsv"
printf 'task\ttool\trun\twall_s\tper_s\tcpu_s\tc2_s\n' >"$tsv"
say() { echo "daemon-runs: $*" >&2; }

say "making the inputs (200 images, 2000 pages)"
"$root/forkline" bench --make-images 200 --make-site 2000 --out "$out" >/dev/null
img="$out/data/images"
site="$out/data/site"

serve_site "$root" "$site" "$port" 50 "$work/site.log" "$work/urls.txt"

image_config "$work/image-filter.yaml" "$img" "$work/o-images" "$cores"
scrape_config "$work/url-scrape.yaml" "$work/urls.txt" "$work/o-pages" 64 "{executor: threads, threads: $cores}"

export FORKLINE_DAEMON=1
# the same folder as every run below, so they share one daemon
"$root/forkline" run "$work/url-scrape.yaml" --progress none --set "input=$work/urls.txt" \
  --set "output=$work/o-start" >/dev/null 2>&1 || true
pid="$(daemon_pid "$root")"
[ -n "$pid" ] || { echo "daemon-runs.sh: no daemon started (see the log in /tmp/forkline-UID)" >&2; exit 3; }

c2() {
  local t
  for t in /proc/"$pid"/task/*; do
    if grep -q 'C2 CompilerThre' "$t/comm" 2>/dev/null; then cat "$t/stat"; fi
  done | awk -v t="$clk_tck" '{ s += $14 + $15 } END { printf "%.2f", s / t }'
}
timed() { # timed TASK TOOL RUN N CMD...: one line of the TSV
  local task="$1" tool="$2" run="$3" n="$4" c0 k0 wall
  shift 4
  c0="$(proc_cpu "$pid")"
  k0="$(c2)"
  if ! /usr/bin/time -f '%e' -o "$work/t" "$@" >/dev/null 2>"$work/err-$task-$run.txt"; then
    say "$task run $run failed (exit code not 0): see $work/err-$task-$run.txt"
  fi
  wall="$(tail -1 "$work/t")"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$task" "$tool" "$run" "$wall" \
    "$(awk -v n="$n" -v w="$wall" 'BEGIN{printf "%.1f", n / w}')" \
    "$(awk -v a="$(proc_cpu "$pid")" -v b="$c0" 'BEGIN{printf "%.2f", a - b}')" \
    "$(awk -v a="$(c2)" -v b="$k0" 'BEGIN{printf "%.2f", a - b}')" >>"$tsv"
  say "$(tail -1 "$tsv")"
}

for i in $(seq 1 "$runs"); do
  rm -rf "$work/o-images"
  timed images "forkline daemon" "$i" 200 "$root/forkline" run "$work/image-filter.yaml" --progress none
done
for i in $(seq 1 "$runs"); do
  rm -rf "$work/o-pages"
  timed scrape "forkline daemon" "$i" 2000 "$root/forkline" run "$work/url-scrape.yaml" --progress none
done
# The same warm daemon on one element, three times each: its fixed cost, for the steady rate
mkdir -p "$work/images-1"
cp "$img/img-0000.jpg" "$work/images-1/"
head -1 "$work/urls.txt" >"$work/urls-1.txt"
for i in 1 2 3; do
  rm -rf "$work/o-images-1" "$work/o-pages-1"
  timed images "forkline daemon, one element" "$i" 1 "$root/forkline" run "$work/image-filter.yaml" \
    --progress none --set "input=$work/images-1" --set "output=$work/o-images-1"
  timed scrape "forkline daemon, one element" "$i" 1 "$root/forkline" run "$work/url-scrape.yaml" \
    --progress none --set "input=$work/urls-1.txt" --set "output=$work/o-pages-1"
done
kill "$pid" 2>/dev/null || true
if [ -x "$py" ] && "$py" -c 'import PIL' 2>/dev/null; then
  for i in 1 2 3; do
    rm -rf "$work/o-pillow"
    /usr/bin/time -f '%e' -o "$work/t" "$py" "$root/bench/peers/pillow_mp.py" "$img" "$work/o-pillow" "$cores" >/dev/null 2>&1
    printf 'images\tPillow + multiprocessing.Pool(%s)\t%s\t%s\t%s\t-\t-\n' "$cores" "$i" "$(tail -1 "$work/t")" \
      "$(awk -v w="$(tail -1 "$work/t")" 'BEGIN{printf "%.1f", 200 / w}')" >>"$tsv"
  done
fi
if [ -x "$py" ] && "$py" -c 'import requests' 2>/dev/null; then
  for i in 1 2 3; do
    /usr/bin/time -f '%e' -o "$work/t" "$py" "$root/bench/peers/py_threads.py" "$work/urls.txt" "$work/py.jsonl" 64 >/dev/null 2>&1
    printf 'scrape\tPython ThreadPoolExecutor(64) + requests\t%s\t%s\t%s\t-\t-\n' "$i" "$(tail -1 "$work/t")" \
      "$(awk -v w="$(tail -1 "$work/t")" 'BEGIN{printf "%.1f", 2000 / w}')" >>"$tsv"
  done
fi
column -t -s $'\t' "$tsv"
# Steady rate of the last five runs: (N - 1) / (median wall of N - median wall of one element)
awk -F'\t' -v runs="$runs" '
  function median(a, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  $2 == "forkline daemon" && $3 > runs - 5 { big[$1, ++nb[$1]] = $4 }
  $2 == "forkline daemon, one element" { one[$1, ++no[$1]] = $4 }
  END {
    split("images scrape", tasks, " ")
    for (k = 1; k <= 2; k++) {
      t = tasks[k]; n = (t == "images" ? 200 : 2000)
      delete a; for (i = 1; i <= nb[t]; i++) a[i] = big[t, i]; w = median(a, nb[t])
      delete a; for (i = 1; i <= no[t]; i++) a[i] = one[t, i]; f = median(a, no[t])
      if (w > f && f > 0) {
        rate = (n - 1) / (w - f)
        printf "%s: runs %d to %d, median %.2f s; one element %.2f s; steady %.0f/s", t, runs - 4, runs, w, f, rate
        if (t == "scrape") printf " (%.0f %% of the Little'"'"'s-law bound, 64 / 0.05 s = 1,280/s)", 100 * rate / 1280
        printf "\n"
      }
    }
  }' "$tsv"
say "wrote $tsv"
