#!/usr/bin/env bash
# forkline against the tools users would otherwise use, on the same inputs and the same machine,
# run back to back, reported as ratios. One command:
#
#   bash bench/compare.sh [--quick] [--out DIR] [--no-install]
#
#   image batch   N 1920x1080 JPEGs (made by `forkline bench --make-images`), chain: auto-orient,
#                 resize to 800 px wide (lanczos3), sharpen (sigma 0.8, amount 0.6), JPEG q85
#                 forkline (transform on processes, and on threads; each started cold, and run
#                 by a warm daemon, FORKLINE_DAEMON=1) vs ImageMagick (mogrify, and
#                 convert under GNU parallel), libvips (vipsthumbnail + vips sharpen under GNU
#                 parallel), a libvips batch (bench/peers/vips_batch.c: one process per core,
#                 each through its share of the files), Pillow + multiprocessing.Pool
#   camera        60 photo-like JPEGs of 4000x2880 (11.5 MP), the same chain: forkline on
#                 processes and threads, the libvips batch, Pillow + multiprocessing.Pool
#   camera-icc    the same photos with an Adobe RGB ICC profile (bench/embed_icc.py), converted
#                 to sRGB by every tool
#   scrape        M ~20 KB pages from a local server (`forkline demo-site`, 50 ms latency), C in
#                 flight to one host: forkline vs ThreadPoolExecutor + requests vs Scrapy
#   libvips task  the public libvips benchmark: load a large TIFF, crop 100 px from each edge,
#                 shrink by 10 %, 3x3 sharpen, save; time and peak memory per tool
#
# Each tool runs on the whole input and on one element: "fixed" is the one-element run's wall
# time (interpreter or JVM start, pools), "steady/s" = (N - 1) / (wall(N) - wall(1)). Wall time,
# CPU time (user + sys) and the largest single process's peak RSS come from GNU time; the peak of
# all the command's processes together from bench/tree_rss.py (sampled every 50 ms). Missing
# peers are installed from Debian's packages (root) or skipped with a note. Results:
# DIR/compare.md and DIR/compare.tsv.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=bench/common.sh
. "$root/bench/common.sh"
out="$root/out/compare"
quick=0
install=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --out) out="$(mkdir -p "$2" && cd "$2" && pwd)"; shift ;;
    --no-install) install=0 ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ "$quick" = 1 ]; then
  images=24; urls=400; tiff=2500; camera=8
else
  images=200; urls=2000; tiff=5000; camera=60
fi
camera_size=4000x2880
conc=64
latency_ms=50
port="${BENCH_PORT:-8099}"
cores="$(nproc)"
py=/usr/bin/python3 # Debian's python: where python3-pil, -requests and -scrapy install
mkdir -p "$out"
work="$out/work"
rm -rf "$work"
mkdir -p "$work"
tsv="$out/compare.tsv"
notes="$out/notes.txt"
: >"$notes"
printf 'task\ttool\tn\twall_s\tcpu_s\tpeak_rss_kb\tper_s\tfixed_s\tsteady_per_s\tstatus\ttree_rss_kb\n' >"$tsv"

say() { echo "compare: $*" >&2; }
note() { say "$*"; echo "- $*" >>"$notes"; }

# ---- peers -------------------------------------------------------------------------------
if [ "$install" = 1 ]; then
  missing=()
  for pkg in imagemagick libvips-tools libvips-dev gcc pkg-config parallel python3-pil python3-requests python3-scrapy time; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]} from Debian's packages"
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq >/dev/null 2>&1 || true
      for pkg in "${missing[@]}"; do
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null 2>&1 \
          || note "could not install $pkg: the tools it brings are skipped"
      done
    else
      note "not root: cannot install ${missing[*]}; the tools they bring are skipped"
    fi
  fi
