"""Benchmarks run by `make bench`: each compares a lingoloom stage with its peer on the same input."""
