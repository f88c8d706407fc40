"""Creating accounts and signing in, shared by the views and the CLI."""

import sqlalchemy as sa

from app.auth.passwords import MIN_PASSWORD_LENGTH, hash_password, verify_password
from app.core import audit
from app.extensions import db
from app.models import Organisation, Role, RoleGrant, User


class AccountError(ValueError):
    """Raised with a message fit to show to the person creating the account."""


def get_or_create_organisation(slug: str, name: str) -> Organisation:
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        organisation = Organisation(slug=slug, name=name)
        db.session.add(organisation)
        db.session.flush()
    return organisation


def find_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == User.normalise_email(email)))


def create_user(
    *,
    organisation: Organisation,
    email: str,
    name: str,
    password: str | None,
    roles: set[Role] | None = None,
    language: str = "nl",
    employee_number: str | None = None,
    unit_id: int | None = None,
) -> User:
    """Creates an account; every person is at least a learner. Raises AccountError."""
    email = User.normalise_email(email)
    if find_by_email(email) is not None:
        raise AccountError(f"an account with email {email} already exists")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters long")
    user = User(
        organisation=organisation,
        email=email,
        name=name,
        language=language,
        employee_number=employee_number,
        unit_id=unit_id,
        password_hash=hash_password(password) if password else None,
    )
    for role in (roles or set()) | {Role.LEARNER}:
        user.role_grants.append(RoleGrant(role=role.value))
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None. Logs the attempt."""
    user = find_by_email(email)
    if user is None or not user.active or not verify_password(user.password_hash, password):
        audit.record("auth.login_failed", actor=user, target=f"email:{User.normalise_email(email)}")
        return None
    audit.record("auth.login", actor=user, target=f"user:{user.id}")
    return user
