"""The lever recipe of ``docs/DESIGN.md`` ("Adding things"), carried out literally on a copy of the project.

A contributor adds a lever with one module under ``sim/policies/`` and one file under
``conf/policy/``, then runs ``tests.update_docs``.  This test does exactly that in a copy of the
project (so the tree the other tests read is never touched), and then runs, in the copy, the
tests that parametrise over every lever or check the generated docs, a run on the command line and
``--describe``: the recipe is complete when all of them pass with nothing else edited.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from app.compose import ROOT

pytestmark = pytest.mark.slow

#: The new lever's module, as the recipe says to write it.
MODULE = '''"""Winter relief (冬季救助): a yearly cash payment per person to registered households without full labour.

An example lever, written by following docs/DESIGN.md ("Adding things") to the letter.  The
amount is an assumption; seed 000 names 临时救助 for households in sudden hardship.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.context import Effect
from sim.schema import yuan
from sim.state import Households, Registration
from sim.steps import Lever, Phase, register_lever
from sim.text import Text

NAME = "winter_relief"


@dataclasses.dataclass
class Params:
    """Winter relief parameters."""

    enabled: bool
    amount_per_person: float = yuan(Text("yearly pay per person", "每人每年发放金额"), high=1e5, unit="yuan/person/yr")


def apply(h: Households, params: Params, ctx) -> Effect:
    """Pay registered households without full labour, as a guarantee transfer."""
    if not params.enabled:
        return Effect()
    paid = (h.reg == Registration.POOR) & (h.n_labour_full == 0) & (h.size > 0)
    per_household = np.where(paid, params.amount_per_person * h.size, 0.0)
    cost = float(np.sum(h.weight * per_household))
    return Effect({"inc_guarantee": (h.inc_guarantee + per_household).astype(np.float32)}, cost)


LEVER = register_lever(
    Lever(
        NAME,
        Params,
        apply,
        Phase.TRANSFERS,
        withdrawable=True,
        after=("guarantee",),
        dose=("amount_per_person",),
        title=Text("Winter relief", "冬季救助"),
    )
)
'''

#: Its configuration, each value with its source.
CONFIG = """# Winter relief (冬季救助): an example lever.
enabled: true
amount_per_person: 300.0   # assumption: a small yearly payment, for the example
"""


def _project_copy(destination: Path) -> Path:
    """The project's tracked and new files (no store or outputs), copied; its environment and kernels shared.

    The copy's ``.venv`` is a link to this one (same requirements, so nothing is installed), and
    it starts with a copy of the compiled kernels (``.numba_cache``, keyed by source digest): only
    what the new lever can affect compiles.
    """
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    (destination / ".venv").symlink_to(ROOT / ".venv", target_is_directory=True)
    if (ROOT / ".numba_cache").is_dir():
        shutil.copytree(ROOT / ".numba_cache", destination / ".numba_cache")
    return destination


def _run(copy: Path, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "NUMBA_CACHE_DIR"}
    env["POVERTY_STORE"] = str(copy / "store")
    return subprocess.run([sys.executable, *args], cwd=copy, capture_output=True, text=True, timeout=1800, env=env)


def test_a_lever_added_exactly_as_the_recipe_says_passes_every_check(tmp_path):
    copy = _project_copy(tmp_path / "project")
    (copy / "sim" / "policies" / "winter_relief.py").write_text(MODULE, encoding="utf-8")
    (copy / "conf" / "policy" / "winter_relief").mkdir(parents=True)
    (copy / "conf" / "policy" / "winter_relief" / "default.yaml").write_text(CONFIG, encoding="utf-8")
    docs = _run(copy, "-m", "tests.update_docs")
    assert docs.returncode == 0, docs.stderr

    checks = _run(
        copy,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests/test_docs.py",
        "tests/test_declarations.py",
        "tests/test_levers.py",
        "tests/test_config.py",
        "-k",
        # what every lever is held to (the tests parametrised by lever), the generated docs, and the
        # checks that derive the registry's names
        "winter_relief or generated_tables or withdrawn or no_lever_by_hand or parameter",
    )
    assert checks.returncode == 0, checks.stdout[-4000:] + checks.stderr[-2000:]

    out = tmp_path / "run"
    ran = _run(copy, "run.py", "population.scale=400", "region.end_year=2019", f"hydra.run.dir={out}")
    assert ran.returncode == 0, ran.stderr
    table = pd.read_csv(out / "results.csv")
    assert (table.loc[table["metric"] == "cost_winter_relief", "value"] > 0).any()
    described = _run(copy, "run.py", "--describe", "winter_relief", "lang=zh")
    assert described.returncode == 0 and described.stdout.startswith("policy.winter_relief: 冬季救助\n")
    assert (
        "policy.winter_relief.amount_per_person = 300   (元/人/年 · [0, 100000])\n      每人每年发放金额\n"
        in described.stdout
    )
