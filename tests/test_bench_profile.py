"""bench/profile.py runs end to end and reports every page (so the profiling tool does not rot)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_profiler_reports_each_page_with_its_cost_and_statements():
    finished = subprocess.run(
        [sys.executable, str(ROOT / "bench/profile.py"), "--runs", "3", "--learners", "4"],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "TEST_DATABASE_URL": "sqlite://"},
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    rows = {
        line.split("|")[1].strip(): line.split("|")[2:5]
        for line in finished.stdout.splitlines()
        if line.startswith("| ") and not line.startswith("| page")
    }
    pages = ["livez", "livez-session", "lesson", "my-learning", "quiz-page", "save-answer"]
    assert set(pages + ["submit"]) <= set(rows), finished.stdout
    assert float(rows["livez"][2]) == 0  # the bare route sends no SQL
    assert all(float(rows[page][0]) > 0 for page in pages)
    assert float(rows["lesson"][2]) >= 2 and float(rows["submit"][2]) > float(rows["lesson"][2])
