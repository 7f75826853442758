"""Analysis of run outputs: reads ``results.csv`` tables only, never the model."""

import os

# Figures are drawn off screen (runs, comparisons, the dashboard's threads).  Set by the
# environment rather than by ``matplotlib.use`` so that the command line's preflight, which
# imports this package, does not pay for importing matplotlib.
os.environ.setdefault("MPLBACKEND", "Agg")
