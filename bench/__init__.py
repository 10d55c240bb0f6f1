"""Benchmarks: ``make bench`` runs them all (bench/run.py). Not tests: nothing asserts on a figure."""
