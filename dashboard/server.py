"""Serve the dashboard page offline, on 127.0.0.1 unless told otherwise.

The page is served by solara's own server (Starlette on uvicorn).  Every asset (JavaScript, CSS,
fonts) comes from the installed ``solara-assets`` package, and solara's usage telemetry and its
check for a newer version on PyPI are off, so neither the page nor the server reaches the
internet.  ``--host`` other than a loopback address prints a warning: the page has no accounts,
and anyone who reaches the port can run simulations and write scenario files.  Bad arguments
print one line naming the option and the allowed values, and exit with status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import socket
import sys
import warnings
from pathlib import Path

from app.rundir import RunDirError, check_writable

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765
#: Solara settings (read from the environment when solara is imported): no telemetry, local assets only.
SOLARA_ENVIRONMENT = {
    "SOLARA_APP": "dashboard.page",
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_THEME_VARIANT": "light",
}


class ArgumentError(Exception):
    """A bad command-line argument (one-line message)."""


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line, checked: host, port and output folder.

    Raises:
        ArgumentError: an unknown option or a bad value, named with what is allowed.
    """

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> None:
            raise ArgumentError(f"{message}; allowed: --host ADDRESS --port 1-65535 --out DIR")

    parser = Parser(prog="python3 -m dashboard", description="The planner's dashboard, served offline.")
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", default=str(DEFAULT_PORT), help="port (default 8765)")
    parser.add_argument("--out", default="outputs/dashboard", help="folder for the comparisons' run folders")
    args = parser.parse_args(argv)
    if not args.port.isdigit() or not 1 <= int(args.port) <= 65535:
        raise ArgumentError(f"--port: got {args.port!r}; allowed: a whole number in [1, 65535]")
    args.port = int(args.port)
    try:
        socket.getaddrinfo(args.host, args.port)
    except (socket.gaierror, UnicodeError):
        raise ArgumentError(f"--host: got {args.host!r}; allowed: an address of this machine, e.g. 127.0.0.1") from None
    try:
        check_writable(Path(args.out), "--out")
    except RunDirError as err:
        raise ArgumentError(str(err)) from None
    return args


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_port_free(host: str, port: int) -> None:
    """Raise ArgumentError if something already listens on ``host:port``."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: closed connections do not count
        try:
            probe.bind((host, port))
        except OSError as err:
            raise ArgumentError(
                f"--port: got {port}; {host}:{port} cannot be used ({err.strerror}); allowed: a free port"
            ) from None


def main(argv: list[str]) -> int:
    """Check the arguments, then serve the page until interrupted; return the exit status."""
    try:
        args = parse(argv)
        check_port_free(args.host, args.port)
    except ArgumentError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not is_loopback(args.host):
        print(
            f"warning: --host {args.host}: the dashboard is reachable from other machines; it has no accounts, "
            "and anyone who reaches it can run simulations and save scenario files",
            file=sys.stderr,
        )
    os.environ.update(SOLARA_ENVIRONMENT)
    os.environ["POVERTY_DASHBOARD_OUT"] = os.path.abspath(args.out)
    warnings.filterwarnings("ignore", message="Cookies with samesite=none")
    import solara.server.settings
    import uvicorn

    solara.server.settings.main.mode = "production"
    config = uvicorn.Config(
        "solara.server.starlette:app", host=args.host, port=args.port, log_level="warning", access_log=False
    )
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"dashboard: open http://{shown}:{args.port}/ in a browser (Ctrl-C stops it)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run()
    return 0
