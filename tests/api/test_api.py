"""The read-only JSON API: bearer tokens, organisation scope, filters, paging, OpenAPI."""

import datetime as dt

import pytest
import sqlalchemy as sa

from app.api import tokens
from app.certificates import issuing
from app.extensions import db
from app.models import ApiToken, Assignment, AuditEvent, LearningPath


@pytest.fixture
def setup(make, content, runner):
    organisation = make.organisation()
    team = make.unit(organisation, "TEAM")
    other_team = make.unit(organisation, "ANDER")
    path = db.session.scalar(sa.select(LearningPath).where(LearningPath.slug == "basis"))
    people = []
    for number in range(5):
        person = make.user(name=f"Persoon {number}", unit=team if number < 3 else other_team)
        person.employee_number = f"E{number}"
        db.session.add(Assignment(user_id=person.id, path_id=path.id, deadline=dt.date.today()))
        people.append(person)
    db.session.commit()
    issuing.issue_for_path(people[0], path)
    stranger_org = make.organisation("gemeente-b", "Gemeente B")
    make.user(name="Vreemde", organisation=stranger_org)
    db.session.commit()
    result = runner.invoke(
        args=["api", "create-token", "--organisation", "gemeente-a", "--name", "HR-koppeling"]
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip().splitlines()[0]
    return {"token": token, "people": people, "path": path}


def get(client, path, token=None, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(path, headers=headers, query_string=params)


def test_the_token_is_shown_once_and_only_its_hash_is_stored(setup):
    row = db.session.scalar(sa.select(ApiToken))
    assert setup["token"].startswith("glt_") and row.prefix == setup["token"][:10]
    assert row.token_hash == tokens.hash_token(setup["token"])
    assert setup["token"] not in str(db.session.execute(sa.text("SELECT * FROM api_tokens")).all())


@pytest.mark.parametrize("header", [None, "Bearer glt_wrong", "Basic abc", "Bearer "])
def test_no_valid_token_gets_401_in_json(client, setup, header):
    response = client.get("/api/v1/employees", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.get_json()["status"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_employees_lists_only_the_tokens_organisation_with_status(client, setup):
    data = get(client, "/api/v1/employees", setup["token"]).get_json()
    assert data["total"] == 5 and "Vreemde" not in str(data)
    first = next(item for item in data["items"] if item["employee_number"] == "E0")
    assert first["assignments"][0]["status"] == "valid"
    assert first["assignments"][0]["certificate_serial"].startswith("GL-")
    second = next(item for item in data["items"] if item["employee_number"] == "E1")
    assert second["assignments"][0]["status"] == "open"


def test_paging_and_unit_filter(client, setup):
    page = get(client, "/api/v1/employees", setup["token"], per_page=2).get_json()
    assert len(page["items"]) == 2 and page["total"] == 5 and "page=2" in page["next"]
    last = get(client, "/api/v1/employees", setup["token"], per_page=2, page=3).get_json()
    assert len(last["items"]) == 1 and last["next"] is None
    team = get(client, "/api/v1/employees", setup["token"], unit="TEAM").get_json()
    assert team["total"] == 3
    assert get(client, "/api/v1/employees", setup["token"], unit="NOPE").status_code == 404


def test_bad_parameters_get_a_clear_400(client, setup):
    response = get(client, "/api/v1/certificates", setup["token"], since="gisteren")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.get_json()["message"]
    assert get(client, "/api/v1/employees", setup["token"], per_page=9999).status_code == 400


@pytest.mark.parametrize("route", ["/api/v1/completions", "/api/v1/certificates"])
@pytest.mark.parametrize("name", ["since", "until"])
def test_an_empty_date_filter_is_a_400_not_an_unfiltered_list(client, setup, route, name):
    """`?until=` says a date is coming: answering with no filter (or none found) would mislead."""
    response = get(client, route, setup["token"], **{name: ""})
    assert response.status_code == 400
    assert name in response.get_json()["message"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("post", "/api/v1/employees", {"GET", "HEAD", "OPTIONS"}),
        ("delete", "/api/v1/openapi.json", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_a_wrong_method_on_the_api_gets_405_with_allow_in_json(client, method, path, allowed):
    """RFC 9110: a 405 names the methods the resource does allow."""
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == allowed
    assert response.get_json()["status"] == 405


def test_an_unknown_api_address_answers_json(client):
    response = client.get("/api/v1/bestaat-niet")
    assert response.status_code == 404
    assert response.is_json and response.get_json()["status"] == 404


def test_certificates_filtered_by_date(client, setup):
    today = dt.date.today().isoformat()
    data = get(client, "/api/v1/certificates", setup["token"], since=today).get_json()
    assert data["total"] == 1 and data["items"][0]["status"] == "valid"
    assert data["items"][0]["verify_url"].endswith(
        "/verify/" + db.session.scalar(sa.select(db.metadata.tables["certificates"].c.code))
    )
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert (
        get(client, "/api/v1/certificates", setup["token"], since=tomorrow).get_json()["total"] == 0
    )


def test_a_revoked_token_stops_working_and_use_is_audited(client, setup, runner):
    assert get(client, "/api/v1/completions", setup["token"]).status_code == 200
    assert (
        db.session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "api.use")
        )
        == 1
    )
    token_id = db.session.scalar(sa.select(ApiToken.id))
    assert runner.invoke(args=["api", "revoke-token", str(token_id)]).exit_code == 0
    assert get(client, "/api/v1/completions", setup["token"]).status_code == 401


def test_the_openapi_document_describes_every_api_route(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    described = {"/api/v1" + path for path in document["paths"]}
    routes = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json"
    }
    assert described == routes
