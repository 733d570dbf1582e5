#!/usr/bin/env python3
"""Turns bench/compare.sh's TSV into Markdown: per task, each tool's whole-command numbers, its
fixed cost (the one-element run) and steady rate, and forkline's ratio to it.

    report.py compare.tsv notes.txt IMAGES URLS CONCURRENCY LATENCY_MS TIFF_SIZE COMMAND
              [CAMERA_IMAGES CAMERA_SIZE]
"""
import datetime
import os
import sys

tsv, notes_file = sys.argv[1], sys.argv[2]
images, urls, conc, latency_ms, tiff = (int(x) for x in sys.argv[3:8])
command = sys.argv[8]
camera = int(sys.argv[9]) if len(sys.argv) > 9 else 0
camera_size = sys.argv[10] if len(sys.argv) > 10 else ""

rows = []
with open(tsv) as f:
    header = f.readline().rstrip("\n").split("\t")
    for line in f:
        rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))


def mem_total():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1048576
    return 0


def fmt_rate(v):
    return f"{v:,.0f}" if v >= 100 else f"{v:.1f}"


load = open("/proc/loadavg").read().split()[:3]
print("# forkline vs other tools\n")
print(
    f"Measured {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores, "
    f"{mem_total():.0f} GiB memory, load average {', '.join(load)} (at the end). "
    f"Command: `{command}`.\n"
)
print(
    "Whole commands, back to back, on the same inputs: wall time (start-up included), CPU = user +"
    " sys of the command and everything it started, peak = the largest single process's peak RSS"
    " (GNU time; for forkline the driver JVM, or the daemon's since it started, for Pillow one pool"
    " process), *all processes* = the peak of the command's processes together (sampled every"
    " 50 ms; not for daemon runs, whose JVMs are not the command's). *fixed* = wall time"
    " of the same command on one element; *steady/s* = (N - 1) / (wall(N) - wall(1)).\n"
)

titles = {
    "images": f"Image batch: {images} JPEGs 1920x1080 -> auto-orient, 800 px wide lanczos3,"
    " sharpen, JPEG q85",
    "camera": f"Camera-size photos: {camera} JPEGs {camera_size} -> the same chain",
    "camera-icc": f"Camera-size photos with an Adobe RGB profile: {camera} JPEGs {camera_size}, converted to sRGB",
    "scrape": f"Scrape: {urls} pages of ~20 KB, {latency_ms} ms server latency, {conc} in flight"
    f" to one host (Little's-law bound {conc / (latency_ms / 1000):,.0f} pages/s)",
    "libvips-task": f"libvips benchmark task: {tiff}x{tiff} TIFF, crop 100 px each edge, shrink"
    " 10 %, 3x3 sharpen, save TIFF",
}
bound = conc / (latency_ms / 1000)

for task in ["images", "camera", "camera-icc", "scrape", "libvips-task"]:
    task_rows = [r for r in rows if r["task"] == task]
    if not task_rows:
        continue
    n_max = max(int(r["n"]) for r in task_rows)
    big = [r for r in task_rows if int(r["n"]) == n_max]
    one = {r["tool"]: r for r in task_rows if int(r["n"]) == 1}
    print(f"## {titles[task]}\n")
    # the best forkline variant is the reference for ratios: one started cold (its own JVM), and
    # one run by a warm daemon (FORKLINE_DAEMON=1), when the daemon rows are there
    def best(prefix):
        fk = [r for r in big if r["tool"].startswith(prefix) and r["status"] == "ok"]
        return max(fk, key=lambda r: float(r["per_s"])) if fk else None

    ref = best("forkline (")
    dref = best("forkline daemon (")
    refs = [x for x in (ref, dref) if x]
    if task == "libvips-task":
        print("| tool | wall s | CPU s | peak RSS | forkline time / tool time |")
        print("| --- | --- | --- | --- | --- |")
        for r in big:
            ratio = (
                f"{float(ref['wall_s']) / float(r['wall_s']):.2f}"
                if ref and r["status"] == "ok" and float(r["wall_s"]) > 0
                else "-"
            )
            status = "" if r["status"] == "ok" else " (failed)"
            print(
                f"| {r['tool']}{status} | {r['wall_s']} | {r['cpu_s']} |"
                f" {int(r['peak_rss_kb']) / 1024:.0f} MiB | {ratio} |"
            )
        print()
        continue
    unit = "images" if task in ("images", "camera", "camera-icc") else "pages"
    extra = " | steady % of bound" if task == "scrape" else ""
    ratio_heads = " | ".join(
        ("forkline daemon/tool" if x is dref else "forkline/tool") + f" ({unit}/s)" for x in refs
    )
    print(
        f"| tool | wall s | {unit}/s | fixed s | steady {unit}/s | CPU s | peak RSS |"
        f" all processes | {ratio_heads}{extra} |"
    )
    print("| --- " * (8 + len(refs) + (1 if extra else 0)) + "|")
    for r in big:
        o = one.get(r["tool"])
        fixed = float(o["wall_s"]) if o and o["status"] == "ok" else None
        wall = float(r["wall_s"])
        steady = (n_max - 1) / (wall - fixed) if fixed is not None and wall > fixed else None
        per = float(r["per_s"])
        ratios = [f"{float(x['per_s']) / per:.2f}x" if per > 0 else "-" for x in refs]
        status = "" if r["status"] == "ok" else " (failed)"
        cells = [
            f"{r['tool']}{status}",
            r["wall_s"],
            fmt_rate(per),
            f"{fixed:.2f}" if fixed is not None else "-",
            fmt_rate(steady) if steady else "-",
            r["cpu_s"],
            f"{int(r['peak_rss_kb']) / 1024:.0f} MiB",
            (
                f"{int(r['tree_rss_kb']) / 1024:.0f} MiB"
                if r.get("tree_rss_kb", "0").isdigit()
                and int(r["tree_rss_kb"]) > 0
                and "daemon" not in r["tool"]
                else "-"
            ),
            *ratios,
        ]
        if extra:
            cells.append(f"{100 * steady / bound:.0f} %" if steady else "-")
        print("| " + " | ".join(cells) + " |")
    if ref:
        print(f"\nRatios are against the faster forkline variant, {ref['tool']}", end="")
        if dref:
            print(
                f"; with the daemon, against {dref['tool']} (a daemon JVM, as on a"
                " user's later runs with FORKLINE_DAEMON=1: started, and warmed by one untimed"
                " run of the same pipeline on the whole input, before the timed runs; its CPU"
                " time, its worker JVMs' included, and its peak RSS are counted)",
                end="",
            )
        print(".")
    print()

notes = open(notes_file).read().strip()
if notes:
    print("## Notes\n")
    print(notes)
    print()
