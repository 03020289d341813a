"""Benchmarks (`make bench`): scripts, plus the benchmark-only settings and URLs that
bench/throughput.sh serves."""
