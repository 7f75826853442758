"""Benchmark: ``.venv/bin/python -m app.bench`` prints speed and memory figures.

Cases (each in its own process, so peak memory is that case's alone):
  default   the default run (Henan, whole rural population, scale 20)
  poor      Henan registered poor plus near-poor at scale 1 (include_non_poor=false)
  full      the whole rural population of Henan at scale 1 (slow: about a minute)
Household-years per second count simulated households times simulated years over the
simulate phase (synthesis excluded), with per-year invariant checks off.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

CASES = {
    "default": [],
    "poor": ["population.scale=1", "population.include_non_poor=false"],
    "full": ["population.scale=1"],
}


def measure(overrides: list[str]) -> dict:
    """Run one case in this process; return its figures."""
    from app.compose import load_config
    from sim.model import PovertyModel

    config = load_config([*overrides, "check_invariants=false"])
    t0 = time.perf_counter()
    model = PovertyModel(config)
    t1 = time.perf_counter()
    model.run()
    t2 = time.perf_counter()
    years = config.region.end_year - config.region.start_year + 1
    return {
        "households": model.h.n,
        "years": years,
        "setup_s": round(t1 - t0, 2),
        "simulate_s": round(t2 - t1, 2),
        "total_s": round(t2 - t0, 2),
        "household_years_per_s": round(model.h.n * years / (t2 - t1)),
        "state_mb": round(model.h.nbytes() / 2**20),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    """Run the chosen cases, each in a fresh process, and print a table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "cases",
        nargs="*",
        default=["default", "poor"],
        help="cases to run: default, poor, full (default: default poor)",
    )
    parser.add_argument("--case-in-process", help=argparse.SUPPRESS)
    args = parser.parse_args()
    unknown = [c for c in [*args.cases, args.case_in_process or "default"] if c not in CASES]
    if unknown:
        parser.error(f"unknown case '{unknown[0]}'; allowed: {', '.join(CASES)}")
    if args.case_in_process:
        print(json.dumps(measure(CASES[args.case_in_process])))
        return
    header = (
        f"{'case':8} {'households':>11} {'setup s':>8} {'simulate s':>10} {'total s':>8} "
        f"{'hh-years/s':>12} {'state MB':>9} {'peak RSS MB':>11}"
    )
    print(header)
    for case in args.cases:
        out = subprocess.run(
            [sys.executable, "-m", "app.bench", "--case-in-process", case], capture_output=True, text=True, check=True
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"{case:8} {r['households']:>11,} {r['setup_s']:>8.2f} {r['simulate_s']:>10.2f} {r['total_s']:>8.2f} "
            f"{r['household_years_per_s']:>12,} {r['state_mb']:>9,} {r['peak_rss_mb']:>11,}"
        )


if __name__ == "__main__":
    main()
