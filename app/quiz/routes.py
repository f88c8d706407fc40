"""Quiz pages: start or resume an attempt, one question per page (saved on every step), submit."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from app.content.published import published
from app.core import formats
from app.core.time import utcnow
from app.extensions import db
from app.i18n import current_language, time_zone
from app.learn.next_steps import next_steps
from app.learn.progress import reading_state
from app.models import QuizAttempt
from app.quiz import attempts

bp = Blueprint("quiz", __name__)


def _version_for(slug: str):
    state = reading_state(current_user, slug)
    if state is None or not state.version.has_quiz:
        abort(404)
    return state.version


def _own_attempt(attempt_id: int) -> QuizAttempt:
    """The signed-in learner's attempt; 404 for anyone else's, which stay hidden."""
    attempt = attempts.own_attempt(attempt_id, current_user.id)
    if attempt is None:
        abort(404)
    return attempt


@bp.route("/modules/<slug>/toets")
@login_required
def quiz_home(slug: str) -> str:
    version = _version_for(slug)
    db.session.commit()
    return render_template(
        "quiz/home.html",
        version=version,
        rules=attempts.rules_for(current_user, version),
        attempts=attempts.attempts_of(current_user, version),
        form=FlaskForm(),
    )


@bp.route("/modules/<slug>/toets/start", methods=["POST"])
@login_required
def start(slug: str) -> Response:
    if not FlaskForm().validate_on_submit():
        abort(400)
    version = _version_for(slug)
    try:
        attempt = attempts.start_attempt(current_user, version)
        db.session.commit()
    except sa.exc.IntegrityError:
        # Two tabs started at once: the other one won; continue with its attempt.
        db.session.rollback()
        attempt = attempts.rules_for(current_user, version).open_attempt
        if attempt is None:
            raise
    except attempts.QuizError as error:
        db.session.rollback()
        flash(_refusal(error, version), "warning")
        return redirect(url_for("quiz.quiz_home", slug=slug))
    return redirect(url_for("quiz.question", attempt_id=attempt.id, number=1))


def _refusal(error: attempts.QuizError, version) -> str:
    """Why an attempt could not start; a learner who must wait is told from when."""
    wait_until = attempts.rules_for(current_user, version).wait_until
    if wait_until is not None and wait_until > utcnow():
        moment = formats.when(wait_until, current_language(), time_zone())
        return _("Je kunt de toets opnieuw maken vanaf %(time)s.", time=moment)
    return _(str(error))


@bp.route("/toets/<int:attempt_id>/<int:number>", methods=["GET", "POST"])
@login_required
def question(attempt_id: int, number: int) -> str | Response:
    attempt = _own_attempt(attempt_id)
    if attempt.submitted_at is not None:
        return redirect(url_for("quiz.result", attempt_id=attempt.id))
    if not 1 <= number <= len(attempt.draw):
        abort(404)
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        attempts.save_answer(attempt, number - 1, request.form)
        db.session.commit()
        action = request.form.get("action")
        if action == "previous" and number > 1:
            return redirect(url_for("quiz.question", attempt_id=attempt.id, number=number - 1))
        if action == "next" and number < len(attempt.draw):
            return redirect(url_for("quiz.question", attempt_id=attempt.id, number=number + 1))
        return redirect(url_for("quiz.overview", attempt_id=attempt.id))
    version = published(attempt.module_version_id)
    shown = attempts.public_question(version, attempt, number - 1)
    answer = attempts.saved_answer(attempt, shown["id"])
    saved = answer.response if answer else None
    return render_template(
        "quiz/question.html",
        attempt=attempt,
        version=version,
        q=shown,
        number=number,
        total=len(attempt.draw),
        selected=attempts.shown_selection(attempt, number - 1, saved),
        form=form,
    )


@bp.route("/toets/<int:attempt_id>/overzicht")
@login_required
def overview(attempt_id: int) -> str | Response:
    attempt = _own_attempt(attempt_id)
    if attempt.submitted_at is not None:
        return redirect(url_for("quiz.result", attempt_id=attempt.id))
    answered = {
        qid
        for qid, response in attempt.answers_by_question().items()
        if response not in (None, [], {})
    }
    questions = [
        attempts.public_question(published(attempt.module_version_id), attempt, i)
        for i in range(len(attempt.draw))
    ]
    return render_template(
        "quiz/overview.html",
        attempt=attempt,
        version=published(attempt.module_version_id),
        questions=questions,
        answered=answered,
        form=FlaskForm(),
    )


@bp.route("/toets/<int:attempt_id>/inleveren", methods=["POST"])
@login_required
def submit(attempt_id: int) -> Response:
    if not FlaskForm().validate_on_submit():
        abort(400)
    if attempts.submit(current_user, attempt_id):
        db.session.commit()
    else:
        _own_attempt(attempt_id)  # submitted already (its result shows), or not theirs: 404
    return redirect(url_for("quiz.result", attempt_id=attempt_id))


@bp.route("/toets/<int:attempt_id>/resultaat")
@login_required
def result(attempt_id: int) -> str | Response:
    attempt = _own_attempt(attempt_id)
    if attempt.submitted_at is None:
        return redirect(url_for("quiz.overview", attempt_id=attempt.id))
    version = published(attempt.module_version_id)
    steps = None
    if attempt.passed:
        steps = next_steps(current_user, version.module_id, version.slug)
    return render_template(
        "quiz/result.html",
        attempt=attempt,
        version=version,
        steps=steps,
        review=attempts.review(attempt),
        rules=attempts.rules_for(current_user, version),
        form=FlaskForm(),
    )
