"""What produced a result: a run's label, its folder name and the hash of its configuration.

A run's *label* is its scenario name plus the overrides that change its results, in a short
canonical form: keys sorted, ``+``/``++`` prefixes and the ``policy.`` prefix dropped, blanks
removed (``baseline+dibao.grace_years=2``).  Settings that do not change a replicate's numbers
(``replicates``, ``output.*``, ``store.*``, ``check_invariants``, ``label``) and the region, which
has its own column, are left out.  ``label=...`` names a run explicitly.

The *configuration hash* keys the result store (:mod:`app.store`): SHA-256 of the resolved
configuration (without the settings above) and of the engine's source, so a changed model never
serves stale results.  Two runs with the same hash give the same numbers replicate by replicate.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from pathlib import Path

from sim.schema import to_plain

ROOT = Path(__file__).resolve().parent.parent

#: Top-level settings that never change a replicate's numbers (left out of labels and hashes).
NOT_RESULTS = ("replicates", "output", "store", "check_invariants", "label")
#: Choices with their own column (``region=...``, ``scenario=...``; ``region.x=...`` still counts).
OWN_COLUMNS = ("scenario", "region")
#: Settings (and everything under them) that are not part of a run's identity.
NOT_IN_LABEL = ("experiment", "hydra", *NOT_RESULTS)
#: Source files whose content decides the numbers (the engine and the run loop).
ENGINE_SOURCES = ("sim/**/*.py", "app/runner.py")
MAX_FOLDER = 120  # characters of a label kept in a folder name before a hash stands for the rest

_YEAR_ENTRY = re.compile(r"^\{(\d+):(.*)\}$")


def canonical_override(override: str) -> str | None:
    """The override as it appears in a label, or None if it does not change results."""
    text = override.strip()
    deleting = text.startswith("~")
    key, _, value = text.lstrip("+~").partition("=")
    key = key.strip().replace("/", ".")
    if key in OWN_COLUMNS or key.split(".")[0] in NOT_IN_LABEL:
        return None
    key = key.removeprefix("policy.")
    value = value.replace(" ", "")
    year = _YEAR_ENTRY.match(value)
    if year and "," not in year.group(2):  # key.2020=v was rewritten to ++key={2020:v}; show it as typed
        key, value = f"{key}.{year.group(1)}", year.group(2)
    if deleting:
        return f"~{key}" + (f"={value}" if value else "")
    return f"{key}={value}"


def run_label(scenario: str, overrides: list[str], label: str | None = None) -> str:
    """``label`` if given, else the scenario name plus its result-changing overrides, sorted."""
    if label:
        return label
    parts = sorted(filter(None, map(canonical_override, overrides)))
    return "+".join([scenario, *parts])


def folder_name(label: str) -> str:
    """A folder name for a label: unsafe characters become ``_``; a long label ends in its hash."""
    safe = re.sub(r"[^A-Za-z0-9._=+,@-]", "_", label)
    if len(safe) > MAX_FOLDER:
        safe = f"{safe[: MAX_FOLDER - 9]}-{hashlib.sha256(label.encode()).hexdigest()[:8]}"
    return safe


@functools.cache
def engine_fingerprint() -> str:
    """SHA-256 of the engine's source files (paths and contents), fixed for this process."""
    digest = hashlib.sha256()
    for pattern in ENGINE_SOURCES:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def results_config(config) -> dict:
    """The part of a resolved configuration that decides a replicate's numbers."""
    return {k: v for k, v in to_plain(config).items() if k not in NOT_RESULTS}


def config_hash(config) -> str:
    """Short hash (16 hex digits) of what decides a replicate's numbers: configuration and engine."""
    text = json.dumps({"config": results_config(config), "engine": engine_fingerprint()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
