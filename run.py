#!/usr/bin/env python3
"""Run a poverty-dynamics scenario: ``python3 run.py [region=...] [scenario=...] [key=value ...]``.

On first use it creates ``.venv`` and installs the pinned dependencies (``bootstrap.py``).
Hydra composes ``conf/`` and ``scenarios/``; the configuration is validated before any
output directory exists, so a bad override prints one line and exits with status 2.  A run
writes ``results.csv``, ``manifest.json``, ``exit_curve.png`` and ``return_curve.png`` into
its Hydra run directory and prints the yearly table.
"""

from __future__ import annotations

import sys

from bootstrap import ensure_environment

ensure_environment()

import shutil  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import hydra  # noqa: E402
from hydra.core.hydra_config import HydraConfig  # noqa: E402
from omegaconf import DictConfig  # noqa: E402

from app import outputs, runner  # noqa: E402
from app.compose import (  # noqa: E402
    UsageError,
    load_config,
    register_all,
    sweep_combinations,
    to_run_config,
    year_overrides,
)
from sim import metrics  # noqa: E402

INFO_FLAGS = (
    "--help",
    "-h",
    "--hydra-help",
    "--cfg",
    "-c",
    "--info",
    "-i",
    "--version",
    "--resolve",
    "--shell-completion",
    "-sc",
)


def user_overrides(argv: list[str]) -> list[str]:
    """Config overrides from the command line (Hydra flags and ``hydra`` settings removed)."""
    return [a for a in argv if not a.startswith("-") and not a.lstrip("+~").startswith(("hydra.", "hydra/"))]


def preflight(argv: list[str]) -> list[str]:
    """Validate every configuration the command will run before Hydra creates any directory.

    Returns the command line as Hydra should see it (year-keyed overrides rewritten).
    """
    if any(a.split("=")[0] in INFO_FLAGS for a in argv):
        return argv
    try:
        argv = year_overrides(argv)
        combinations = sweep_combinations(user_overrides(argv))
        if len(combinations) > 1 and not {"-m", "--multirun"} & set(argv):
            raise UsageError("several values given for one key; add -m to run them as a sweep")
        for overrides in combinations:
            load_config(overrides)
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    return argv


def print_table(result: runner.RunResult, scenario: str) -> None:
    """Print the yearly table in real-population units."""
    wide = runner.yearly_table(result.table, metrics.table_names())
    print(f"\nScenario '{scenario}' (persons; cost in yuan; mean over replicates)")
    print(wide.to_string(float_format=lambda v: f"{v:,.0f}", na_rep="-"))


@hydra.main(config_path="conf", config_name="config", version_base="1.3")
def main(cfg: DictConfig) -> None:
    """Run one configuration and write its outputs into the Hydra run directory."""
    out_dir = Path(HydraConfig.get().runtime.output_dir)
    overrides = list(HydraConfig.get().overrides.task)
    try:
        config = to_run_config(cfg)
        result = runner.run(config, keep_panel=config.output.panel)
        t0 = time.perf_counter()
        outputs.write_results(result.table, out_dir)
        if config.output.plots:
            outputs.write_plots(result.table, out_dir, config.region.planned_exits)
        if config.output.panel:
            outputs.write_panel(result.panels, out_dir)
        write_s = time.perf_counter() - t0
        outputs.write_manifest(outputs.manifest(config, result, write_s, overrides), out_dir)
    except UsageError as err:
        shutil.rmtree(out_dir, ignore_errors=True)
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    except BaseException:
        shutil.rmtree(out_dir, ignore_errors=True)  # never leave a half-written run behind
        raise
    if config.output.print_table:
        print_table(result, config.scenario_name)
    print(
        f"\n{result.n_households:,} simulated households; setup {result.setup_s:.2f} s, "
        f"simulate {result.simulate_s:.2f} s, write {write_s:.2f} s"
    )
    print(f"outputs: {out_dir}")


if __name__ == "__main__":
    register_all()
    sys.argv[1:] = preflight(sys.argv[1:])
    main()
