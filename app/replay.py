"""Re-create a finished run from its manifest and check that the results are identical.

``.venv/bin/python -m app.replay RUN_DIR`` reads ``RUN_DIR/manifest.json``, rebuilds the
configuration from the recorded overrides and checks it against the manifest's recorded
configuration and seeds, runs it again in this process, and compares the new results table
with ``RUN_DIR/results.csv`` byte for byte (no newline or whitespace normalisation).  It reports
differing package versions or git commits, the usual reasons a replay differs.  Exit status:
0 identical, 1 different, 2 unusable input (one line: a missing, unfinished or malformed run
directory or manifest).
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path
from typing import Any

from app.compose import UsageError, load_config
from app.outputs import git_sha, package_versions, results_csv_text
from app.runner import run
from sim.schema import to_plain


class ReplayError(Exception):
    """The run directory or its manifest cannot be replayed (one-line message)."""


def read_manifest(run_dir: Path) -> dict[str, Any]:
    """The manifest of a finished run, checked for what a replay needs."""
    if not run_dir.is_dir():
        raise ReplayError(f"{run_dir}: no such run directory")
    path = run_dir / "manifest.json"
    if not path.is_file():
        raise ReplayError(f"{run_dir}: not a finished run (no manifest.json: failed, killed or still running)")
    if not (run_dir / "results.csv").is_file():
        raise ReplayError(f"{run_dir}: manifest.json without results.csv; allowed: a run directory as a run wrote it")
    try:
        manifest = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ReplayError(f"{path}: not valid JSON ({err}); allowed: the manifest a run wrote") from None
    if not isinstance(manifest, dict):
        raise ReplayError(f"{path}: got {type(manifest).__name__}; allowed: a JSON object")
    overrides = manifest.get("overrides")
    if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
        raise ReplayError(f"{path}: overrides: got {overrides!r}; allowed: a list of key=value texts")
    for key, kind in (("config", dict), ("seeds", dict)):
        if not isinstance(manifest.get(key), kind):
            raise ReplayError(f"{path}: {key}: got {manifest.get(key)!r}; allowed: the {key} block a run wrote")
    return manifest


def _first_difference(recorded: Any, rebuilt: Any, key: str = "config") -> str | None:
    if isinstance(recorded, dict) and isinstance(rebuilt, dict):
        for k in sorted(set(recorded) | set(rebuilt), key=str):
            found = _first_difference(recorded.get(k), rebuilt.get(k), f"{key}.{k}")
            if found:
                return found
        return None
    return None if recorded == rebuilt else f"{key}: recorded {recorded!r}, rebuilt {rebuilt!r}"


def replay(run_dir: Path) -> tuple[bool, list[str]]:
    """Re-run the manifest's overrides; return (identical, report lines)."""
    manifest = read_manifest(run_dir)
    stored = (run_dir / "results.csv").read_bytes()
    overrides = [o for o in manifest["overrides"] if not o.lstrip("+~").startswith(("hydra.", "hydra/"))]
    report = [f"replaying {run_dir} with overrides: {' '.join(overrides) or '(none)'}"]
    now = package_versions()
    for name, version in manifest.get("packages", {}).items():
        if now.get(name) != version:
            report.append(f"note: {name} was {version}, now {now.get(name)}")
    if manifest.get("git_sha") != git_sha():
        report.append(f"note: git commit was {manifest.get('git_sha')}, now {git_sha()}")
    config = load_config(overrides)
    rebuilt = json.loads(json.dumps(to_plain(config), ensure_ascii=False))
    # Where the result store lives (an environment setting) never changes the numbers.
    recorded = {k: v for k, v in manifest["config"].items() if k != "store"}
    difference = _first_difference(recorded, {k: v for k, v in rebuilt.items() if k != "store"})
    recorded_seeds = (manifest["seeds"].get("seed"), manifest["seeds"].get("replicates"))
    if difference is None and recorded_seeds != (config.seed, config.replicates):
        difference = f"seeds (seed, replicates): recorded {recorded_seeds}, rebuilt {(config.seed, config.replicates)}"
    if difference is not None:
        report.append(f"different: the manifest's recorded configuration is not what its overrides give ({difference})")
        return False, report
    current = results_csv_text(run(config).table).encode("utf-8")
    if current == stored:
        report.append("identical: results.csv reproduced byte for byte")
        return True, report
    old, new = stored.decode("utf-8", "replace"), current.decode("utf-8")
    diff = difflib.unified_diff(old.splitlines(True), new.splitlines(True), "stored", "replayed", n=0)
    lines = [line.rstrip("\n") for line in list(diff)[:20]]
    report.append("different: first differing lines follow" if lines else "different: same lines, other bytes")
    report.extend(lines or [f"stored {len(stored)} bytes, replayed {len(current)} bytes (line endings or encoding)"])
    return False, report


def main(argv: list[str] | None = None) -> int:
    """Command-line entry; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", type=Path, help="a run directory holding manifest.json and results.csv")
    args = parser.parse_args(argv)
    try:
        identical, report = replay(args.run_dir)
    except (ReplayError, UsageError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print("\n".join(report))
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
