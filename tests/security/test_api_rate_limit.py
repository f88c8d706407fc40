"""The API's rate limit: counted per token (not per address), 429 in JSON with Retry-After."""

import pytest

from app.api import tokens
from app.extensions import db


@pytest.fixture
def two_tokens(make, monkeypatch, app):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    organisation = make.organisation()
    first = tokens.create_token(organisation, "koppeling 1", actor=None)[1]
    second = tokens.create_token(organisation, "koppeling 2", actor=None)[1]
    db.session.commit()
    return first, second


def call(client, token: str, address: str = "192.0.2.1"):
    return client.get(
        "/api/v1/employees",
        headers={"Authorization": f"Bearer {token}"},
        environ_base={"REMOTE_ADDR": address},
    )


def test_a_token_over_its_limit_gets_429_with_retry_after_in_json(client, two_tokens):
    first, _ = two_tokens
    for _ in range(3):
        assert call(client, first).status_code == 200
    refused = call(client, first)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert refused.is_json and refused.get_json()["status"] == 429


def test_the_limit_counts_per_token_not_per_address(client, two_tokens):
    first, second = two_tokens
    for number in range(3):  # from three addresses: the same token's limit
        assert call(client, first, f"192.0.2.{number + 1}").status_code == 200
    assert call(client, first, "198.51.100.7").status_code == 429
    assert call(client, second).status_code == 200  # another token has its own


def test_the_openapi_document_is_limited_per_address(client, two_tokens):
    for _ in range(3):
        assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 429
    other = client.get("/api/v1/openapi.json", environ_base={"REMOTE_ADDR": "192.0.2.99"})
    assert other.status_code == 200
