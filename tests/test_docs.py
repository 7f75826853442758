"""The generated tables in DESIGN.md and the README match the declarations they come from."""

from __future__ import annotations

import pytest

from tests.update_docs import BLOCKS, render


@pytest.mark.parametrize("path", list(BLOCKS), ids=lambda p: p.name)
def test_generated_tables_are_current(path):
    text = path.read_text(encoding="utf-8")
    assert render(text, BLOCKS[path]) == text, (
        f"stale tables in {path.name}: run `.venv/bin/python -m tests.update_docs`"
    )


def test_the_readme_metric_table_names_every_metric():
    from sim import metrics

    text = next(p for p in BLOCKS if p.name == "README.md").read_text(encoding="utf-8")
    for metric in metrics.metrics():
        shown = (
            "`cost_<lever>`" if metric.name.startswith("cost_") and metric.name != "cost_total" else f"`{metric.name}`"
        )
        assert f"| {shown} |" in text, metric.name
