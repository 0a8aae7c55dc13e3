"""Benchmarks and the synthetic medical speech they run on."""
