"""Benchmarks that print each figure as a ratio to a baseline measured in the same run.

Run with `python -m bench` (or `make bench`); not part of `make test`.
"""