fi
have() { command -v "$1" >/dev/null 2>&1; }
pyhas() { [ -x "$py" ] && "$py" -c "import $1" >/dev/null 2>&1; }
# The libvips batch peer (bench/peers/vips_batch.c), built against the machine's libvips-dev.
vips_batch="$work/vips_batch"
if have cc && pkg-config --exists vips 2>/dev/null; then
  # shellcheck disable=SC2046
  cc -O2 -o "$vips_batch" "$root/bench/peers/vips_batch.c" $(pkg-config --cflags --libs vips) \
    2>"$work/vips_batch.build.log" || { note "could not build bench/peers/vips_batch.c (see $work/vips_batch.build.log): the libvips batch is skipped"; rm -f "$vips_batch"; }
else
  note "no libvips-dev (pkg-config vips) or cc: the libvips batch peer is skipped"
fi
# vips_batch_run SRC OUT: one vips_batch per core, each with every cores-th file of SRC
vips_batch_run() {
  local src="$1" dst="$2" i
  mkdir -p "$dst"
  for i in $(seq 0 $((cores - 1))); do
    find "$src" -maxdepth 1 -name '*.jpg' | sort | awk -v c="$cores" -v i="$i" 'NR % c == i' |
      VIPS_CONCURRENCY=1 "$vips_batch" "$dst" 800 0.8 0.6 85 &
  done
  wait
}
[ -x /usr/bin/time ] || { echo "compare.sh: GNU time (/usr/bin/time) is needed: apt-get install time" >&2; exit 2; }

# ---- measuring -----------------------------------------------------------------------------
# run TASK TOOL N CMD...: runs CMD under GNU time, appends a line to the TSV (without the fixed and
# steady columns, which finish() fills in from the one-element run).
run() {
  local task="$1" tool="$2" n="$3"
  shift 3
  local tf="$work/time.$$" log="$work/log-${task}-${tool//[ /]/_}-$n.txt" status=ok tpid spid tree
  /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" >"$log" 2>&1 &
  tpid=$!
  "$py" "$root/bench/tree_rss.py" "$tpid" "$work/tree.$$" &
  spid=$!
  if ! wait "$tpid"; then
    status=failed
    note "$task / $tool (n=$n) failed; its output is in $log"
  fi
  wait "$spid" || true
  tree="$(cat "$work/tree.$$" 2>/dev/null || echo 0)"
  read -r wall user sys rss < <(tail -1 "$tf")
  local cpu per
  cpu="$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u+s}')"
  per="$(awk -v n="$n" -v w="$wall" 'BEGIN{printf "%.2f", (w>0 ? n/w : 0)}')"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t-\t-\t%s\t%s\n' "$task" "$tool" "$n" "$wall" "$cpu" "$rss" "$per" "$status" "$tree" >>"$tsv"
  say "$task / $tool: n=$n wall ${wall}s cpu ${cpu}s peak ${rss} kB (all processes ${tree} kB) -> $per/s ($status)"
}

# The daemon (FORKLINE_DAEMON=1): the client's command alone does not show the daemon's work, so
# run_daemon adds the daemon's CPU time over the run (its own, its live worker JVMs' and its
# finished ones') to the line, and takes the daemon's peak RSS since it started when larger.
run_daemon() { # run_daemon TASK TOOL N CMD...
  local pid before after hwm
  pid="$(daemon_pid "$root")"
  if [ -z "$pid" ]; then
    note "$1 / $2: no forkline daemon is running for $(pwd -P); skipped"
    return
  fi
  before="$(proc_cpu "$pid")"
  FORKLINE_DAEMON=1 run "$@"
  after="$(proc_cpu "$pid" 2>/dev/null || echo "$before")"
  hwm="$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)"
  awk -F'\t' -v OFS='\t' -v add="$(awk -v a="$after" -v b="$before" 'BEGIN{print a-b}')" -v hwm="$hwm" \
    'NR == n { $5 = sprintf("%.2f", $5 + add); if (hwm + 0 > $6 + 0) $6 = hwm } { print }' \
    n="$(wc -l <"$tsv")" "$tsv" >"$tsv.tmp" && mv "$tsv.tmp" "$tsv"
}
# start_daemon CONFIG INPUT: one untimed run of the pipeline on the whole input starts the daemon
# and warms it, as a user's earlier run of the day would (the worker JVMs it keeps are those of the
# config's own executor: processes)
start_daemon() {
  FORKLINE_DAEMON=1 "$root/forkline" run "$1" --progress none --set "input=$2" \
    --set "output=$work/warm-up-daemon" >/dev/null 2>&1 || true
}

