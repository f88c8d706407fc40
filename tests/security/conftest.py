"""Every page a person can reach, fetched once for the whole folder: the real course, every role,
Dutch and English, error pages and forms returned with errors."""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app.api import tokens
from app.certificates import issuing
from app.content.loader import Loader
from app.content.publish import sync
from app.extensions import db, limiter
from app.models import (
    AiSystem,
    ApiToken,
    Assignment,
    AssignmentRule,
    HrScope,
    ImportBatch,
    Job,
    LearningPath,
    ModuleDraft,
    QuizAttempt,
    Role,
)
from tests.conftest import Auth, Factory, csrf_token
from tests.learn.helpers import read_all_lessons, take_quiz
from tests.security.html_scan import PageScan, scan
from tests.test_authorization_matrix import ROUTES

REPOSITORY = Path(__file__).resolve().parents[2]
#: Downloads and files, not pages: their bytes are checked elsewhere and some take long to make.
NOT_PAGES = (".pdf", ".zip", ".csv", ".xlsx", ".json", ".css", ".png", ".svg")
MAX_PAGES_PER_ROLE = 400


@dataclass(frozen=True)
class Page:
    role: str
    url: str
    status: int
    mimetype: str
    csp: str
    html: str
    #: What the HTML would run or load (scanned once here: the pages are many and long).
    found: PageScan

    def __str__(self) -> str:
        return f"{self.role} {self.url} ({self.status})"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def internal_links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    links = []
    for href in parser.hrefs:
        url, _ = urldefrag(href)
        parts = urlsplit(url)
        if (
            url.startswith("/")
            and not parts.netloc
            and not parts.path.endswith(NOT_PAGES)
            and not parts.path.startswith(("/static/", "/bestanden/"))
        ):
            links.append(url)
    return links


def fetch(role: str, client: FlaskClient, url: str, method: str = "GET", data=None) -> Page:
    if method == "POST":
        response = client.post(url, data=data, content_type="multipart/form-data")
    else:
        response = client.get(url)
    html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    response.close()
    return Page(
        role,
        f"{method} {url}" if method != "GET" else url,
        response.status_code,
        response.mimetype,
        response.headers.get("Content-Security-Policy", ""),
        html,
        scan(html),
    )


def is_content_page(url: str) -> bool:
    """A lesson, or a module's page in the studio: many of them, the same for every role."""
    path = urlsplit(url).path
    lesson = path.startswith("/modules/") and path.count("/") == 3 and "/toets" not in path
    return lesson or (path.startswith("/studio/modules/") and path.count("/") >= 4)


def crawl(role: str, client: FlaskClient, seeds: list[str], shared: set[str]) -> list[Page]:
    """Every page reachable by links from `seeds`. Content pages another role of the same
    language already fetched are skipped: their template is the same for everyone."""
    queue, seen, pages = deque(seeds), set(), []
    while queue and len(pages) < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        if url in seen or url in shared:
            continue
        seen.add(url)
        if is_content_page(url):
            shared.add(url)
        page = fetch(role, client, url)
        pages.append(page)
        queue.extend(link for link in internal_links(page.html) if link not in seen)
    return pages


def build_world(app: Flask) -> dict:
    """The real course and one of everything a page can show."""
    report = sync(Loader(REPOSITORY).load())
    assert not report.problems, report.problems
    make = Factory()
    organisation = make.organisation()
    root = make.unit(organisation, "GEM")
    team = make.unit(organisation, "TEAM", parent=root)
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis-iedereen"))
    owner = make.user(name="Eigenaar", unit=team, email="owner@example.org", language="en")
    learner = make.user(name="Leerling", unit=team, email="learner@example.org")
    for person in (owner, learner):
        db.session.add(Assignment(user_id=person.id, path_id=path.id, deadline=dt.date.today()))
    hr = make.user(Role.HR, unit=team, email="hr@example.org", name="HR")
    db.session.add(HrScope(user_id=hr.id, unit_id=root.id))
    admin = make.user(Role.ADMIN, Role.HR, unit=root, email="admin@example.org", name="Beheer")
    trainer = make.user(Role.TRAINER, unit=team, email="trainer@example.org", name="Trainer")
    db.session.add_all(
        [
            AssignmentRule(
                organisation_id=organisation.id, path_id=path.id, job_role="jurist", unit_id=None
            ),
            AiSystem(
                organisation_id=organisation.id,
                name="Chatbot",
                purpose="Vragen van inwoners beantwoorden",
                risk_class="transparency",
                job_roles=["jurist"],
                register_url="https://algoritmes.overheid.nl/nl/algoritme/voorbeeld",
            ),
            ImportBatch(
                organisation_id=organisation.id,
                filename="export.csv",
                data=b"personeelsnummer;e-mailadres;naam;afdeling\n1;a@example.org;A;TEAM\n2;x;B;Z\n",
            ),
        ]
    )
    tokens.create_token(organisation, "HR-systeem", actor=admin)
    db.session.add(
        ModuleDraft(
            organisation_id=organisation.id,
            slug="eigen",
            language="nl",
            module_text="---\nslug: eigen\n---\n",
            # A lesson with a problem (an unknown term): its page shows the summary, and the
            # draft's lesson preview has something to show.
            lessons=[{"slug": "les", "text": "# Les\n\nEen [[term]].\n"}],
            quiz_text="",
            assets={},
        )
    )
    db.session.commit()
    revoked = issuing.issue_for_path(learner, path)
    issuing.revoke(revoked, "Ten onrechte uitgereikt", admin)
    # A running export: its job page (progress bar, refresh) is crawled like every page.
    db.session.add(
        Job(
            kind="export_xlsx",
            organisation_id=organisation.id,
            requested_by_id=hr.id,
            unit_roots=[team.id],
            status="running",
            done=40,
            total=100,
        )
    )
    db.session.commit()
    return {
        "users": {"owner": owner, "learner": learner, "hr": hr, "admin": admin, "trainer": trainer},
        "unit": team,
        "revoked": revoked,
    }


