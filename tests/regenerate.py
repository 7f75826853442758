"""Regenerate every derived file: ``.venv/bin/python -m tests.regenerate [--baseline] [--figures]``.

Always: the generated tables of ``docs/DESIGN.md`` and the README (``tests.update_docs``).
``--baseline``: the stored small baseline (``tests.update_baseline``), after a change to results
that is intended (say why in the commit).  ``--figures``: the README's comparison figures and the
report screenshots' source, from the README's sweep (``scenario=baseline,no_monitoring,
withdraw_2021,jobs_push replicates=5``) compared in English and Chinese, copied to ``docs/figures/``
(a few minutes; replicates already in the store are read).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The sweep the README's figures come from, and the figures it copies.
README_SWEEP = ("scenario=baseline,no_monitoring,withdraw_2021,jobs_push", "replicates=5")
README_FIGURES = ("true_poor_henan.png", "true_poor_henan_zh.png", "curves_henan.png", "curves_henan_zh.png")


def figures() -> list[Path]:
    """Run the README's sweep and comparison in a temporary folder; copy its figures into docs/figures."""
    with tempfile.TemporaryDirectory() as folder:
        sweep = Path(folder) / "sweep"
        command = [sys.executable, "run.py", "-m", *README_SWEEP, f"hydra.sweep.dir={sweep}", "output.progress=false"]
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        compare = [sys.executable, "-m", "analysis", str(sweep), "--lang", "en,zh"]
        subprocess.run(compare, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        written = []
        for name in README_FIGURES:
            target = ROOT / "docs" / "figures" / name
            shutil.copyfile(sweep / "figures" / name, target)
            written.append(target)
        return written


def main(argv: list[str]) -> int:
    """Regenerate what the arguments ask for; print each file written."""
    unknown = [a for a in argv if a not in ("--baseline", "--figures")]
    if unknown:
        print(f"error: {unknown[0]}: unknown option; allowed: --baseline, --figures", file=sys.stderr)
        return 2
    from tests import update_docs

    for path, blocks in update_docs.BLOCKS.items():
        path.write_text(update_docs.render(path.read_text(encoding="utf-8"), blocks), encoding="utf-8")
        print(f"wrote {path}")
    if "--baseline" in argv:
        from tests import update_baseline

        update_baseline.BASELINE.write_text(update_baseline.baseline_text(), encoding="utf-8")
        print(f"wrote {update_baseline.BASELINE}")
    if "--figures" in argv:
        for path in figures():
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
