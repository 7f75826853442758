"""Yearly processes: one module each, declaring itself once (:class:`sim.steps.Process`).

Importing this package imports every module in it, so a new process module joins the year
by existing; :func:`sim.steps.year_steps` resolves the order and ``docs/DESIGN.md`` shows it.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