def signed_in_clients(app: Flask, world: dict) -> dict[str, FlaskClient]:
    clients = {}
    for role, user in world["users"].items():
        session = Auth(app.test_client())
        assert session.login(user).status_code == 302, role
        clients[role] = session.client
    clients["anonymous"] = app.test_client()
    english = app.test_client()
    english.post("/language", data={"language": "en", "csrf_token": csrf_token(english)})
    clients["anonymous-en"] = english
    return clients


def owner_activity(clients: dict[str, FlaskClient], world: dict) -> list[str]:
    """The owner finishes a module (result page, certificate); the learner leaves a quiz open
    (question and overview pages). Returns the URLs of those pages."""
    owner, learner = world["users"]["owner"], world["users"]["learner"]
    owner_auth, learner_auth = Auth(clients["owner"]), Auth(clients["learner"])
    read_all_lessons(owner_auth, "aan-de-slag")
    take_quiz(owner_auth, owner.id, "aan-de-slag", right=True)
    assert learner_auth.post("/modules/wat-is-ai/toets/start").status_code == 302
    attempts = db.session.execute(sa.select(QuizAttempt.id, QuizAttempt.user_id)).all()
    urls = []
    for attempt_id, user_id in attempts:
        if user_id == learner.id:
            urls += [f"/toets/{attempt_id}/1", f"/toets/{attempt_id}/overzicht"]
        else:
            urls.append(f"/toets/{attempt_id}/resultaat")
    return urls


def seeds(world: dict, extra: list[str]) -> list[str]:
    """Every GET route of the authorisation matrix, filled in, plus error pages."""
    owner = world["users"]["owner"]
    ids = {
        "owner": owner.id,
        "unit": world["unit"].id,
        "certificate": world["revoked"].id,
        "code": world["revoked"].code,
        "batch": db.session.scalar(sa.select(ImportBatch.id)),
        "hash": "0" * 64,
        "token": db.session.scalar(sa.select(ApiToken.id)),
        "system": db.session.scalar(sa.select(AiSystem.id)),
        "rule": db.session.scalar(sa.select(AssignmentRule.id)),
        "attempt": db.session.scalar(sa.select(QuizAttempt.id)),
        "job": db.session.scalar(sa.select(Job.public_id)),
        "draft": db.session.scalar(sa.select(ModuleDraft.id)),
    }
    urls = [url.format(**ids) for method, url, _, _ in ROUTES.values() if method == "GET"]
    errors = ["/bestaat-niet", "/logout", "/wachtwoord-herstellen/verlopen", "/modules/geen"]
    return ["/", *extra, *urls, *errors]


def forms_with_errors(clients: dict[str, FlaskClient]) -> list[Page]:
    """Forms sent back with their error messages (400), as a person who mistyped sees them."""
    posts = [
        ("anonymous", "/login", {"email": "geen-adres", "password": ""}),
        ("anonymous", "/wachtwoord-vergeten", {"email": "geen-adres"}),
        ("hr", "/hr/verantwoording/systemen", {"name": "", "purpose": ""}),
        ("hr", "/hr/toewijzingen", {"deadline_days": "0"}),
        ("hr", "/hr/import", {}),
        ("admin", "/admin/api-sleutels", {"name": ""}),
    ]
    pages = []
    for role, url, data in posts:
        client = clients[role]
        token = csrf_token(client, "/login" if role == "anonymous" else "/mijn-leren")
        pages.append(fetch(role, client, url, "POST", {**data, "csrf_token": token}))
    return pages


def clean(app: Flask) -> None:
    db.session.rollback()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(scope="package")
def site_pages(app: Flask) -> list[Page]:
    """Every page of the site as each role sees it (fetched once; the tables are emptied after)."""
    with app.app_context():
        limiter.reset()
        try:
            world = build_world(app)
            clients = signed_in_clients(app, world)
            activity = owner_activity(clients, world)
            start = seeds(world, activity)
            pages, lessons_seen = forms_with_errors(clients), {"nl": set(), "en": set()}
            for role, client in clients.items():
                language = "en" if role in ("owner", "anonymous-en") else "nl"
                pages += crawl(role, client, start, lessons_seen[language])
        finally:
            clean(app)
    return pages


@pytest.fixture(scope="package")
def html_pages(site_pages: list[Page]) -> list[Page]:
    pages = [page for page in site_pages if page.html]
    assert len(pages) > 100, "the crawl should reach the whole course"
    return pages
