"""Demo data: the accounts `make run` loads, and large generated organisations for benchmarks."""

DEMO_PASSWORD = "geletterd-demo"  # noqa: S105 - development only, printed in the README
#: The authenticator-app key of the demo accounts whose role needs a second factor (trainer, HR,
#: admin): development only, in the README and printed by `flask demo load`; `flask demo code`
#: prints the current code for it.
DEMO_TOTP_SECRET = "GELETTERDDEMOGELETTERDDEMO234567"  # noqa: S105
