#!/usr/bin/env python3
"""Turns bench/many-hosts.sh's runs and the demo site's access log into Markdown: per case and
tool, the whole command's wall time against the politeness bound, pages/s, when the fast hosts'
and the slow host's last pages were answered (from the site's log, the same record for every
tool), the shortest gap between two page requests to one host, CPU and peak RSS.

    many-hosts-report.py runs.tsv access.log HOSTS PAGES DELAY FAST SLOW_HOST SLOW_PAGES
                         SLOW_DELAY THREADS LATENCY_MS COMMAND

Several runs of a case: the median, and the range in brackets.
"""
import csv
import statistics
import sys
from collections import defaultdict


def read_log(path):
    lines = []
    with open(path) as f:
        for raw in f:
            parts = raw.split()
            if len(parts) == 5:
                lines.append((float(parts[0]), parts[1], parts[2], int(parts[3]), int(parts[4])))
    return lines


def fmt(values, digits=1):
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    m = statistics.median(values)
    if len(values) == 1 or max(values) - min(values) < 10 ** -digits:
        return f"{m:.{digits}f}"
    return f"{m:.{digits}f} ({min(values):.{digits}f} to {max(values):.{digits}f})"


def main():
    tsv, log_path = sys.argv[1], sys.argv[2]
    hosts, pages, delay, fast = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
    slow_host, slow_pages, slow_delay = sys.argv[7], int(sys.argv[8]), float(sys.argv[9])
    threads, latency_ms, command = int(sys.argv[10]), int(sys.argv[11]), sys.argv[12]
    log = read_log(log_path)
    runs = list(csv.DictReader(open(tsv), delimiter="\t"))

    bound_fast = (pages - 1) * delay
    bound_slow = (slow_pages - 1) * slow_delay
    cases = {
        "one": ("1 URL (start-up)", 0.0),
        "grouped": (f"grouped: {hosts} hosts x {pages} pages, host by host", bound_fast),
        "shuffled": (f"shuffled: the same {hosts * pages} URLs, shuffled", bound_fast),
        "fast": (f"fast alone: {fast} hosts x {pages} pages, grouped", bound_fast),
        "mix": (
            f"mix: the {fast} fast hosts + {slow_host} ({slow_pages} pages at {slow_delay:g} s), slow host first",
            max(bound_fast, bound_slow),
        ),
    }

    measured = defaultdict(list)  # (case, tool) -> [dict]
    for r in runs:
        lo, hi = int(r["from_line"]), int(r["to_line"])
        start = float(r["start"])
        page_lines = [l for l in log[lo:hi] if l[2].startswith("/p/")]
        by_host = defaultdict(list)
        for t, host, path, status, ms in page_lines:
            by_host[host].append(t)
        fast_end = [t + ms / 1000 - start for t, h, p, s, ms in page_lines if h != slow_host]
        slow_end = [t + ms / 1000 - start for t, h, p, s, ms in page_lines if h == slow_host]
        gaps = []
        for host, ts in by_host.items():
            ts.sort()
            gaps += [b - a for a, b in zip(ts, ts[1:])]
        measured[(r["case"], r["tool"])].append({
            "wall": float(r["wall_s"]),
            "cpu": float(r["cpu_s"]),
            "rss": int(r["peak_rss_kb"]) / 1024,
            "urls": int(r["urls"]),
            "ok": r["ok"],
            "failed": r["failed"],
            "status": r["status"],
            "served": sum(1 for l in page_lines if l[3] == 200),
            "fast_done": max(fast_end) if fast_end else None,
            "slow_done": max(slow_end) if slow_end else None,
            "min_gap": min(gaps) if gaps else None,
        })

    tools = sorted({t for _, t in measured}, key=lambda t: (t != "forkline", t))
    startup = {t: statistics.median(m["wall"] for m in measured[("one", t)]) if measured[("one", t)] else 0.0
               for t in tools}
    nruns = max((len(v) for v in measured.values()), default=0)

    out = []
    out.append("# Many hosts: politeness\n")
    out.append(f"Command: `{command}`\n")
    out.append(
        f"Each host gets one request at a time and {delay:g} s between the starts of its requests"
        f" (forkline `per-host: 1`, `delay: {delay:g}s`; Scrapy `CONCURRENT_REQUESTS_PER_DOMAIN=1`,"
        f" `DOWNLOAD_DELAY={delay:g}`, `RANDOMIZE_DOWNLOAD_DELAY=False`), {threads} requests in flight"
        f" at most (forkline `stages.fetch.threads: {threads}`, Scrapy `CONCURRENT_REQUESTS={threads}`),"
        f" robots.txt obeyed, one retry, the demo site's pages (~20 KB) with {latency_ms} ms latency on"
        f" 127.0.0.1 to 127.0.0.N, one port. The bound of a host with P pages is (P - 1) x delay."
        f" Start-up = the tool's 1-URL run; target = 1.2 x bound + start-up; x bound ="
        f" (wall - start-up) / bound. Fast / slow done: when the last page of the fast hosts / the slow"
        f" host was answered, from the demo site's log, seconds after the command started. Min gap: the"
        f" shortest time between two page requests to one host. {nruns} run(s) each: median (range).\n")
    out.append("| case | tool | bound s | start-up s | target s | wall s | x bound | pages/s | fast done s"
               " | slow done s | min gap s | CPU s | peak RSS MB | ok / failed |")
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for case, (title, bound) in cases.items():
        for t in tools:
            ms = measured.get((case, t))
            if not ms:
                continue
            walls = [m["wall"] for m in ms]
            if case == "one":
                xb, target, met = "-", "-", ""
            else:
                target_s = 1.2 * bound + startup[t]
                xb = fmt([(w - startup[t]) / bound for w in walls], 2) if bound > 0 else "-"
                target = f"{target_s:.1f}"
                met = " (met)" if statistics.median(walls) <= target_s else ""
            okf = ", ".join(sorted({f"{m['ok']} / {m['failed']}" + ("" if m["status"] == "ok" else " exit!=0")
                                    for m in ms}))
            out.append(
                f"| {title} | {t} | {bound:.1f} | {startup[t]:.2f} | {target} | {fmt(walls)}{met} | {xb}"
                f" | {fmt([m['urls'] / m['wall'] for m in ms])} | {fmt([m['fast_done'] for m in ms])}"
                f" | {fmt([m['slow_done'] for m in ms])} | {fmt([m['min_gap'] for m in ms], 2)}"
                f" | {fmt([m['cpu'] for m in ms])} | {fmt([m['rss'] for m in ms], 0)} | {okf} |")
    out.append("")
    for t in tools:
        f, x = measured.get(("fast", t)), measured.get(("mix", t))
        if f and x:
            fd = statistics.median(m["fast_done"] for m in f if m["fast_done"] is not None)
            xd = statistics.median(m["fast_done"] for m in x if m["fast_done"] is not None)
            out.append(f"- {t}: the slow host cost the fast hosts {xd - fd:+.1f} s"
                       f" (fast hosts done at {xd:.1f} s with it, {fd:.1f} s alone; their bound"
                       f" {bound_fast:.1f} s, the slow host's {bound_slow:.1f} s).")
    print("\n".join(out))


if __name__ == "__main__":
    main()
