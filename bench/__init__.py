"""Benchmarks: the proxy against nginx on this machine, and flip propagation across a fleet.

Run from the repository root: `.venv/bin/python -m bench.proxy`, `... -m bench.flag_propagation`.
See bench/README.md for what the numbers mean and the goals they are held to.
"""
