"""Command-line edge: composing configs, running replicates, writing outputs."""
