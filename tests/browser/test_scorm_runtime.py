"""SCORM 1.2 in a real browser: the package from `flask content export-scorm` runs in Chromium
against a real SCORM run-time (scorm-again, fetched from the npm registry), which records the
status and score the package reports through LMSSetValue, LMSCommit and LMSFinish."""

import functools
import shutil
import subprocess
import tarfile
import threading
import zipfile
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SCORM_AGAIN = "scorm-again@3.4.3"
LMS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test LMS</title>
<script src="scorm12.js"></script>
<script>
  window.API = new Scorm12API({ autocommit: false, logLevel: 5 });
  window.calls = [];
  ["LMSInitialize", "LMSCommit", "LMSFinish"].forEach(function (name) {
    window.API.on(name, function () { window.calls.push(name); });
  });
  window.API.on("LMSSetValue.cmi.*", function (element, value) {
    window.calls.push("LMSSetValue " + element + "=" + value);
  });
</script></head>
<body>
<iframe id="sco" title="SCO" src="package/index.html" width="1000" height="800"></iframe>
</body>
</html>
"""


@pytest.fixture(scope="session")
def scorm_again(tmp_path_factory) -> Path:
    """scorm-again's SCORM 1.2 run-time, fetched from the npm registry as `npm pack` does."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed (apt-get install npm); SCORM run-time test SKIPPED")
    folder = tmp_path_factory.mktemp("scorm-again")
    subprocess.run(
        [npm, "pack", SCORM_AGAIN, "--pack-destination", str(folder), "--silent"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (archive,) = folder.glob("scorm-again-*.tgz")
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="data")
    return folder / "package" / "dist" / "scorm12.js"


@pytest.fixture
def package(runner, content, tmp_path: Path) -> Path:
    """The fixture course's module, packaged by the command a trainer runs."""
    target = tmp_path / "proef.zip"
    result = runner.invoke(
        args=["content", "export-scorm", "proef", "--lang", "nl", "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    return target


@pytest.fixture
def lms(package: Path, scorm_again: Path, tmp_path: Path):
    """A web page holding the run-time's window.API with the package in an iframe, served over
    HTTP (file:// pages may not reach their parent's API)."""
    root = tmp_path / "lms"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(root / "package")  # noqa: S202 - the package we just built
    shutil.copy(scorm_again, root / "scorm12.js")
    (root / "index.html").write_text(LMS_PAGE)
    handler = functools.partial(QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/index.html"
    server.shutdown()
    server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def answer(frame, right: bool) -> None:
    """Answers every drawn question, rightly or wrongly, as a learner would with the mouse."""
    quiz = frame.evaluate("window.GELETTERD_QUIZ")
    questions = {question["id"]: question for question in quiz["questions"]}
    fieldsets = frame.locator("fieldset[data-question-id]")
    for index in range(fieldsets.count()):
        fieldset = fieldsets.nth(index)
        question = questions[fieldset.get_attribute("data-question-id")]
        options = question["options"]
        if question["type"] == "order":
            for stored in range(len(options)):
                place = stored + 1 if right else len(options) - stored
                fieldset.locator(f"select[id$='-{stored}']").select_option(str(place))
        elif question["type"] == "match":
            for left in range(len(options)):
                chosen = left if right else (left + 1) % len(options)
                fieldset.locator(f"select[id$='-{left}']").select_option(str(chosen))
        else:
            for stored, option in enumerate(options):
                if option["correct"] == right:
                    fieldset.locator(f"input[value='{stored}']").check()
                    if question["type"] != "multiple":
                        break


def run_package(browser, lms: str, right: bool):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.goto(lms)
    frame = page.frame_locator("#sco")
    frame.get_by_role("link", name="Toets").click()
    sco = page.frame(url=lambda url: url.endswith("package/index.html"))
    answer(sco, right)
    frame.get_by_role("button", name="Inleveren").click()
    frame.get_by_role("status").get_by_text("Je score").wait_for()
    # The learner leaves: the LMS closes the SCO, which finishes the session.
    page.evaluate("document.getElementById('sco').src = 'about:blank'")
    page.wait_for_function("window.calls.indexOf('LMSFinish') >= 0")
    recorded = page.evaluate(
        "({status: API.cmi.core.lesson_status, score: API.cmi.core.score.raw,"
        " location: API.cmi.core.lesson_location, calls: window.calls})"
    )
    context.close()
    return recorded


def test_a_passed_quiz_reports_passed_and_its_score_to_the_lms(browser, lms):
    recorded = run_package(browser, lms, right=True)
    assert recorded["status"] == "passed"
    assert recorded["score"] == "100"
    calls = recorded["calls"]
    assert calls[0] == "LMSInitialize"
    assert "LMSSetValue cmi.core.lesson_status=incomplete" in calls
    assert "LMSSetValue cmi.core.score.raw=100" in calls
    assert calls.index("LMSSetValue cmi.core.lesson_status=passed") < len(calls) - 1
    assert "LMSCommit" in calls and calls[-1] == "LMSFinish"
    assert recorded["location"] == "4"  # start, two lessons, terms, the quiz: for resuming


def test_a_failed_quiz_reports_failed_with_its_score(browser, lms):
    recorded = run_package(browser, lms, right=False)
    assert recorded["status"] == "failed"
    assert float(recorded["score"]) < 70
