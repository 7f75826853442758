"""Rewrite the stored small baseline: ``.venv/bin/python -m tests.update_baseline``.

The baseline test never rewrites this file; run this script only when a change to model
results is intended, and say why in the commit message.
"""

from __future__ import annotations

from pathlib import Path

from app.outputs import results_csv_text
from app.runner import run
from tests.helpers import small_config

BASELINE = Path(__file__).parent / "data" / "baseline_small.csv"
OVERRIDES = ("seed=42",)


def baseline_text() -> str:
    """Results of the small baseline configuration as deterministic CSV text."""
    return results_csv_text(run(small_config(*OVERRIDES)).table)


if __name__ == "__main__":
    BASELINE.parent.mkdir(parents=True, exist_ok=True)
    BASELINE.write_text(baseline_text(), encoding="utf-8")
    print(f"wrote {BASELINE}")
