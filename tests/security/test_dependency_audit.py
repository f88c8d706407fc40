"""How CI reads pip-audit's report (scripts/audit_dependencies.py): a known vulnerability fails,
an audit that checked nothing says so instead of passing quietly."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "scripts" / "audit_dependencies.py"
spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
audit_dependencies = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit_dependencies)
verdict = audit_dependencies.verdict


def test_a_known_vulnerability_fails_and_names_the_fix():
    report = {
        "dependencies": [
            {"name": "flask", "version": "3.1.3", "vulns": []},
            {
                "name": "jinja2",
                "version": "3.1.2",
                "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"]}],
            },
        ]
    }
    code, text = verdict(report)
    assert code == 1
    assert "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)" in text


def test_nothing_checked_is_reported_as_not_run_without_failing():
    report = {"dependencies": [{"name": "flask", "version": "3.1.3", "skip_reason": "not found"}]}
    code, text = verdict(report)
    assert code == 0 and "NOT RUN" in text


def test_a_clean_audit_says_how_many_were_checked():
    report = {
        "dependencies": [
            {"name": "flask", "version": "3.1.3", "vulns": []},
            {"name": "segno", "version": "1.6.6", "skip_reason": "not found"},
        ]
    }
    code, text = verdict(report)
    assert code == 0
    assert "1 dependencies checked, no known vulnerabilities; 1 could not be checked" in text
