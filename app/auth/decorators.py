"""Permission decorators for views (stack them under the route decorator), and the look-ups
that answer 404 for what the signed-in person may not see."""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from app.extensions import db
from app.hr.scope import units_in_scope
from app.models import Certificate, Role, User

OwnedRow = TypeVar("OwnedRow")


def roles_required(*roles: Role) -> Callable:
    """Lets the view run only for a signed-in person holding one of `roles`; 403 otherwise."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def can_see_person(viewer: User, person: User) -> bool:
    """Admins see their own organisation; HR sees the people in the unit subtrees of their scope."""
    if viewer.id == person.id:
        return True
    if viewer.organisation_id != person.organisation_id:
        return False
    if viewer.has_role(Role.ADMIN):
        return True
    if viewer.has_role(Role.HR) and person.unit_id is not None:
        return person.unit_id in units_in_scope(viewer)
    return False


def own_or_404(model: type[OwnedRow], row_id: int) -> OwnedRow:
    """The `model` row with this id when it belongs to the signed-in person's organisation;
    404 otherwise, so nobody learns what other organisations have."""
    row = db.session.get(model, row_id)
    if row is None or row.organisation_id != current_user.organisation_id:
        abort(404)
    return row


def visible_certificate_or_404(certificate_id: int) -> Certificate:
    """The certificate when the signed-in person may see its holder (can_see_person); else 404."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not can_see_person(current_user, certificate.user):
        abort(404)
    return certificate


def person_in_scope(loader: Callable[[int], User | None]) -> Callable:
    """For views taking `user_id`: 404 when the person is unknown or out of the viewer's scope.

    404 rather than 403, so a scoped HR person cannot learn who exists outside their scope.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, user_id: int, **kwargs: Any) -> Any:
            person = loader(user_id)
            if person is None or not can_see_person(current_user, person):
                abort(404)
            return view(*args, person=person, **kwargs)

        return wrapped

    return decorator
