"""Passwords are hashed at production cost outside tests; the suite itself hashes cheaply."""

from argon2 import PasswordHasher, extract_parameters, profiles

from app.auth.passwords import hash_password, verify_password
from config import Config, ProductionConfig, TestingConfig


def test_production_hashes_passwords_with_the_rfc_9106_low_memory_argon2id_parameters(
    app, monkeypatch
):
    """Does a password hashed under the production setting carry 64 MiB, 3 passes, 4 lanes?"""
    assert ProductionConfig.PASSWORD_HASH_PROFILE == Config.PASSWORD_HASH_PROFILE
    monkeypatch.setitem(app.config, "PASSWORD_HASH_PROFILE", ProductionConfig.PASSWORD_HASH_PROFILE)
    hashed = hash_password("een lang genoeg wachtwoord")
    parameters = extract_parameters(hashed)
    assert hashed.startswith("$argon2id$")
    assert parameters == profiles.RFC_9106_LOW_MEMORY
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (65536, 3, 4)
    assert PasswordHasher().verify(hashed, "een lang genoeg wachtwoord")


def test_a_cheap_test_hash_still_verifies_and_refuses_a_wrong_password(app):
    """Is the testing profile a real argon2id hash, only cheaper?"""
    assert TestingConfig.PASSWORD_HASH_PROFILE == "CHEAPEST"
    hashed = hash_password("een lang genoeg wachtwoord")
    assert extract_parameters(hashed) == profiles.CHEAPEST
    assert verify_password(hashed, "een lang genoeg wachtwoord")
    assert not verify_password(hashed, "een ander wachtwoord!")


def test_a_hash_made_at_production_cost_verifies_under_any_setting(app):
    """Changing the cost setting must not lock out people whose hash is older."""
    production_hash = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY).hash(
        "geheim-12345"
    )
    assert verify_password(production_hash, "geheim-12345")
