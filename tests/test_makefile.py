"""`make run`, the first command in the README: it serves where it is asked to."""

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def dry_run(*arguments: str) -> str:
    """What `make` would run, without running it (`-n`): nothing is installed or served."""
    result = subprocess.run(
        ["make", "-n", *arguments], cwd=REPO, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(("arguments", "port"), [((), "5000"), (("PORT=5001",), "5001")])
def test_make_run_serves_on_5000_or_the_port_asked_for(arguments, port):
    """Port 5000 is taken by another service on many Macs: `make run PORT=5001` must work."""
    assert f"flask run --host 127.0.0.1 --port {port}" in dry_run("run", *arguments)
