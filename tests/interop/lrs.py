"""A real learning record store for the tests: Ralph (ralph-malph) with its file-system backend,
served by uvicorn in a process of its own, stoppable and startable on the same data.

Ralph is another system, so it gets a virtual environment of its own (tmp/ralph-venv, ignored by
git, made on first use from PyPI): its pinned dependencies (python-jose, an older Starlette)
would otherwise sit in the app's environment, where the dependency audit (pip-audit in CI) reads
them as ours.

One change to Ralph, made in the server process: its file-system LRS backend (5.1.0) writes
every statement with the "create" operation to one file, fs_lrs.jsonl, so the second statement
it is sent fails with HTTP 500 ("already exists and overwrite is not allowed"). We switch that
backend to "append", which its data backend supports. Everything else, the xAPI API, Basic
authentication, statement validation and the PUT semantics (the same id twice is stored once,
a different statement under a known id is a 409), is Ralph's own.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

#: Ralph's LRS server imports requests (its OpenID Connect module) without declaring it.
RALPH = "ralph-malph[lrs]==5.1.0 requests==2.34.2"
VENV = Path(__file__).resolve().parents[2] / "tmp" / "ralph-venv"
USERNAME = "geletterd"
PASSWORD = "lrs-test-password"


SERVE = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def ralph_python() -> Path:
    """The Python of Ralph's own environment, made (once) if needed."""
    python = VENV / "bin" / "python"
    marker = VENV / "installed.txt"
    if marker.exists() and marker.read_text() == RALPH:
        return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *RALPH.split()],
        check=True,
        timeout=900,
    )
    marker.write_text(RALPH)
    return python


def _bcrypt_hash(python: Path, password: str) -> str:
    """Ralph's credentials file wants a bcrypt hash, made with Ralph's own bcrypt."""
    script = (
        "import bcrypt, sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(4)).decode())"
    )
    run = subprocess.run(
        [python, "-c", script, password], check=True, capture_output=True, text=True
    )
    return run.stdout.strip()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RalphLRS:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = _free_port()
        self.process: subprocess.Popen | None = None
        self.python = ralph_python()
        (directory / "auth.json").write_text(
            json.dumps(
                [
                    {
                        "username": USERNAME,
                        "hash": _bcrypt_hash(self.python, PASSWORD),
                        "scopes": ["statements/write", "statements/read"],
                        "agent": {"mbox": "mailto:lrs-owner@example.org"},
                    }
                ]
            )
        )

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self) -> None:
        environment = {
            **os.environ,
            "RALPH_APP_DIR": str(self.directory),
            "RALPH_AUTH_FILE": str(self.directory / "auth.json"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(self.directory),
            "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(self.directory),
        }
        self.process = subprocess.Popen(
            [self.python, "-c", SERVE, str(self.port)],
            cwd=self.directory,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/__heartbeat__", timeout=1).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("Ralph's LRS did not start within 30 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def statements(self, agent: dict | None = None) -> list[dict]:
        params = {"limit": 500}
        if agent is not None:
            params["agent"] = json.dumps(agent)
        response = requests.get(
            self.endpoint + "statements",
            params=params,
            auth=(USERNAME, PASSWORD),
            headers={"X-Experience-API-Version": "1.0.3"},
            timeout=10,
        )
        response.raise_for_status()
        return response.json()["statements"]
