"""Benchmarks: run as modules (python -m bench.NAME); each stops by itself."""
