"""Start the planner's dashboard: ``python3 -m dashboard [--host 127.0.0.1] [--port 8765] [--out DIR]``.

On first use it creates ``.venv`` and installs the pinned dependencies, as ``run.py`` does; the
server itself is :mod:`dashboard.server`.
"""

import sys

from bootstrap import ensure_environment

ensure_environment(["-m", "dashboard", *sys.argv[1:]])

from dashboard.server import main  # noqa: E402  (importable only inside .venv)

sys.exit(main(sys.argv[1:]))
