# The pipeline configs the bench scripts run (sourced by compare.sh and daemon-runs.sh), so both
# measure the same work.

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
