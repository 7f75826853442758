"""Create the project's virtual environment (``.venv``) on first use, then re-run inside it.

Standard library only, so ``python3 run.py`` and ``python3 -m tests`` work on a machine with
nothing but Python 3.11+.  The environment is rebuilt when ``requirements.txt`` changes (a
hash of it is stamped into ``.venv``).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements.txt"
STAMP = VENV / ".requirements.sha256"


def venv_python() -> Path:
    """Path of the virtual environment's interpreter."""
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _requirements_hash() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def _inside_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def _install() -> None:
    if not venv_python().exists():
        print("setting up .venv (first run only) ...", file=sys.stderr, flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("installing pinned dependencies into .venv ...", file=sys.stderr, flush=True)
    command = [str(venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-r", str(REQUIREMENTS)]
    if subprocess.call(command) != 0:
        sys.exit("error: installing requirements.txt into .venv failed (see pip's message above)")
    STAMP.write_text(_requirements_hash())


def ensure_environment(argv: list[str] | None = None) -> None:
    """Make sure ``.venv`` is current; if not running inside it, re-execute there.

    Args:
        argv: the command line to re-execute (defaults to ``sys.argv`` as a script or module).
    """
    current = STAMP.exists() and STAMP.read_text().strip() == _requirements_hash()
    if not current:
        _install()
    if _inside_venv():
        return
    args = argv if argv is not None else [sys.argv[0], *sys.argv[1:]]
    python = str(venv_python())
    os.execv(python, [python, *args])
