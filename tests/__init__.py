"""Test suite: run with ``python3 -m tests``."""
