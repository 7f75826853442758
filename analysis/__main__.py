"""Compare scenarios: ``.venv/bin/python -m analysis DIR [DIR ...] [--reference baseline] [--out DIR]``.

Each DIR is a sweep directory or a run directory; every finished run under them is read.  The
comparison is written into ``--out`` (default: the first DIR):

- ``summary.csv``: per region, label, year and metric (and the exit, return and fallback
  curves): replicates, mean and Student-t interval; pairs, paired difference to the reference
  and its bootstrap interval;
- ``period_totals.csv``: the totals a planner quotes (returns, falls back, true poor in the last
  year, costs by lever, ...) with the same columns;
- ``cost_effectiveness.csv``: cost per sustained exit, per prevented return and per prevented
  fallback, with intervals;
- ``frontier.csv``: cost against each outcome, and which labels no other beats on both;
- ``survival.csv``: Kaplan-Meier curves by cause group, mean and band over replicates;
- ``figures/*.png`` and ``report.html``, one self-contained page (``--lang zh``: ``report_zh.html``
  and ``figures/*_zh.png`` in Chinese, with persons in 万人 and money in 亿元; ``--lang en,zh``: both);
- ``analysis.json`` last: inputs, reference, warnings, versions and the files written.

The output folder is checked before any work.  Files of an earlier comparison in the same folder
(listed in its ``analysis.json``, finished or not) are replaced; any other file in the way stops
the command with one line and exit status 2, as does a bad directory.  A pending record
(``finished: false``) is written before the first file and every file is written into a hidden
staging folder (``.comparison-staging``) and moved into place only when all are complete, so a
comparison killed part-way leaves no partial table and a folder the next one takes over, never
one read as finished.  A finished run whose manifest or
results cannot be trusted (unreadable, cut short, a row or value missing) is skipped with a
warning naming the file and the fault.  Warnings (unfinished runs, colliding labels, mixed regions or year ranges,
too few replicates, no reference) are one line each on stderr and in the report.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import io
import json
import os
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from analysis import i18n
from analysis.analyse import Analysis, analyse
from analysis.figures import FIGURES, file_name
from analysis.files import atomic_path, folder_problem, write_text
from analysis.report import render
from analysis.runs import warn
from sim.text import LANGUAGES

RECORD = "analysis.json"
#: Where a comparison writes its files before moving them into place (a hidden folder of ``--out``).
STAGING = ".comparison-staging"
TABLES = ("summary.csv", "period_totals.csv", "cost_effectiveness.csv", "frontier.csv", "survival.csv")
PACKAGES = ("numpy", "scipy", "pandas", "matplotlib", "pyarrow", "mplfonts")


class OutputError(Exception):
    """The output folder holds files this command did not write (one-line message)."""


def csv_text(frame: pd.DataFrame) -> str:
    """Deterministic CSV text."""
    return frame.to_csv(index=False, float_format="%.6f", lineterminator="\n")


def report_name(lang: str) -> str:
    """The report's file: ``report.html`` in English, ``report_<lang>.html`` in another language."""
    return "report.html" if lang == i18n.DEFAULT else f"report_{lang}.html"


def planned_files(analysis: Analysis, langs: tuple[str, ...] = (i18n.DEFAULT,)) -> list[str]:
    """Every file the comparison writes, relative to the output folder (the record last)."""
    figures = [
        f"figures/{file_name(spec, region, lang)}"
        for lang in langs
        for region in analysis.regions
        for spec in FIGURES
        if spec.available(analysis, region)
    ]
    return [*TABLES, *figures, *(report_name(lang) for lang in langs), RECORD]


def _ours(out: Path) -> set[str]:
    """Files an earlier comparison in ``out`` wrote or was writing (its record, finished or not)."""
    record = out / RECORD
    if not record.exists():
        return set()
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        return set(data["files"]) | set(data.get("earlier_files", []))
    except (OSError, ValueError, KeyError, TypeError):
        raise OutputError(f"--out: {record} is not a comparison record; allowed: a folder without it") from None


def precheck(out: Path) -> None:
    """Refuse, before any work, an output folder that cannot be written or holds files of others."""
    _missing, problem = folder_problem(out)
    if problem is not None:
        raise OutputError(f"--out: got {out}; {problem}; allowed: a writable folder")
    if out.is_dir():
        ours = _ours(out)
        staging = out / STAGING
        if staging.exists() and STAGING not in ours:
            raise OutputError(
                f"--out: {staging} exists and was not written by a comparison; "
                "allowed: a folder without it (comparisons never overwrite other files)"
            )
        figures = out / "figures"
        if figures.exists() and not (figures.is_dir() and (not any(figures.iterdir()) or _any_figure(ours))):
            raise OutputError(
                f"--out: {figures} exists and was not written by a comparison; "
                "allowed: a folder without it (comparisons never overwrite other files)"
            )
        _refuse_others(out, [*TABLES, *(report_name(lang) for lang in LANGUAGES)], ours)


def _any_figure(ours: set[str]) -> bool:
    return any(name.startswith("figures/") for name in ours)


def _refuse_others(out: Path, files: list[str], ours: set[str]) -> None:
    in_the_way = [name for name in files if (out / name).exists() and name not in ours]
    if in_the_way:
        raise OutputError(
            f"--out: {out / in_the_way[0]} exists and was not written by a comparison; "
            "allowed: a folder without it (comparisons never overwrite other files)"
        )


