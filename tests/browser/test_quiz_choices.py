"""In a real browser: the answer a learner chose is visibly chosen, when they choose it and when
they come back to the question. axe-core cannot see this (the input is checked either way), so these
tests compare what is drawn: the computed style and the pixels of a chosen and an unchosen option.
"""

import pytest

from tests.browser.test_learner_journey import DESKTOP, PHONE, log_in
from tests.learn.helpers import open_attempt

#: What the NL Design System's radio button and checkbox change when they are checked.
LOOKS = (
    "() => Array.from(document.querySelectorAll('input[name=answer]')).map(input => {"
    " const style = getComputedStyle(input);"
    " return {checked: input.checked, appearance: style.appearance,"
    " look: [style.backgroundColor, style.backgroundImage, style.borderColor,"
    " style.borderWidth].join(' | ')}; })"
)


def looks(page) -> list[dict]:
    return page.evaluate(LOOKS)


def assert_chosen_is_visible(page, label: str) -> None:
    options = looks(page)
    chosen = [o for o in options if o["checked"]]
    others = [o for o in options if not o["checked"]]
    assert chosen and others, f"{label}: {options}"
    # The component draws the input itself (appearance: none): the browser's own dot is gone.
    assert {o["appearance"] for o in options} == {"none"}, f"{label}: {options}"
    for one in chosen:
        assert all(one["look"] != other["look"] for other in others), f"{label}: {options}"
    inputs = page.locator('input[name="answer"]')
    pixels = {
        inputs.nth(i).evaluate("e => e.checked"): inputs.nth(i).screenshot()
        for i in range(inputs.count())
    }
    assert pixels[True] != pixels[False], f"{label}: a chosen option is drawn as an unchosen one"


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_chosen_answer_is_visible_when_chosen_and_when_coming_back(page, learner, size):
    page.set_viewport_size(size)
    log_in(page, learner)
    page.goto("/modules/proef/toets")
    page.get_by_role("button", name="Start de toets").click()
    attempt = open_attempt(learner.id)
    kinds = attempt.module_version.quiz["questions"]
    by_id = {q["id"]: q["type"] for q in kinds}
    checked = []
    for number, drawn in enumerate(attempt.draw, start=1):
        kind = by_id[drawn["id"]]
        page.goto(f"/toets/{attempt.id}/{number}")
        if kind not in ("single", "true-false", "multiple"):
            continue
        page.locator('input[name="answer"]').first.check()
        page.mouse.move(0, 0)  # no hover, no focus ring: only the checked state differs
        page.evaluate("() => document.activeElement.blur()")
        assert_chosen_is_visible(page, f"question {number} ({kind}), just chosen")
        page.get_by_role("button", name="Opslaan en").last.click()
        checked.append((number, kind))
    assert {kind for _, kind in checked} >= {"single", "true-false", "multiple"}
    for number, kind in checked:
        page.goto(f"/toets/{attempt.id}/{number}")
        assert_chosen_is_visible(page, f"question {number} ({kind}), coming back")
