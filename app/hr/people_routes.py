"""HR's list of the people in their scope (on the HR blueprint): filters, search, pages."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from app.auth.decorators import roles_required
from app.hr import people, reminders, scope
from app.hr.routes import HR_ROLES, bp
from app.hr.scope import descendant_unit_ids


@bp.route("/mensen")
@roles_required(*HR_ROLES)
def people_list() -> str:
    visible = scope.scope_unit_ids(current_user)
    unit_id = request.args.get("afdeling", type=int)
    if unit_id:
        unit = scope.unit_in_scope(current_user, unit_id) or abort(404)
        unit_ids = descendant_unit_ids(current_user.organisation_id, {unit.id})
    else:
        unit = None
        unit_ids = None if scope.sees_whole_organisation(current_user, visible) else visible
    filter_name = request.args.get("filter", "")
    query = request.args.get("q", "").strip()
    page = people.people_page(
        current_user.organisation_id,
        unit_ids,
        filter_name=filter_name,
        query=query,
        page=max(request.args.get("pagina", 1, type=int), 1),
    )
    return render_template(
        "hr/people.html",
        page=page,
        unit=unit,
        units=scope.unit_choices(current_user.organisation_id, visible),
        filters=people.FILTERS,
        filter_name=filter_name if filter_name in people.FILTERS else "",
        query=query,
        window_days=reminders.WINDOW.days,
    )