def claim(out: Path, files: list[str]) -> None:
    """Make sure writing ``files`` into ``out`` replaces only what an earlier comparison wrote.

    A pending record (``finished: false``) listing these files and the earlier ones replaces the
    earlier record before anything is written, so a comparison killed from here on leaves a
    folder the next comparison recognises as its own, and no reader takes it as finished.
    """
    ours = _ours(out)
    _refuse_others(out, files, ours)
    out.mkdir(parents=True, exist_ok=True)
    pending = {"finished": False, "files": sorted(ours | set(files) | {STAGING})}
    write_text(out / RECORD, json.dumps(pending, indent=2) + "\n")
    _clear_staging(out / STAGING, ours | set(files))


def _clear_staging(staging: Path, names: set[str]) -> None:
    """Remove what a comparison killed part-way left in its staging folder: only files it plans."""
    if not staging.exists():
        return
    for name in sorted(names):
        if (staging / name).is_file():
            (staging / name).unlink()
    for leftover in (staging / "figures", staging):
        try:
            leftover.rmdir()
        except FileNotFoundError:
            pass
        except OSError:
            raise OutputError(
                f"--out: {leftover} holds files a comparison did not write; allowed: a folder without them"
            ) from None


def figure_png(fig) -> bytes:
    """A comparison figure as the command writes it (PNG without metadata that changes between runs); closes it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def write(
    analysis: Analysis, out: Path, inputs: list[str], reference: str, langs: tuple[str, ...] = (i18n.DEFAULT,)
) -> list[Path]:
    """Write every table, the figures and report in each language and, last, the record; return the paths."""
    files = planned_files(analysis, langs)
    earlier = {name for name in _ours(out) if (out / name).exists()} if out.is_dir() else set()
    claim(out, files)
    # Everything is written into the staging folder first and moved into place only once complete,
    # so a comparison killed part-way never leaves a partial table beside an earlier finished one.
    staging = out / STAGING
    (staging / "figures").mkdir(parents=True, exist_ok=True)
    frames = (analysis.summary, analysis.totals, analysis.cost_effectiveness, analysis.frontier, analysis.survival)
    for name, frame in zip(TABLES, frames, strict=True):
        write_text(staging / name, csv_text(frame))
    for lang in langs:
        pictures: dict[str, list[tuple[str, bytes]]] = {}
        for region in analysis.regions:
            for spec in FIGURES:
                if not spec.available(analysis, region):
                    continue
                png = figure_png(spec.draw(analysis, region, lang))
                path = staging / "figures" / file_name(spec, region, lang)
                with atomic_path(path) as tmp:
                    tmp.write_bytes(png)
                pictures.setdefault(region, []).append((spec.caption(lang), png))
        write_text(staging / report_name(lang), render(analysis, pictures, inputs, lang))
    (out / "figures").mkdir(exist_ok=True)
    written = []
    for name in files:
        if name != RECORD:
            os.replace(staging / name, out / name)
            written.append(out / name)
    (staging / "figures").rmdir()
    staging.rmdir()
    record = {
        "finished": True,
        "inputs": inputs,
        "reference": reference,
        "runs": [
            {"region": r.region, "label": r.label, "config_hash": r.config_hash, "folders": [str(f) for f in r.folders]}
            for r in analysis.loaded.runs
        ],
        "warnings": analysis.warnings,
        "packages": {name: _version(name) for name in PACKAGES},
        "files": files,
    }
    left = sorted(earlier - set(files) - {RECORD})
    if left:  # an earlier comparison's files this one did not rewrite stay claimable
        record["earlier_files"] = left
    written.append(write_text(out / RECORD, json.dumps(record, indent=2, ensure_ascii=False) + "\n"))
    return written


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def main(argv: list[str] | None = None) -> int:
    """Compare the finished runs under the given directories; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dirs", nargs="+", type=Path, help="sweep or run directories")
    parser.add_argument("--reference", default="baseline", help="label (or scenario) to pair against")
    parser.add_argument("--out", type=Path, help="where to write (default: the first directory)")
    parser.add_argument(
        "--lang",
        default=i18n.DEFAULT,
        help="language(s) of the report and figures: en, zh or en,zh (Chinese: report_zh.html, figures *_zh.png)",
    )
    args = parser.parse_args(argv)
    out = args.out or args.dirs[0]
    langs = tuple(dict.fromkeys(part.strip() for part in args.lang.split(",")))
    bad = [lang for lang in langs if lang not in LANGUAGES]
    if bad or not langs:
        print(i18n.error_line(f"--lang: got {args.lang!r}; allowed: en, zh or en,zh"), file=sys.stderr)
        return 2
    lang = langs[0]  # the language of the lines printed here
    try:
        for path in args.dirs:
            if not path.is_dir():
                raise FileNotFoundError(f"{path}: no such directory")
        precheck(out)
        analysis = analyse(args.dirs, args.reference, on_warning=lambda message: warn(message, lang))
        written = write(analysis, out, [str(d) for d in args.dirs], args.reference, langs)
    except (FileNotFoundError, OutputError, pd.errors.ParserError) as err:
        print(i18n.error_line(err, lang), file=sys.stderr)
        return 2
    except OSError as err:  # the folder became unwritable, the disk filled: one line, not a traceback
        fault = f"--out: got {out}; {err.strerror or err}; allowed: a writable folder with room"
        print(i18n.error_line(fault, lang), file=sys.stderr)
        return 2
    labels = ", ".join(analysis.label_name(run.label, lang) for run in analysis.loaded.runs)
    report = out / report_name(lang)
    print(i18n.say("line.compared", lang, labels=labels, count=len(written), out=out, report=report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
