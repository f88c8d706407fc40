"""HR pages for assignment rules: list, make, change and remove (on the HR blueprint).

What a change or removal does to the assignments a rule gave is decided in
app/hr/assignments.py and said on the page before HR confirms.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.decorators import own_or_404, roles_required
from app.core import audit
from app.extensions import db
from app.hr import assignments, scope
from app.hr.forms import AssignmentRuleForm, ConfirmForm
from app.hr.routes import HR_ROLES, bp
from app.i18n import current_language
from app.models import AssignmentRule, LearningPath


def _rule_form(rule: AssignmentRule | None = None) -> tuple[AssignmentRuleForm, bool, set[int]]:
    """The form with its choices for this viewer; whether they see the whole organisation;
    the units they see."""
    form = AssignmentRuleForm(obj=rule)
    form.path_id.choices = [
        (p.id, p.title(current_language()))
        for p in db.session.scalars(
            sa.select(LearningPath)
            .where(LearningPath.visible_to(current_user.organisation_id))
            .order_by(LearningPath.slug)
        )
    ]
    form.job_role.choices = [("", _("Alle functies"))] + [
        (role, role) for role in assignments.known_job_roles(current_user.organisation_id)
    ]
    visible = scope.scope_unit_ids(current_user)
    whole = scope.sees_whole_organisation(current_user, visible)
    form.unit_id.choices = scope.unit_choices(current_user.organisation_id, visible)
    if whole:
        form.unit_id.choices.insert(0, (0, _("De hele organisatie")))
    if rule is not None and not form.is_submitted():
        form.unit_id.data = rule.unit_id or 0
        form.job_role.data = rule.job_role or ""
    elif not form.is_submitted() and form.unit_id.choices:
        form.unit_id.data = form.unit_id.choices[0][0]  # the whole organisation, when offered
    return form, whole, visible


def _fill(rule: AssignmentRule, form: AssignmentRuleForm) -> None:
    rule.path_id = form.path_id.data
    rule.job_role = (form.job_role.data or "").strip().lower() or None
    rule.unit_id = form.unit_id.data or None
    rule.deadline_on = form.deadline_on.data
    rule.deadline_days = form.deadline_days.data


def _editable(rule: AssignmentRule, whole: bool, visible: set[int]) -> bool:
    """A rule for the whole organisation is changed only by someone who sees all of it."""
    return whole if rule.unit_id is None else rule.unit_id in visible


def _own_rule(rule_id: int) -> tuple[AssignmentRule, AssignmentRuleForm]:
    rule = own_or_404(AssignmentRule, rule_id)
    form, whole, visible = _rule_form(rule)
    if not _editable(rule, whole, visible):
        abort(404)
    return rule, form


@bp.route("/toewijzingen", methods=["GET", "POST"])
@roles_required(*HR_ROLES)
def rules() -> str | Response:
    form, whole, visible = _rule_form()
    if form.validate_on_submit():
        rule = AssignmentRule(
            organisation_id=current_user.organisation_id, created_by_id=current_user.id
        )
        _fill(rule, form)
        db.session.add(rule)
        db.session.flush()
        count = assignments.apply_rules(current_user.organisation_id)
        audit.record(
            "assignment_rule.create", actor=current_user, target=f"rule:{rule.id}", assigned=count
        )
        db.session.commit()
        flash(
            _("De toewijzing is opgeslagen. %(n)s medewerkers kregen de leerroute.", n=count),
            "success",
        )
        return redirect(url_for("hr.rules"))
    shown = [
        rule
        for rule in db.session.scalars(
            sa.select(AssignmentRule)
            .where(AssignmentRule.organisation_id == current_user.organisation_id)
            .order_by(AssignmentRule.id)
        )
        if rule.unit_id is None or rule.unit_id in visible
    ]
    return render_template(
        "hr/rules.html",
        form=form,
        rules=shown,
        editable={rule.id for rule in shown if _editable(rule, whole, visible)},
        counts=assignments.assigned_by_rule(current_user.organisation_id),
        without_path=assignments.people_without_a_path(
            current_user.organisation_id, None if whole else visible
        ),
    ), 400 if form.errors else 200


@bp.route("/toewijzingen/<int:rule_id>", methods=["GET", "POST"])
@roles_required(*HR_ROLES)
def edit_rule(rule_id: int) -> str | Response:
    rule, form = _own_rule(rule_id)
    if form.validate_on_submit():
        _fill(rule, form)
        db.session.flush()
        change = assignments.plan_rule_change(rule)
        assignments.carry_out(change)
        added = assignments.apply_rules(current_user.organisation_id)
        audit.record(
            "assignment_rule.update",
            actor=current_user,
            target=f"rule:{rule.id}",
            assigned=added,
            withdrawn=len(change.withdraw),
            kept_completed=len(change.keep_completed),
            moved=len(change.move),
        )
        db.session.commit()
        flash(
            _(
                "De toewijzing is gewijzigd. %(added)s medewerkers kregen de leerroute erbij; "
                "bij %(withdrawn)s is hij ingetrokken.",
                added=added,
                withdrawn=len(change.withdraw),
            ),
            "success",
        )
        return redirect(url_for("hr.rules"))
    return render_template(
        "hr/rule_edit.html", rule=rule, form=form, count=_count(rule)
    ), 400 if form.errors else 200


def _count(rule: AssignmentRule) -> int:
    return assignments.assigned_by_rule(rule.organisation_id).get(rule.id, 0)


@bp.route("/toewijzingen/<int:rule_id>/verwijderen", methods=["GET", "POST"])
@roles_required(*HR_ROLES)
def remove_rule(rule_id: int) -> str | Response:
    rule, _form = _own_rule(rule_id)
    change = assignments.plan_rule_change(rule, removing=True)
    form = ConfirmForm()
    if form.validate_on_submit():
        assignments.carry_out(change)
        audit.record(
            "assignment_rule.delete",
            actor=current_user,
            target=f"rule:{rule.id}",
            path=rule.path.slug,
            withdrawn=len(change.withdraw),
            kept_completed=len(change.keep_completed),
            moved=len(change.move),
        )
        db.session.delete(rule)
        db.session.commit()
        flash(
            _(
                "De toewijzing is verwijderd. Bij %(n)s medewerkers is de leerroute ingetrokken.",
                n=len(change.withdraw),
            ),
            "success",
        )
        return redirect(url_for("hr.rules"))
    return render_template("hr/rule_remove.html", rule=rule, change=change, form=form)
