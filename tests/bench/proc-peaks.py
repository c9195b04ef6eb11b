#!/usr/bin/env python3
"""proc-peaks.py OUT -- COMMAND...: runs COMMAND, and writes to OUT the peak
memory of each mailhunt process it starts; exits as COMMAND exits.

GNU time gives one peak for a whole process tree (the largest process in
it), so a scan with workers cannot tell the parent, which holds the thread
index of everything read, from its workers, which must stay flat.  This
follows the processes descended from COMMAND (/proc/PID/task/*/children)
every 50 ms until it ends, and keeps each one's VmHWM (the kernel's own
peak of its resident memory: sampling misses only growth in a process's
last 50 ms).  Python has started before COMMAND starts, and reading /proc
costs well under 1 % of a CPU.

The first process named mailhunt is the scan (with --jobs 1, the only
one); the mailhunt processes it forks are its workers; processes forked by
workers (libpst readers) are helpers.  OUT gets one JSON object, sizes in
KiB.
"""
import json
import os
import subprocess
import sys
import time


def children(pid):
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children") as f:
                    out += [int(x) for x in f.read().split()]
            except OSError:
                pass
    except OSError:
        pass
    return out


def status(pid):
    """(name, VmHWM in KiB) or None when the process is gone."""
    try:
        name, hwm = None, None
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("Name:"):
                    name = line.split(None, 1)[1].strip()
                elif line.startswith("VmHWM:"):
                    hwm = int(line.split()[1])
        return (name, hwm) if hwm is not None else None
    except OSError:
        return None


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit("usage: proc-peaks.py OUT -- COMMAND...")
    out = sys.argv[1]
    child = subprocess.Popen(sys.argv[3:])
    root = child.pid
    peak = {}      # pid -> KiB
    role = {}      # pid -> scan, worker, helper
    while child.poll() is None:
        # the tree, parents before children
        todo, seen = [(root, None)], []
        while todo:
            pid, parent = todo.pop()
            seen.append((pid, parent))
            todo += [(c, pid) for c in children(pid)]
        for pid, parent in seen:
            st = status(pid)
            if not st or st[0] != "mailhunt":
                continue
            if pid not in role:
                if "scan" not in role.values():
                    role[pid] = "scan"
                else:
                    role[pid] = "worker" if role.get(parent) == "scan" else "helper"
            peak[pid] = max(peak.get(pid, 0), st[1])
        time.sleep(0.05)
    by = {r: sorted((peak[p] for p in peak if role[p] == r), reverse=True)
          for r in ("scan", "worker", "helper")}
    with open(out, "w") as f:
        json.dump({"scan_kb": by["scan"][0] if by["scan"] else None,
                   "worker_kb": by["worker"][0] if by["worker"] else None,
                   "workers": len(by["worker"]), "worker_peaks_kb": by["worker"][:16],
                   "helper_kb": by["helper"][0] if by["helper"] else None}, f)
        f.write("\n")
    rc = child.returncode
    sys.exit(rc if rc >= 0 else 128 - rc)


if __name__ == "__main__":
    main()
