"""What the dashboard does, without the page: run a comparison, save a scenario, package the downloads.

A comparison is the page's settings against a reference scenario on the same replicates: both
configurations run through the result store (:func:`app.runner.run`), so replicates computed
before, by the page or the command line, are read at once, and replicate ``r`` of both draws the
same shocks (the pairing of the comparison).  Both runs are written as ordinary run folders
(``results.csv``, ``events.parquet``, ``manifest.json`` last) under one new folder per comparison,
``<out>/<date_time>-<random>/<region>/<label>/``; a failed or stopped comparison removes what it
wrote and nothing else.  :func:`analysis.analyse.analyse` then reads them as the comparison
command would, so the page shows exactly the numbers ``python -m analysis`` writes.

Saving writes the page's lever settings as a new override-only file ``scenarios/<name>.yaml``
(never over an existing one), on top of the scenario they started from, with a comment saying
where it came from and the command that reproduces the page's table.
"""

from __future__ import annotations

import dataclasses
import io
import re
import threading
import time
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pandas as pd
import yaml

from analysis import i18n
from analysis.analyse import Analysis, analyse
from app import outputs, runner
from app.compose import SCENARIO_DIR, UsageError, scenario_question
from app.identity import folder_name
from app.rundir import RunDirectory, check_target, create, is_finished, new_stamp
from app.store import ResultStore
from dashboard.controls import RUN_SETTINGS, configure, lever_overrides, setting_overrides
from sim.config import RunConfig

#: What re-creates a dashboard run from its manifest (``app.replay`` reads the overrides).
PROGRAM = "run.py"


@dataclasses.dataclass(frozen=True)
class Request:
    """The page's settings: region, scenario, reference and the overrides its controls give."""

    region: str
    scenario: str
    reference: str
    chosen: tuple[str, ...]  # overrides, levers and run settings
    others: tuple[str, ...] = ()  # further catalogue scenarios compared as they are (with the run settings)

    @property
    def levers(self) -> list[str]:
        """The overrides that change policy."""
        return lever_overrides(self.chosen)

    @property
    def settings(self) -> list[str]:
        """The overrides of the sample, replicates and seed (the reference runs with them too)."""
        return setting_overrides(self.chosen)

    def overrides(self, reference: bool = False) -> list[str]:
        """The command line of the scenario run (or of the reference: run settings, no levers)."""
        scenario = self.reference if reference else self.scenario
        return [f"region={self.region}", f"scenario={scenario}", *(self.settings if reference else self.chosen)]

    def other_overrides(self, name: str) -> list[str]:
        """The command line of a further scenario: as the catalogue has it, with the run settings."""
        return [f"region={self.region}", f"scenario={name}", *self.settings]


@dataclasses.dataclass
class Comparison:
    """A finished comparison: its folder, configurations and analysis."""

    request: Request
    folder: Path
    config: RunConfig
    reference: RunConfig
    analysis: Analysis
    reused: int  # replicates read from the store
    simulated: int
    seconds: float
    others: tuple[RunConfig, ...] = ()  # the further scenarios, as they ran

    @property
    def label(self) -> str:
        """The scenario run's label."""
        return self.config.label

    @property
    def reference_label(self) -> str:
        """The reference run's label."""
        return self.reference.label

    @property
    def labels(self) -> list[str]:
        """Every label shown: the scenario, the further scenarios, the reference (each once)."""
        return list(dict.fromkeys([self.label, *(c.label for c in self.others), self.reference_label]))

    def run_folder(self, reference: bool = False, config: RunConfig | None = None) -> Path:
        """The run folder of the scenario (or the reference, or another of its configurations)."""
        config = config or (self.reference if reference else self.config)
        return self.folder / config.region.name / folder_name(config.label)


