"""Re-create a finished run from its manifest and check that the results are identical.

``.venv/bin/python -m app.replay RUN_DIR`` reads ``RUN_DIR/manifest.json``, runs the same
overrides again in this process, and compares the new results table with
``RUN_DIR/results.csv`` byte for byte.  It reports differing package versions or git
commits, which are the usual reasons a replay differs.  Exit status: 0 identical, 1 different,
2 unusable input.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

from app.compose import UsageError, load_config
from app.outputs import git_sha, package_versions, results_csv_text
from app.runner import run


def replay(run_dir: Path) -> tuple[bool, list[str]]:
    """Re-run the manifest's overrides; return (identical, report lines)."""
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    stored = (run_dir / "results.csv").read_text(encoding="utf-8")
    overrides = [o for o in manifest["overrides"] if not o.lstrip("+~").startswith(("hydra.", "hydra/"))]
    report = [f"replaying {run_dir} with overrides: {' '.join(overrides) or '(none)'}"]
    now = package_versions()
    for name, version in manifest.get("packages", {}).items():
        if now.get(name) != version:
            report.append(f"note: {name} was {version}, now {now.get(name)}")
    if manifest.get("git_sha") != git_sha():
        report.append(f"note: git commit was {manifest.get('git_sha')}, now {git_sha()}")
    current = results_csv_text(run(load_config(overrides)).table)
    if current == stored:
        report.append("identical: results.csv reproduced byte for byte")
        return True, report
    diff = difflib.unified_diff(stored.splitlines(True), current.splitlines(True), "stored", "replayed", n=0)
    report.append("different: first differing lines follow")
    report.extend(line.rstrip("\n") for line in list(diff)[:20])
    return False, report


def main(argv: list[str] | None = None) -> int:
    """Command-line entry; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir", type=Path, help="a run directory holding manifest.json and results.csv")
    args = parser.parse_args(argv)
    try:
        identical, report = replay(args.run_dir)
    except (FileNotFoundError, KeyError, json.JSONDecodeError) as err:
        print(f"error: {args.run_dir}: not a finished run directory ({err})", file=sys.stderr)
        return 2
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print("\n".join(report))
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
