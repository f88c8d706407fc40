"""Checks the installed, pinned dependencies against known vulnerabilities with pip-audit.

Exit 1 when a dependency has a known vulnerability. When the vulnerability data cannot be had
(no network, or an index that does not answer for these versions) it says so plainly and exits
0: CI must not fail for lack of network, but nobody should read "no vulnerabilities" into it.

    .venv/bin/python scripts/audit_dependencies.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def verdict(report: dict) -> tuple[int, str]:
    """(exit code, what to print) for pip-audit's JSON report."""
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = [d for d in dependencies if not d.get("skip_reason")]
    vulnerable = [d for d in audited if d.get("vulns")]
    if vulnerable:
        lines = [
            f"{d['name']} {d['version']}: {v['id']} "
            f"(fixed in {', '.join(v.get('fix_versions') or ['no release yet'])})"
            for d in vulnerable
            for v in d["vulns"]
        ]
        return 1, "== dependency audit: KNOWN VULNERABILITIES ==\n" + "\n".join(lines)
    if not audited:
        return 0, (
            f"== dependency audit NOT RUN: the vulnerability data answered for none of the "
            f"{len(dependencies)} dependencies (offline, or a package index without it) =="
        )
    return 0, (
        f"== dependency audit: {len(audited)} dependencies checked, no known vulnerabilities; "
        f"{len(skipped)} could not be checked =="
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "report.json"
        command = [
            str(PIP_AUDIT),
            "--skip-editable",
            "--progress-spinner=off",
            "--format=json",
            f"--output={output}",
        ]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=600)  # noqa: S603
        except (OSError, subprocess.TimeoutExpired) as error:
            print(f"== dependency audit NOT RUN: {error} ==")
            return 0
        if not output.exists() or not output.read_text().strip():
            reason = (run.stderr.strip().splitlines() or ["no report"])[-1]
            print(f"== dependency audit NOT RUN: {reason} ==")
            return 0
        code, text = verdict(json.loads(output.read_text()))
    print(text)
    return code


if __name__ == "__main__":
    sys.exit(main())
