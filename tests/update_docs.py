"""Rewrite the generated tables in the docs: ``.venv/bin/python -m tests.update_docs``.

Tables of household columns, the year's steps, levers and metrics are generated from the
declarations (``sim.state.COLUMNS``, the step registry, the metric registry) between marker
comments; ``tests/test_docs.py`` fails when a table is stale.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import sim.config  # noqa: F401  (registers every process and lever)
from sim import metrics, state, steps

ROOT = Path(__file__).resolve().parent.parent
BLOCKS: dict[Path, dict[str, Callable[[], str]]] = {
    ROOT / "docs" / "DESIGN.md": {
        "columns": state.column_table,
        "year": steps.year_table,
        "levers": steps.lever_table,
    },
    ROOT / "README.md": {"metrics": metrics.metric_table, "year": steps.year_summary},
}


def _pattern(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- generated: {name} .*?-->\n)(.*?)(<!-- end: {name} -->)", re.DOTALL)


def render(text: str, blocks: dict[str, Callable[[], str]]) -> str:
    """``text`` with each marked block replaced by its generated table."""
    for name, make in blocks.items():
        pattern = _pattern(name)
        if not pattern.search(text):
            raise ValueError(f"no generated block '{name}'")
        table = make()
        text = pattern.sub(lambda m, table=table: m.group(1) + table + "\n" + m.group(3), text)
    return text


if __name__ == "__main__":
    for path, blocks in BLOCKS.items():
        path.write_text(render(path.read_text(encoding="utf-8"), blocks), encoding="utf-8")
        print(f"wrote {path}")
