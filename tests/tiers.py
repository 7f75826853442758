"""The fast tier: which tests are slow, measured rather than guessed.

``.venv/bin/python -m tests.tiers [pytest args]`` runs the suite (or the files given) and records
each test's time (setup, call and teardown) in ``tests/data/durations.json``; the suite's
``conftest.py`` marks ``slow`` every test recorded at :data:`SLOW_SECONDS` or more, and every test
that shares a module- or session-scoped fixture whose setup was that slow (the fast tier would
otherwise pay for the fixture in the next test), unless it is marked ``fast`` (a fixture whose cost
scales with the tests selected).  ``python3 -m tests --fast`` runs the rest.  A new
test is fast until the durations are recorded again; a test that must stay out of the fast tier
whatever its time says so with ``@pytest.mark.slow``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

DURATIONS = Path(__file__).parent / "data" / "durations.json"
#: A test that takes this long or longer (setup, call and teardown together) is left out of the fast tier.
SLOW_SECONDS = 0.3


class Recorder:
    """A pytest plugin that adds up each test's phases and notes the shared fixtures its setup made."""

    def __init__(self) -> None:
        """Nothing recorded yet."""
        self.seconds: dict[str, float] = {}
        self.setup: dict[str, float] = {}

    def pytest_runtest_logreport(self, report) -> None:
        """Add one phase's time."""
        self.seconds[report.nodeid] = self.seconds.get(report.nodeid, 0.0) + report.duration
        if report.when == "setup":
            self.setup[report.nodeid] = report.duration


def shared_fixtures(item) -> list[str]:
    """The module-, package- or session-scoped fixtures a test uses."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return []
    return sorted(
        name
        for name, defs in info.name2fixturedefs.items()
        if defs and defs[-1].scope in ("module", "package", "session")
    )


def slow_ids(items, recorded: dict) -> set[str]:
    """The tests of ``items`` the fast tier leaves out, by the recorded durations."""
    seconds, setup = recorded.get("seconds", {}), recorded.get("setup", {})
    slow = {item.nodeid for item in items if seconds.get(item.nodeid, 0.0) >= SLOW_SECONDS}
    costly = {
        (item.module.__name__ if hasattr(item, "module") else "", name)
        for item in items
        if setup.get(item.nodeid, 0.0) >= SLOW_SECONDS
        for name in shared_fixtures(item)
    }
    for item in items:
        module = item.module.__name__ if hasattr(item, "module") else ""
        if any((module, name) in costly for name in shared_fixtures(item)):
            slow.add(item.nodeid)
    # ``fast``: kept in the fast tier whatever was recorded (its fixture's cost scales with what is selected)
    kept = {item.nodeid for item in items if item.get_closest_marker("fast")}
    return slow - kept


def longest_files_first(items, recorded: dict) -> None:
    """Order ``items`` file by file, the files that took longest first (a file's tests keep their order).

    The full suite hands whole files to its workers in this order (``--dist loadfile``), so the
    long files start at once and the short ones fill in around them, instead of a long file
    starting last and running alone.
    """
    seconds = recorded.get("seconds", {})
    per_file: dict[str, float] = {}
    for item in items:
        path = item.nodeid.split("::")[0]
        per_file[path] = per_file.get(path, 0.0) + seconds.get(item.nodeid, 0.0)
    position = {path: rank for rank, path in enumerate(sorted(per_file, key=lambda p: -per_file[p]))}
    items.sort(key=lambda item: position[item.nodeid.split("::")[0]])  # stable: a file keeps its order


def recorded() -> dict:
    """The recorded durations ({} when none are recorded)."""
    if not DURATIONS.is_file():
        return {}
    return json.loads(DURATIONS.read_text(encoding="utf-8"))


def main(argv: list[str]) -> int:
    """Run pytest with the recorder; merge what it measured into the durations file."""
    recorder = Recorder()
    status = pytest.main(["-p", "no:cacheprovider", *argv], plugins=[recorder])
    data = recorded()
    # A file run whole replaces its old records, so a test renamed or removed leaves none behind.
    whole = not any(arg in ("-k", "-m") or arg.startswith(("-k", "-m")) for arg in argv)
    files = {nodeid.split("::")[0] for nodeid in recorder.seconds} if whole else set()
    for key in ("seconds", "setup"):
        kept = {k: v for k, v in data.get(key, {}).items() if k.split("::")[0] not in files}
        data[key] = kept
        data[key].update({k: round(v, 3) for k, v in getattr(recorder, key).items()})
        data[key] = dict(sorted(data[key].items()))
    DURATIONS.parent.mkdir(parents=True, exist_ok=True)
    DURATIONS.write_text(json.dumps(data, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {DURATIONS} ({len(data['seconds'])} tests)")
    return int(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
