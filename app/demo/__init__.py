"""Demo data: the accounts `make run` loads, and large generated organisations for benchmarks."""
