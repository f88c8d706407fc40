"""Lesson feedback: a learner answers "Was deze les duidelijk?" under a lesson; trainers see
counts and comments per lesson and version, without names, from their own organisation only."""

from app.models import Role
from tests.conftest import Auth

LESSON = "/modules/proef/01-wat-is-een-model"


def signed_in(app, user) -> Auth:
    session = Auth(app.test_client())
    session.login(user)
    return session


def test_the_question_is_under_every_lesson(app, make, content):
    learner = signed_in(app, make.user())
    page = learner.client.get(LESSON).get_data(as_text=True)
    assert "Was deze les duidelijk?" in page
    assert 'action="/modules/proef/01-wat-is-een-model/duidelijk"' in page


def test_trainers_see_counts_and_comments_without_names_of_their_organisation_only(
    app, make, content
):
    for clear, comment in (("ja", ""), ("nee", "Het voorbeeld was te moeilijk."), ("ja", "")):
        learner = signed_in(app, make.user(name="Bram Bakker"))
        response = learner.post(f"{LESSON}/duidelijk", {"clear": clear, "comment": comment})
        assert response.status_code == 302
    again = signed_in(app, make.user(name="Dubbel"))
    again.post(f"{LESSON}/duidelijk", {"clear": "nee"})
    again.post(f"{LESSON}/duidelijk", {"clear": "ja"})  # replaces, does not add
    other = make.organisation("gemeente-b", "Gemeente B")
    elsewhere = signed_in(app, make.user(organisation=other))
    elsewhere.post(f"{LESSON}/duidelijk", {"clear": "nee", "comment": "Geheim van B."})

    trainer = signed_in(app, make.user(Role.TRAINER))
    page = trainer.client.get("/studio/modules/proef/reacties").get_data(as_text=True)
    row = page.split("Wat is een model?", 1)[1].split("</tr>", 1)[0]
    assert ">3<" in row and ">1<" in row  # 3 clear, 1 not
    assert "Het voorbeeld was te moeilijk." in row
    assert "Bram Bakker" not in page and "Dubbel" not in page
    assert "Geheim van B." not in page


def test_feedback_needs_an_answer_and_a_visible_lesson(app, make, content):
    learner = signed_in(app, make.user())
    assert learner.post(f"{LESSON}/duidelijk", {"comment": "x"}).status_code == 400
    assert learner.post("/modules/proef/bestaat-niet/duidelijk", {"clear": "ja"}).status_code == 404
