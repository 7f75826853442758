"""Sweep benchmark: ``.venv/bin/python -m app.bench_sweep`` prints wall time, speed-up and memory.

It runs the real command, ``run.py -m scenario=<the 11 catalogue scenarios> replicates=N
hydra/launcher=joblib hydra.launcher.n_jobs=W``, at the default scale, in a temporary folder with
an empty result store (so every replicate is simulated), once per worker count.  It prints the
wall time of each, the speed-up of the most workers over one, and the peak resident memory of
the largest process (the driver or a worker); ``--memory-replicates`` repeats the largest worker
count with fewer replicates, to show that memory per worker does not grow with replicates.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The catalogue scenarios the sweeps issue names (README, "Scenarios").
SCENARIOS = (
    "baseline",
    "allowance_plus",
    "allowance_cliff",
    "jobs_push",
    "relocation_max",
    "health_plus",
    "withdraw_2021",
    "phased_2021",
    "monitoring_strong",
    "no_monitoring",
    "no_deadline_push",
)


def sweep(replicates: int, workers: int) -> tuple[float, float]:
    """Run the sweep in a fresh folder and store; return (wall seconds, peak RSS MB of a process)."""
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as where:
        command = [
            sys.executable,
            str(ROOT / "run.py"),
            "-m",
            f"scenario={','.join(SCENARIOS)}",
            f"replicates={replicates}",
            "hydra/launcher=joblib",
            f"hydra.launcher.n_jobs={workers}",
            "output.print_table=false",
            "output.progress=false",
            f"hydra.sweep.dir={Path(where) / 'sweep'}",
        ]
        env = {**os.environ, "POVERTY_STORE": str(Path(where) / "store")}
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t0 = time.perf_counter()
        subprocess.run(command, env=env, cwd=where, check=True, capture_output=True)
        seconds = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        finished = len(list((Path(where) / "sweep").rglob("manifest.json")))
        if finished != len(SCENARIOS):
            raise SystemExit(f"error: only {finished} of {len(SCENARIOS)} jobs finished")
    # ru_maxrss of children is the largest process so far; a smaller later sweep cannot lower it.
    return seconds, (peak if peak > before else float("nan")) / 1024


def main() -> None:
    """Run the sweeps and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicates", type=int, default=20, help="replicates per scenario (default 20)")
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 1], help="worker counts (default: 2 1)")
    parser.add_argument("--memory-replicates", type=int, default=5, help="replicates of the memory check (0: skip)")
    args = parser.parse_args()
    n = len(SCENARIOS)
    if args.memory_replicates:
        seconds, peak = sweep(args.memory_replicates, max(args.workers))
        print(f"{n} scenarios x {args.memory_replicates:>3} replicates, {max(args.workers)} workers: {seconds:7.1f} s, "
              f"peak RSS of a process {peak:,.0f} MB")  # fmt: skip
    times = {}
    for workers in args.workers:
        seconds, peak = sweep(args.replicates, workers)
        times[workers] = seconds
        peak_text = f"{peak:,.0f} MB" if peak == peak else "no higher than above"
        print(f"{n} scenarios x {args.replicates:>3} replicates, {workers} workers: {seconds:7.1f} s, "
              f"{n * args.replicates / seconds:5.2f} replicates/s, peak RSS of a process {peak_text}")  # fmt: skip
    if len(times) > 1:
        most, fewest = max(times), min(times)
        print(f"speed-up of {most} workers over {fewest}: {times[fewest] / times[most]:.2f}x")


if __name__ == "__main__":
    main()