# check_count DIR N: the tool wrote N files
check_count() {
  local got
  got="$(find "$1" -type f -name '*.jpg' 2>/dev/null | wc -l || true)"
  [ "$got" = "$2" ] || note "expected $2 outputs in $1, found $got"
}

# ---- inputs --------------------------------------------------------------------------------
say "building forkline and making the inputs ($images images, $urls pages)"
"$root/forkline" bench --make-images "$images" --make-site "$urls" --out "$out" >/dev/null
img="$out/data/images"
img1="$work/images-1"
mkdir -p "$img1"
cp "$img/img-0000.jpg" "$img1/"
site="$out/data/site"

image_config "$work/image-filter.yaml" "$img" "$work/o" "$cores"

# Untimed: the first `forkline run` after a build records the class-data-sharing archive (several
# seconds at exit); a user pays that once, not per batch.
"$root/forkline" run "$work/image-filter.yaml" --progress none --set "input=$img1" \
  --set "output=$work/warm-up" >/dev/null 2>&1 || true

start_daemon "$work/image-filter.yaml" "$img"

# ---- image batch ---------------------------------------------------------------------------
images_task() { # images_task N SRC
  local n="$1" src="$2" d
  d="$work/img-forkline-processes-$n"
  run images "forkline (processes)" "$n" "$root/forkline" run "$work/image-filter.yaml" --progress none \
    --set "input=$src" --set "output=$d"
  [ "$n" = 1 ] || check_count "$d/images" "$n"
  d="$work/img-forkline-threads-$n"
  run images "forkline (threads)" "$n" "$root/forkline" run "$work/image-filter.yaml" --progress none \
    --set "input=$src" --set "output=$d" --set stages.transform.executor=threads \
    --set "stages.transform.threads=$cores"
  [ "$n" = 1 ] || check_count "$d/images" "$n"
  d="$work/img-forkline-daemon-processes-$n"
  run_daemon images "forkline daemon (processes)" "$n" "$root/forkline" run "$work/image-filter.yaml" \
    --progress none --set "input=$src" --set "output=$d"
  [ "$n" = 1 ] || check_count "$d/images" "$n"
  d="$work/img-forkline-daemon-threads-$n"
  run_daemon images "forkline daemon (threads)" "$n" "$root/forkline" run "$work/image-filter.yaml" \
    --progress none --set "input=$src" --set "output=$d" --set stages.transform.executor=threads \
    --set "stages.transform.threads=$cores"
  [ "$n" = 1 ] || check_count "$d/images" "$n"
  if have mogrify; then
    d="$work/img-mogrify-$n"; mkdir -p "$d"
    run images "ImageMagick mogrify (OpenMP)" "$n" mogrify -path "$d" -auto-orient -filter Lanczos \
      -resize 800x -unsharp 0x0.8+0.6+0 -quality 85 -strip "$src"/*.jpg
    [ "$n" = 1 ] || check_count "$d" "$n"
    if have parallel; then
      d="$work/img-convert-$n"; mkdir -p "$d"
      run images "ImageMagick convert x parallel -j$cores" "$n" env MAGICK_THREAD_LIMIT=1 parallel -j"$cores" \
        convert {} -auto-orient -filter Lanczos -resize 800x -unsharp 0x0.8+0.6+0 -quality 85 -strip \
        "$d/{/}" ::: "$src"/*.jpg
      [ "$n" = 1 ] || check_count "$d" "$n"
    fi
  fi
  if have vipsthumbnail && have vips && have parallel; then
    d="$work/img-vips-$n"; mkdir -p "$d/tmp"
    # vipsthumbnail: auto-rotate, shrink-on-load, lanczos3 to 800 px wide; then vips sharpen
    # (an unsharp mask on L*: sigma 0.8, slope 0.6 everywhere) and JPEG Q85.
    run images "libvips (vipsthumbnail + vips sharpen) x parallel -j$cores" "$n" env VIPS_CONCURRENCY=1 \
      parallel -j"$cores" "vipsthumbnail {} --size 800x -o '$d/tmp/%s.v' && vips sharpen '$d/tmp/{/.}.v' \
'$d/{/.}.jpg[Q=85,strip]' --sigma 0.8 --x1 0 --m1 0.6 --m2 0.6 && rm '$d/tmp/{/.}.v'" ::: "$src"/*.jpg
    [ "$n" = 1 ] || check_count "$d" "$n"
  fi
  if [ -x "$vips_batch" ]; then
    d="$work/img-vips-batch-$n"
    run images "libvips batch ($cores processes)" "$n" bash -c \
      "$(declare -f vips_batch_run); cores=$cores vips_batch=$vips_batch vips_batch_run '$src' '$d'"
    [ "$n" = 1 ] || check_count "$d" "$n"
  fi
  if pyhas PIL; then
    d="$work/img-pillow-$n"
    run images "Pillow + multiprocessing.Pool($cores)" "$n" "$py" "$root/bench/peers/pillow_mp.py" "$src" "$d" "$cores"
    [ "$n" = 1 ] || check_count "$d" "$n"
  fi
}

# Camera-size photos: forkline on both executors, cold, against the libvips batch and Pillow.
camera_task() { # camera_task TASK N SRC
  local task="$1" n="$2" src="$3" d
  d="$work/$task-forkline-processes-$n"
  run "$task" "forkline (processes)" "$n" "$root/forkline" run "$work/image-filter.yaml" --progress none \
    --set "input=$src" --set "output=$d"
  [ "$n" = 1 ] || check_count "$d/images" "$n"
  d="$work/$task-forkline-threads-$n"
  run "$task" "forkline (threads)" "$n" "$root/forkline" run "$work/image-filter.yaml" --progress none \
    --set "input=$src" --set "output=$d" --set stages.transform.executor=threads \
    --set "stages.transform.threads=$cores"
  [ "$n" = 1 ] || check_count "$d/images" "$n"
  d="$work/$task-forkline-daemon-threads-$n"
  run_daemon "$task" "forkline daemon (threads)" "$n" "$root/forkline" run "$work/image-filter.yaml" \
    --progress none --set "input=$src" --set "output=$d" --set stages.transform.executor=threads \
    --set "stages.transform.threads=$cores"
  [ "$n" = 1 ] || check_count "$d/images" "$n"
  if [ -x "$vips_batch" ]; then
    d="$work/$task-vips-batch-$n"
    run "$task" "libvips batch ($cores processes)" "$n" bash -c \
      "$(declare -f vips_batch_run); cores=$cores vips_batch=$vips_batch vips_batch_run '$src' '$d'"
    [ "$n" = 1 ] || check_count "$d" "$n"
  fi
  if pyhas PIL; then
    d="$work/$task-pillow-$n"
    run "$task" "Pillow + multiprocessing.Pool($cores)" "$n" "$py" "$root/bench/peers/pillow_mp.py" "$src" "$d" "$cores"
    [ "$n" = 1 ] || check_count "$d" "$n"
  fi
}
have mogrify || note "ImageMagick (mogrify/convert) not available: skipped"
{ have vipsthumbnail && have parallel; } || note "libvips-tools or GNU parallel not available: libvips skipped"
pyhas PIL || note "Pillow (python3-pil) not available: skipped"
images_task 1 "$img1"
images_task "$images" "$img"
say "making $camera camera-size photos (${camera_size})"
"$root/forkline" bench --make-images "$camera" --image-size "$camera_size" --out "$out/camera" >/dev/null
cam="$out/camera/data/images"
cam1="$work/camera-1"
mkdir -p "$cam1"
cp "$cam/img-0000.jpg" "$cam1/"
camera_task camera 1 "$cam1"
camera_task camera "$camera" "$cam"
# The same photos with an Adobe RGB profile, as many cameras embed: every tool converts to sRGB.
icc=/usr/share/color/icc/ghostscript/a98.icc
if [ -f "$icc" ]; then
  "$py" "$root/bench/embed_icc.py" "$icc" "$cam" "$out/camera-icc" >/dev/null
  mkdir -p "$work/camera-icc-1"
  cp "$out/camera-icc/img-0000.jpg" "$work/camera-icc-1/"
  camera_task camera-icc 1 "$work/camera-icc-1"
  camera_task camera-icc "$camera" "$out/camera-icc"
else
  note "no $icc (Debian's ghostscript): the camera set with an ICC profile skipped"
fi

# ---- scrape --------------------------------------------------------------------------------
say "serving $site on 127.0.0.1:$port with ${latency_ms} ms latency"
serve_site "$root" "$site" "$port" "$latency_ms" "$work/site.log" "$work/urls.txt"
head -1 "$work/urls.txt" >"$work/urls-1.txt"
# warm the server's JIT and the page cache: every page once, not timed
"$py" - "$work/urls.txt" <<'EOF' >/dev/null 2>&1 || true
import concurrent.futures, sys, urllib.request
urls = [u.strip() for u in open(sys.argv[1])]
with concurrent.futures.ThreadPoolExecutor(64) as p:
    list(p.map(lambda u: urllib.request.urlopen(u).read(), urls))
EOF

scrape_config "$work/url-scrape.yaml" "$work/urls.txt" "$work/s" "$conc" \
  "{executor: processes, workers: $cores, heap: 256m}"

scrape_task() { # scrape_task N LIST
  local n="$1" list="$2"
  run scrape "forkline (parse on processes)" "$n" "$root/forkline" run "$work/url-scrape.yaml" --progress none \
    --set "input=$list" --set "output=$work/s-forkline-processes-$n"
  run scrape "forkline (parse on threads)" "$n" "$root/forkline" run "$work/url-scrape.yaml" --progress none \
    --set "input=$list" --set "output=$work/s-forkline-threads-$n" --set stages.parse.executor=threads \
    --set "stages.parse.threads=$cores"
  run_daemon scrape "forkline daemon (parse on processes)" "$n" "$root/forkline" run "$work/url-scrape.yaml" \
    --progress none --set "input=$list" --set "output=$work/s-forkline-daemon-processes-$n"
  run_daemon scrape "forkline daemon (parse on threads)" "$n" "$root/forkline" run "$work/url-scrape.yaml" \
    --progress none --set "input=$list" --set "output=$work/s-forkline-daemon-threads-$n" \
    --set stages.parse.executor=threads --set "stages.parse.threads=$cores"
  if pyhas requests; then
    run scrape "Python ThreadPoolExecutor($conc) + requests" "$n" "$py" "$root/bench/peers/py_threads.py" \
      "$list" "$work/s-threads-$n.jsonl" "$conc"
  fi
  if pyhas scrapy; then
    run scrape "Scrapy (CONCURRENT_REQUESTS=$conc)" "$n" "$py" "$root/bench/peers/scrapy_bench.py" \
      "$list" "$work/s-scrapy-$n.jsonl" "$conc"
  fi
}
pyhas requests || note "python3-requests not available: Python threads skipped"
pyhas scrapy || note "python3-scrapy not available: Scrapy skipped"
# untimed, as for the images: the first scrape run after a build records its class-data archive
"$root/forkline" run "$work/url-scrape.yaml" --progress none --set "input=$work/urls-1.txt" \
  --set "output=$work/warm-up-scrape" >/dev/null 2>&1 || true
start_daemon "$work/url-scrape.yaml" "$work/urls.txt"
scrape_task 1 "$work/urls-1.txt"
scrape_task "$urls" "$work/urls.txt"
kill "$site_pid" 2>/dev/null || true

# ---- the libvips benchmark task ------------------------------------------------------------
tif="$work/big.tif"
if have vips; then
  vips resize "$img/img-0000.jpg" "$work/big.v" "$(awk -v t="$tiff" 'BEGIN{print t/1920}')" \
    --vscale "$(awk -v t="$tiff" 'BEGIN{print t/1080}')" >/dev/null
  vips copy "$work/big.v" "$tif" >/dev/null
  rm -f "$work/big.v"
elif have convert; then
  convert "$img/img-0000.jpg" -resize "${tiff}x${tiff}!" -compress none "$tif"
fi
if [ -f "$tif" ]; then
  w="$tiff"; h="$tiff"
  cw=$((w - 200)); ch=$((h - 200))
  cat >"$work/libvips-task.yaml" <<EOF
pipeline: image-filter
input: $work/tif-in
output: $work/t
image-filter:
  include: ["**.tif"]
  auto-orient: false
  filters:
    - crop: {x: 100, y: 100, width: $cw, height: $ch}
    - resize: {scale: 0.9, method: bilinear}
    - convolve: {kernel: "-1 -1 -1; -1 16 -1; -1 -1 -1", divisor: 8}
  format: tiff
  metadata: strip
stages:
  read: {executor: inline}
  transform: {executor: inline, heap: 4g}
  write: {executor: inline}
EOF
  mkdir -p "$work/tif-in"
  ln -f "$tif" "$work/tif-in/big.tif"
  run libvips-task "forkline (inline, one element)" 1 env FORKLINE_JAVA_OPTS=-Xmx4g "$root/forkline" run \
    "$work/libvips-task.yaml" --progress none --set "output=$work/t-forkline"
  if have vips; then
    printf '3 3 8 0\n-1 -1 -1\n-1 16 -1\n-1 -1 -1\n' >"$work/mask.mat"
    run libvips-task "libvips (vips CLI, 3 commands)" 1 sh -c "vips crop '$tif' '$work/t1.v' 100 100 $cw $ch \
      && vips resize '$work/t1.v' '$work/t2.v' 0.9 --kernel linear \
      && vips conv '$work/t2.v' '$work/t-vips.tif' '$work/mask.mat' --precision integer \
      && rm -f '$work/t1.v' '$work/t2.v'"
  fi
  if have convert; then
    run libvips-task "ImageMagick convert" 1 convert "$tif" -crop "${cw}x${ch}+100+100" +repage -resize 90% \
      -morphology Convolve '3x3: -0.125,-0.125,-0.125 -0.125,2,-0.125 -0.125,-0.125,-0.125' "$work/t-im.tif"
  fi
  if pyhas PIL; then
    run libvips-task "Pillow" 1 "$py" "$root/bench/peers/libvips_task.py" "$tif" "$work/t-pil.tif"
  fi
else
  note "neither vips nor convert to make the large TIFF: libvips task skipped"
fi

# ---- report --------------------------------------------------------------------------------
# the daemon this script started is not left running
dpid="$(daemon_pid "$root")"
[ -z "$dpid" ] || kill "$dpid" 2>/dev/null || true

"$py" "$root/bench/report.py" "$tsv" "$notes" "$images" "$urls" "$conc" "$latency_ms" "$tiff" \
  "bash bench/compare.sh$([ "$quick" = 1 ] && echo ' --quick')" "$camera" "$camera_size" >"$out/compare.md"
cat "$out/compare.md"
say "wrote $out/compare.md and $tsv"
