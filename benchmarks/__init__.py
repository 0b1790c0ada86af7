"""Benchmarks run by hand, one command each: `python -m benchmarks.<name>` (see README.md)."""
