"""The stored small baseline (rewritten only by ``python -m tests.update_baseline``)."""

from __future__ import annotations

import difflib

from tests.update_baseline import BASELINE, baseline_text


def test_results_match_the_stored_baseline():
    stored = BASELINE.read_text(encoding="utf-8")
    current = baseline_text()
    if current != stored:
        diff = "".join(list(difflib.unified_diff(stored.splitlines(True), current.splitlines(True), n=0))[:40])
        raise AssertionError(
            "results differ from tests/data/baseline_small.csv; if the change is intended, run "
            f"`.venv/bin/python -m tests.update_baseline` and explain it in the commit\n{diff}"
        )
