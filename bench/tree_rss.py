#!/usr/bin/env python3
"""The peak of the summed RSS of a process and all its descendants, sampled every 50 ms until it
exits: what a run costs in memory when it starts worker processes (GNU time gives the largest
single process only). Writes the peak in kB to OUT.

    tree_rss.py PID OUT
"""
import os
import sys
import time

pid, out = int(sys.argv[1]), sys.argv[2]


def tree_rss(root):
    children = {}
    rss = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/statm") as f:
                pages = int(f.read().split()[1])
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE") // 1024
    total, todo = 0, [root]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


peak = 0
while os.path.exists(f"/proc/{pid}"):
    peak = max(peak, tree_rss(pid))
    time.sleep(0.05)
with open(out, "w") as f:
    f.write(f"{peak}\n")
