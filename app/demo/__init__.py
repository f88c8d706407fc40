"""Demo data: the accounts `make run` loads, and large generated organisations for benchmarks."""

DEMO_PASSWORD = "geletterd-demo"  # noqa: S105 - development only, printed in the README
