"""Benchmarks for lkj-bot: throughput, latency, growth, documents, start-up and memory.

Run everything with ``python -m bench.run_all`` from the repository root; see bench/README.md.
"""
