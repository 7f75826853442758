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

from analysis import i18n
from app.rundir import RunDirError, check_writable
from sim.text import LANGUAGES

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
            raise ArgumentError(f"{message}; allowed: --host ADDRESS --port 1-65535 --out DIR --lang en|zh")

    parser = Parser(prog="python3 -m dashboard", description="The planner's dashboard, served offline.")
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to bind (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", default=str(DEFAULT_PORT), help="port (default 8765)")
    parser.add_argument("--out", default="outputs/dashboard", help="folder for the comparisons' run folders")
    parser.add_argument("--lang", default=LANGUAGES[0], help="language the page opens in and of these lines: en or zh")
    args = parser.parse_args(argv)
    if args.lang not in LANGUAGES:
        raise ArgumentError(f"--lang: got {args.lang!r}; allowed: {', '.join(LANGUAGES)}")
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


def language_of(argv: list[str]) -> str:
    """The language ``--lang`` asks for, if the catalogue has it (for messages before the arguments are checked)."""
    asked = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--lang"]
    asked += [a.split("=", 1)[1] for a in argv if a.startswith("--lang=")]
    return asked[-1] if asked and asked[-1] in LANGUAGES else LANGUAGES[0]


def main(argv: list[str]) -> int:
    """Check the arguments, then serve the page until interrupted; return the exit status."""
    try:
        args = parse(argv)
        check_port_free(args.host, args.port)
    except ArgumentError as err:
        print(i18n.error_line(err, language_of(argv)), file=sys.stderr)
        return 2
    if not is_loopback(args.host):
        print(i18n.say("server.exposed", args.lang, host=args.host), file=sys.stderr)
    os.environ.update(SOLARA_ENVIRONMENT)
    os.environ["POVERTY_DASHBOARD_OUT"] = os.path.abspath(args.out)
    os.environ["POVERTY_DASHBOARD_LANG"] = args.lang
    warnings.filterwarnings("ignore", message="Cookies with samesite=none")
    import solara.server.settings
    import uvicorn

    solara.server.settings.main.mode = "production"
    config = uvicorn.Config(
        "solara.server.starlette:app", host=args.host, port=args.port, log_level="warning", access_log=False
    )
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(i18n.say("server.open", args.lang, address=f"http://{shown}:{args.port}/"), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run()
    return 0