class Steps:
    """Counts finished replicates for a progress callback (the runner calls ``update(1)``)."""

    def __init__(self, total: int, report: Callable[[int, int], None] | None) -> None:
        """Start at zero of ``total``."""
        self.done, self.total, self.report = 0, total, report

    def update(self, count: int = 1) -> None:
        """One more replicate finished."""
        self.done += count
        if self.report is not None:
            self.report(self.done, self.total)


_CACHE: dict[tuple[str, str], Comparison] = {}
_CACHE_LOCK = threading.Lock()


def configurations(request: Request) -> tuple[RunConfig, RunConfig]:
    """The validated scenario and reference configurations.

    Raises:
        UsageError: a bad value (the one-line message of the command line).
    """
    config = configure(request.region, request.scenario, request.chosen)
    return config, configure(request.region, request.reference, request.settings)


def other_configurations(request: Request) -> tuple[RunConfig, ...]:
    """The validated configurations of the further scenarios."""
    return tuple(configure(request.region, name, request.settings) for name in request.others)


def stored(request: Request) -> bool:
    """Whether every replicate of every configuration of ``request`` is in the result store already."""
    from app.identity import config_hash

    configs = [*configurations(request), *other_configurations(request)]
    for config in configs:
        store = ResultStore(config.store.dir)
        key = config_hash(config)
        if not all(store.has(key, r) for r in range(config.replicates)):
            return False
    return True


def compare(
    request: Request, out_root: Path, progress: Callable[[int, int], None] | None = None, on_warning=None
) -> Comparison:
    """Run the scenario and the reference (through the store), write their folders, analyse them.

    A comparison already made in this process with the same configurations is returned as it is,
    while its folder is still finished.

    Raises:
        UsageError: a bad value, or an output folder that cannot be used.
    """
    from app.identity import config_hash

    config, reference = configurations(request)
    others = other_configurations(request)
    key = (config_hash(config), config_hash(reference), *(config_hash(c) for c in others))
    with _CACHE_LOCK:
        known = _CACHE.get(key)
    if known is not None and all(is_finished(known.run_folder(config=c)) for c in (config, reference, *others)):
        if progress is not None:
            progress(1, 1)
        return known
    t0 = time.perf_counter()
    jobs = [(config, request.overrides())]
    for other, name in zip(others, request.others, strict=True):
        if other.label not in {job.label for job, _ in jobs}:
            jobs.append((other, request.other_overrides(name)))
    if reference.label not in {job.label for job, _ in jobs}:
        jobs.append((reference, request.overrides(reference=True)))
    others = tuple(job for job, _ in jobs[1:] if job.label != reference.label)
    folder = Path(out_root).resolve() / new_stamp()
    created = _claim(folder, "--out")
    steps = Steps(sum(c.replicates for c, _ in jobs), progress)
    directories: list[RunDirectory] = []
    reused = simulated = 0
    try:
        for job, overrides in jobs:
            path = folder / job.region.name / folder_name(job.label)
            run_dir = RunDirectory(path, check_target(path, "--out"))
            run_dir.created = create(run_dir.created, "--out")
            directories.append(run_dir)
            result = runner.run(job, store=ResultStore(job.store.dir), progress=steps)
            reused += len(result.reused)
            simulated += job.replicates - len(result.reused)
            question = scenario_question(job.scenario_name)

            def manifest_for(write_s, job=job, result=result, overrides=overrides, question=question):
                return outputs.manifest(job, result, write_s, overrides, question, PROGRAM)

            outputs.write_run(job, result.table, run_dir, manifest_for, (), result.ledgers)
        warnings: list[str] = []
        analysis = analyse([folder], reference.label, on_warning or warnings.append)
    except BaseException:
        for run_dir in reversed(directories):
            run_dir.remove_own()
        for made in reversed(created):
            try:
                made.rmdir()  # only when empty
            except OSError:
                break
        raise
    done = Comparison(
        request, folder, config, reference, analysis, reused, simulated, round(time.perf_counter() - t0, 2), others
    )
    with _CACHE_LOCK:
        _CACHE[key] = done
    return done


