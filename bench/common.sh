# What the bench scripts share (sourced by compare.sh and daemon-runs.sh): the pipeline configs
# they run, so both measure the same work, the local web server they scrape, and how they find a
# forkline daemon and count its CPU time.

# image_config FILE INPUT OUTPUT WORKERS: auto-orient, 800 px wide lanczos3, sharpen, JPEG q85;
# the transform on processes (WORKERS worker JVMs), read and write on threads
image_config() {
  cat >"$1" <<EOF
pipeline: image-filter
input: $2
output: $3
image-filter:
  include: ["**.jpg"]
  auto-orient: true
  filters:
    - resize: {width: 800, method: lanczos3}
    - sharpen: {sigma: 0.8, amount: 0.6}
  format: jpeg
  quality: 85
  metadata: strip
stages:
  read: {executor: threads, threads: 8}
  transform: {executor: processes, workers: $4, heap: 512m}
  write: {executor: threads, threads: 4}
EOF
}

# scrape_config FILE INPUT OUTPUT IN_FLIGHT PARSE: one host, IN_FLIGHT requests at once, no
# delay, robots.txt off, the first h1 as a column; PARSE is the parse stage's settings as YAML
scrape_config() {
  cat >"$1" <<EOF
pipeline: url-scrape
input: $2
output: $3
url-scrape:
  per-host: $4
  delay: 0s
  robots: false
  extract:
    heading: {css: h1, attr: text}
stages:
  fetch: {executor: threads, threads: $4, timeout: 30s, retries: 1}
  parse: $5
EOF
}

# serve_site ROOT SITE PORT LATENCY_MS LOG URLS: serves SITE with `forkline demo-site` on
# 127.0.0.1:PORT in the background until the calling script exits, waits until it answers, and
# writes the URL of every page under SITE/p to URLS. Exits 3 if the server does not start.
serve_site() {
  "$1/forkline" demo-site "$2" --port "$3" --latency "${4}ms" >"$5" 2>&1 &
  site_pid=$!
  trap 'kill "$site_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    grep -q serving "$5" 2>/dev/null && break
    sleep 0.1
  done
  grep -q serving "$5" || { cat "$5" >&2; echo "bench: the demo site did not start" >&2; exit 3; }
  find "$2/p" -name '*.html' | sort | sed "s#^$2#http://127.0.0.1:$3#" >"$6"
}

# daemon_pid ROOT: the pid of the forkline daemon serving the current folder, or nothing
daemon_pid() {
  FORKLINE_DAEMON=1 "$1/forkline" daemon status 2>/dev/null \
    | awk -v d="$(pwd -P)," '$5 == "folder" && $6 == d { sub(":", "", $4); print $4; exit }'
}

# proc_cpu PID: CPU seconds (user + sys) of the process, its finished children and its live ones
# (a daemon's kept worker JVMs)
proc_cpu() {
  local files=("/proc/$1/stat") child
  for child in $(pgrep -P "$1"); do
    files+=("/proc/$child/stat")
  done
  cat "${files[@]}" 2>/dev/null \
    | awk -v t="$(getconf CLK_TCK)" '{ s += $14 + $15 + $16 + $17 } END { printf "%.2f", s / t }'
}
