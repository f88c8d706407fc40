"""In a real browser at the narrowest phone width: no page of the learner's scrolls sideways, long
words hyphenate or wrap, and text is set in the typefaces the design tokens name (bundled, so no
fallback to Times)."""

import sqlalchemy as sa

from app.extensions import db
from app.models import AssignmentRule, HrScope, LearningPath, Lesson, Role, UserJobRole
from tests.browser.test_hr_journey import sign_in
from tests.browser.test_learner_journey import PHONE, log_in

NARROW = {"width": 320, "height": 640}
LONG_WORD = "arbeidsongeschiktheidsverzekeringsmaatschappijen"


def test_the_learners_pages_fit_a_narrow_phone_in_the_tokens_typefaces(page, learner):
    # A word longer than a phone is wide, as Dutch compounds can be.
    for lesson in db.session.scalars(sa.select(Lesson)):
        lesson.html = lesson.html.replace("</p>", f" {LONG_WORD}.</p>", 1)
    db.session.commit()
    log_in(page, learner)
    page.set_viewport_size(NARROW)
    for path in ("/mijn-leren", "/modules", "/modules/proef", "/modules/proef/01-wat-is-een-model"):
        page.goto(path)
        page.evaluate("document.fonts.ready.then(() => true)")
        sideways = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert sideways <= 0, f"{path} scrolls {sideways}px sideways at 320px"
        style = page.evaluate(
            "() => { const main = getComputedStyle(document.querySelector('main'));"
            " const h1 = getComputedStyle(document.querySelector('h1'));"
            " return {hyphens: main.hyphens, wrap: main.overflowWrap, body: main.fontFamily,"
            " heading: h1.fontFamily,"
            " loaded: document.fonts.check('16px \"Noto Sans\"')"
            " && document.fonts.check('bold 16px \"Noto Serif\"')}; }"
        )
        assert style["hyphens"] == "auto" and style["wrap"] in ("break-word", "anywhere"), path
        assert style["body"].startswith('"Noto Sans"'), style
        assert style["heading"].startswith('"Noto Serif"'), style
        assert style["loaded"], f"{path}: the bundled fonts did not load"
    assert LONG_WORD in page.inner_text("main")


def test_hr_tables_scroll_in_their_box_and_keep_words_whole_on_a_phone(page, make, content):
    """A table wider than the phone scrolls inside its labelled region: the page itself does not
    (screen-reader text in a cell widened it), and "toewijzingsregel" is not broken letter by
    letter to squeeze the table in."""
    organisation = make.organisation()
    unit = make.unit(organisation, "GEM")
    hr = make.user(Role.HR, Role.ADMIN, email="hr@example.org", name="Hanneke HR", unit=unit)
    db.session.add(HrScope(user_id=hr.id, unit_id=unit.id))
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    for role in ("beleidsmedewerker", "managementondersteuner"):
        make.user(name=role.title(), email=f"{role}@example.org", unit=unit).job_roles.append(
            UserJobRole(job_role=role)
        )
        db.session.add(
            AssignmentRule(
                organisation_id=organisation.id, path_id=path.id, unit_id=unit.id, job_role=role
            )
        )
    db.session.commit()
    sign_in(page, hr, "/hr/")
    page.set_viewport_size(PHONE)
    for address in ("/hr/toewijzingen", "/hr/verantwoording/", "/hr/"):
        page.goto(address)
        sideways = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert sideways <= 0, f"{address} scrolls {sideways}px sideways on a phone"
        region = page.locator(".utrecht-table-container").first
        assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
        assert region.get_attribute("aria-labelledby")
        wrap = page.evaluate(
            "() => getComputedStyle(document.querySelector('.utrecht-table td')).overflowWrap"
        )
        assert wrap == "normal", address