def _claim(folder: Path, key: str) -> list[Path]:
    """Create the comparison's new folder (and its missing parents); return those created."""
    from app.rundir import RunDirError

    try:
        missing = check_target(folder, key)
        if not missing:
            raise RunDirError(f"{key}: got {folder}; it exists already; allowed: a new folder")
        missing = create(missing, key)
    except RunDirError as err:
        raise UsageError(str(err)) from None
    return missing


# --- downloads --------------------------------------------------------------------------------


def results_table(comparison: Comparison) -> pd.DataFrame:
    """The results of every run in the output contract (the scenario first, the reference last)."""
    configs = {c.label: c for c in (comparison.config, *comparison.others, comparison.reference)}
    tables = [pd.read_csv(comparison.run_folder(config=configs[label]) / "results.csv") for label in comparison.labels]
    return pd.concat(tables, ignore_index=True)


def results_csv(comparison: Comparison) -> bytes:
    """``results.csv`` of both runs, as the command line writes it."""
    return outputs.results_csv_text(results_table(comparison)).encode()


def results_parquet(comparison: Comparison) -> bytes:
    """The same table as Parquet."""
    buffer = io.BytesIO()
    results_table(comparison).to_parquet(buffer, index=False, compression="zstd")
    return buffer.getvalue()


def manifest_json(comparison: Comparison) -> bytes:
    """The scenario run's manifest."""
    return (comparison.run_folder() / "manifest.json").read_bytes()


_REPORT_LOCK = threading.Lock()


def report(comparison: Comparison) -> Path:
    """Write the comparison's reports (English and Chinese) and tables into its folder once; return the English one."""
    from analysis.__main__ import RECORD, write
    from sim.text import LANGUAGES

    path = comparison.folder / "report.html"
    with _REPORT_LOCK:
        if not (comparison.folder / RECORD).is_file():
            folder = comparison.folder
            write(comparison.analysis, folder, [str(folder)], comparison.reference_label, LANGUAGES)
    return path


def report_html(comparison: Comparison, lang: str = "en") -> bytes:
    """The report in ``lang``, written first if need be."""
    path = report(comparison)
    return (path if lang == "en" else path.with_name(f"report_{lang}.html")).read_bytes()


