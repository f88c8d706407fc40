"""Where each person starts after signing in: HR on the HR dashboard, an admin on the admin
start page, everyone else (and anyone with both) on Mijn leren, which is in every menu."""

from flask import url_for

from app.models import Role, User


def start_url(user: User) -> str:
    if user.has_role(Role.HR):
        return url_for("hr.dashboard")
    if user.has_role(Role.ADMIN):
        return url_for("admin.index")
    return url_for("learn.my_learning")
