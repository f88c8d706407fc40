"""The HR dashboard's figures for very large scopes, counted every few minutes instead of per view.

Counting a whole organisation of 100,000 people takes 250-450 ms of database work
(docs/performance.md): every assignment joined with its person and certificates, twice. When
counting a scope live takes longer than LIVE_BUDGET_SECONDS, its figures are kept in the
database (so every app server shows the same) and shown, saying how old they are, for up to
HR_FIGURES_MAX_AGE seconds; `flask figures refresh`, run from cron every few minutes, counts
them again before they expire. Smaller scopes (a directorate, a department, a team) are always
counted live. HR's own changes (a revoked certificate, a confirmed import, a rule) drop their
organisation's snapshots, so HR sees the effect of what they did at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Response, current_app, request
from flask_login import current_user

from app.core.time import utcnow
from app.extensions import db
from app.hr import reports
from app.hr.reports import Dashboard, Figures
from app.models import FigureSnapshot

#: Counting live takes longer than this: keep the figures.
LIVE_BUDGET_SECONDS = 0.15


@dataclass
class ShownFigures:
    figures: Dashboard
    #: When they were counted, if not for this request.
    counted_at: dt.datetime | None = None

    @property
    def minutes_old(self) -> int:
        return int((utcnow() - self.counted_at).total_seconds() // 60) if self.counted_at else 0


@dataclass(frozen=True)
class Scope:
    """What a dashboard counts: the units heading its rows, the unit drilled into, the
    language of its labels. HR officers with the same scope share a snapshot; one with another
    scope never sees it."""

    organisation_id: int
    roots: tuple[int, ...]
    own_unit_id: int | None
    language: str

    @property
    def described(self) -> list:
        """What the scope is, as stored with its figures (`refresh` rebuilds it from this)."""
        return [list(self.roots), self.own_unit_id, self.language]

    @classmethod
    def from_described(cls, organisation_id: int, described: list) -> Scope:
        roots, own_unit_id, language = described
        return cls(organisation_id, tuple(roots), own_unit_id, language)

    @property
    def key(self) -> str:
        return hashlib.sha256(json.dumps(self.described).encode()).hexdigest()

    def count(self) -> Dashboard:
        return reports.dashboard(
            self.organisation_id,
            set(self.roots),
            language=self.language,
            own_unit_id=self.own_unit_id,
        )


def dashboard(
    organisation_id: int, roots: set[int], language: str, own_unit_id: int | None = None
) -> ShownFigures:
    """The figures for the scope: from a recent snapshot if there is one, else counted now (and
    kept when counting took long)."""
    scope = Scope(organisation_id, tuple(sorted(roots)), own_unit_id, language)
    snapshot = _snapshot(scope)
    max_age = dt.timedelta(seconds=current_app.config["HR_FIGURES_MAX_AGE"])
    if snapshot is not None and utcnow() - snapshot.computed_at < max_age:
        return ShownFigures(_dashboard_from(snapshot.figures), snapshot.computed_at)
    started = time.perf_counter()
    figures = scope.count()
    if snapshot is not None or time.perf_counter() - started > LIVE_BUDGET_SECONDS:
        _keep(scope, figures, snapshot)
    return ShownFigures(figures)


def refresh(organisation_id: int | None = None) -> int:
    """Counts every kept scope again (of one organisation, or all); returns how many."""
    query = sa.select(FigureSnapshot)
    if organisation_id is not None:
        query = query.where(FigureSnapshot.organisation_id == organisation_id)
    snapshots = list(db.session.scalars(query))
    for snapshot in snapshots:
        scope = Scope.from_described(snapshot.organisation_id, snapshot.figures["scope"])
        _keep(scope, scope.count(), snapshot)
    return len(snapshots)


def forget(organisation_id: int) -> None:
    """Drops the organisation's snapshots: the next view counts live. The caller commits."""
    db.session.execute(
        sa.delete(FigureSnapshot).where(FigureSnapshot.organisation_id == organisation_id)
    )


def forget_after_a_change(response: Response) -> Response:
    """For the HR and admin pages (after_request): after a change that succeeded, the
    organisation's kept figures are dropped."""
    if request.method == "POST" and response.status_code < 400 and current_user.is_authenticated:
        forget(current_user.organisation_id)
        db.session.commit()
    return response


def _snapshot(scope: Scope) -> FigureSnapshot | None:
    return db.session.scalar(
        sa.select(FigureSnapshot).where(
            FigureSnapshot.organisation_id == scope.organisation_id,
            FigureSnapshot.scope == scope.key,
        )
    )


def _keep(scope: Scope, figures: Dashboard, snapshot: FigureSnapshot | None) -> None:
    stored = {"scope": scope.described, **_as_json(figures)}
    if snapshot is None:
        snapshot = FigureSnapshot(organisation_id=scope.organisation_id, scope=scope.key)
        db.session.add(snapshot)
    snapshot.figures, snapshot.computed_at = stored, utcnow()
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        # Another server kept the same scope a moment earlier: theirs will do.
        db.session.rollback()


def _as_json(figures: Dashboard) -> dict:
    def row(f: Figures) -> list:
        return [f.label, f.people, f.assigned, f.completed, f.overdue, f.key, f.without_path]

    return {
        "total": row(figures.total),
        "units": [row(f) for f in figures.units],
        "paths": [row(f) for f in figures.paths],
        "roles": [row(f) for f in figures.roles],
        "weeks": [[monday.isoformat(), count] for monday, count in figures.weeks],
        "progress": [[monday.isoformat(), a, c] for monday, a, c in figures.progress],
    }


def _dashboard_from(stored: dict) -> Dashboard:
    return Dashboard(
        total=Figures(*stored["total"]),
        units=[Figures(*row) for row in stored["units"]],
        paths=[Figures(*row) for row in stored["paths"]],
        roles=[Figures(*row) for row in stored["roles"]],
        weeks=[(dt.date.fromisoformat(monday), count) for monday, count in stored["weeks"]],
        # Snapshots kept before progress was counted have none: the chart is then empty.
        progress=[
            (dt.date.fromisoformat(monday), assigned, completed)
            for monday, assigned, completed in stored.get("progress", [])
        ],
    )
