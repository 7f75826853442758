"""Policy levers: one module each, declaring itself once (:class:`sim.steps.Lever`).

Each lever module defines ``Params`` (with ``enabled``; ``enabled: false`` is the exact no-op
``none`` option, derived for every lever), ``apply(h, params, ctx) -> Effect`` and ``LEVER``,
its registration: name, phase of the year, whether the 2021 transition may withdraw it.
Importing this package imports every module in it, so a new lever joins the policy mix, the
configuration and the cost metrics by existing (``docs/DESIGN.md``, "Adding things").
"""

import importlib
import pkgutil

from sim.steps import PolicyConfig

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["PolicyConfig"]
