"""The simulation engine: household arrays, yearly processes, policy levers (no I/O)."""