def archive(comparison: Comparison) -> bytes:
    """Every file of the comparison (both runs, tables, figures, report) as one zip."""
    report(comparison)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for path in sorted(comparison.folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                bundle.write(path, path.relative_to(comparison.folder.parent).as_posix())
        bundle.writestr(f"{comparison.folder.name}/results.parquet", results_parquet(comparison))
    return buffer.getvalue()


# --- saving a scenario ------------------------------------------------------------------------

NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")


def default_question(request: Request, lang: str = i18n.DEFAULT) -> str:
    """A question naming what the page changed, in ``lang``."""
    changes = ", ".join(request.levers) or i18n.say("page.no_lever_changed", lang)
    return i18n.say("page.default_question", lang, scenario=request.scenario, changes=changes)


def scenario_text(
    name: str, request: Request, question: str, directory: Path = SCENARIO_DIR, lang: str = i18n.DEFAULT
) -> str:
    """The YAML of a saved scenario: the base scenario's overrides with the page's levers on top.

    Interpolations of the base file (``${scaled_from:henan,...}``) are kept, so it still scales to
    any region; values the planner typed are written as typed.  The question typed (in the page's
    language ``lang``) heads the file in that language; the other language gets the question the
    page would have asked, so the catalogue lists the scenario in both.
    """
    from hydra.core.override_parser.overrides_parser import OverridesParser

    base_path = directory / f"{request.scenario}.yaml"
    base = yaml.safe_load(base_path.read_text(encoding="utf-8")) or {}
    base.pop("scenario_name", None)
    defaults = list(base.pop("defaults", []) or [])
    levers = request.levers
    parser = OverridesParser.create()
    for override in levers:
        key, _, text = override.partition("=")
        if "/" in key:
            entry = f"override /{key}"
            defaults = [d for d in defaults if not (isinstance(d, dict) and entry in d)]
            defaults.append({entry: text})
            continue
        value = parser.parse_override(override).value()
        node = base
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise UsageError(f"{key}: cannot be saved over the base scenario's value; allowed: a new setting")
        node[leaf] = _plain(value)
    settings = dict(o.partition("=")[::2] for o in request.settings)
    reproduce = " ".join(
        [f"python3 run.py scenario={name} region={request.region}"]
        + [f"{c.key}={settings[c.key]}" for c in RUN_SETTINGS.controls if c.key in settings]
    )
    header = [
        "# @package _global_",
        f"# Title: Saved: {name} | 保存的方案：{name}",
        f"# 问题：{_one_line(question if lang == 'zh' else default_question(request, 'zh'))}",
        f"# Question: {_one_line(question if lang == 'en' else default_question(request, 'en'))}",
        f"# Grounding: saved from the dashboard on {datetime.now():%Y-%m-%d %H:%M} from scenario "
        f"'{request.scenario}' in region {request.region}, with: {' '.join(levers) or '(no lever changed)'}.",
        f"# The dashboard's table again: {reproduce}",
    ]
    body = dict(base)
    if defaults:
        body = {"defaults": defaults, **body}
    body["scenario_name"] = name
    return "\n".join(header) + "\n" + yaml.safe_dump(body, sort_keys=False, allow_unicode=True)


def _plain(value):
    """Hydra's parsed override value as plain YAML data (year keys stay whole numbers)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def save_scenario(
    name: str, request: Request, question: str, directory: Path = SCENARIO_DIR, lang: str = i18n.DEFAULT
) -> Path:
    """Write ``scenarios/<name>.yaml`` (never over an existing file) and check that it composes.

    Raises:
        UsageError: a bad or taken name, or a file that would not compose (it is removed again).
    """
    if not NAME.match(name or ""):
        raise UsageError(
            f"scenario name: got {name!r}; allowed: lower-case letters, digits and _, starting with a letter"
        )
    path = directory / f"{name}.yaml"
    text = scenario_text(name, request, question or default_question(request, lang), directory, lang)
    try:
        with open(path, "x", encoding="utf-8") as handle:  # "x": never over an existing scenario
            handle.write(text)
    except FileExistsError:
        raise UsageError(
            f"scenario name: got {name!r}; scenarios/{name}.yaml exists; allowed: a new name "
            "(saving never overwrites a scenario)"
        ) from None
    try:
        configure(request.region, name, request.settings)
    except UsageError:
        path.unlink(missing_ok=True)
        raise
    return path


def catalogue(lang: str = "en") -> list[tuple[str, str]]:
    """Every scenario with the question it answers, in ``lang`` (as ``python3 run.py --info`` lists them)."""
    from app.compose import group_options

    return [(name, scenario_question(name, lang=lang)) for name in group_options("scenario")]


def regions() -> list[str]:
    """Every region file (``conf/region/*.yaml``)."""
    from app.compose import group_options

    return group_options("region")


def record(comparison: Comparison) -> dict:
    """What the page shows about where its numbers came from."""
    return {
        "folder": str(comparison.folder),
        "scenario": comparison.label,
        "reference": comparison.reference_label,
        "replicates read from the store": comparison.reused,
        "replicates simulated": comparison.simulated,
        "seconds": comparison.seconds,
    }


__all__ = [
    "Comparison",
    "Request",
    "archive",
    "catalogue",
    "compare",
    "configurations",
    "default_question",
    "manifest_json",
    "record",
    "regions",
    "report",
    "report_html",
    "results_csv",
    "results_parquet",
    "save_scenario",
    "scenario_text",
]
