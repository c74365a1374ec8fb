"""Times whole commands, alternating them round by round so that they all see the
same machine conditions, and reports median, min and max wall time and peak RSS.

Usage: measure.py ROUNDS SLOW_ROUNDS SPEC.json [GNU_TIME]  (SPEC: [{"name", "argv", "env", "slow"}])
Prints a JSON list of results on stdout. Each timed run is one posix_spawn + wait4,
so the harness adds the same small constant to every command. Peak RSS is taken
from GNU time (`%M`) in separate runs: a child spawned by Python inherits Python's
own resident-set high-water mark, which would hide the command's.
"""
import json
import os
import statistics
import sys
import tempfile
import time


def run_once(argv, env):
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        t0 = time.perf_counter_ns()
        pid = os.posix_spawn(
            argv[0],
            argv,
            env,
            file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)],
        )
        _, status, usage = os.wait4(pid, 0)
        elapsed_ms = (time.perf_counter_ns() - t0) / 1e6
    finally:
        os.close(devnull)
    return elapsed_ms, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def peak_rss_mb(time_bin, argv, env, runs):
    """Largest maximum resident set size over a few runs, measured by GNU time."""
    peak = 0.0
    with tempfile.NamedTemporaryFile() as out:
        for _ in range(runs):
            run_once([time_bin, "-f", "%M", "-o", out.name] + argv, env)
            with open(out.name) as f:
                kb = f.read().strip().splitlines()[-1]
            peak = max(peak, int(kb) / 1024.0)
    return peak


def main():
    rounds, slow_rounds, spec_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    time_bin = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] else None
    with open(spec_path) as f:
        spec = json.load(f)
    times = {c["name"]: [] for c in spec}
    rss = {c["name"]: 0.0 for c in spec}
    failures = {c["name"]: 0 for c in spec}
    for c in spec:  # warm-up: page cache, connection to the server
        for _ in range(1 if c.get("slow") else 5):
            run_once(c["argv"], c["env"])
    for r in range(rounds):
        for c in spec:
            if c.get("slow") and r >= slow_rounds:
                continue
            ms, _, code = run_once(c["argv"], c["env"])
            times[c["name"]].append(ms)
            if code != 0:
                failures[c["name"]] += 1
    for c in spec:
        rss[c["name"]] = peak_rss_mb(time_bin, c["argv"], c["env"], 3) if time_bin else None
    out = []
    for c in spec:
        t = times[c["name"]]
        out.append(
            {
                "name": c["name"],
                "runs": len(t),
                "median_ms": statistics.median(t),
                "min_ms": min(t),
                "max_ms": max(t),
                "peak_rss_mb": rss[c["name"]],
                "failures": failures[c["name"]],
            }
        )
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
