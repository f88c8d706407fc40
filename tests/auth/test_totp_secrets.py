"""TOTP secrets encrypted at rest (AES-256-GCM): what the database holds, key rotation with
`flask auth reencrypt-totp`, and secrets that must not open."""

import base64
import os

import pyotp
import pytest
import sqlalchemy as sa

from app.auth import mfa, totp_secrets
from app.extensions import db
from app.models import AuditEvent, Role, TotpCredential
from tests.conftest import Auth


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def stored_secret(user) -> str:
    return db.session.execute(
        sa.select(TotpCredential.secret)
        .where(TotpCredential.user_id == user.id)
        .execution_options(populate_existing=True)
    ).scalar_one()


def test_the_database_holds_no_readable_secret_and_sign_in_works(app, make):
    user = make.user(Role.HR)
    stored = stored_secret(user)
    secret = mfa.secret_of(db.session.scalar(sa.select(TotpCredential)))
    assert stored.startswith("aesgcm1:") and secret not in stored
    assert len(stored) <= 255
    response = Auth(app.test_client()).login(user)
    assert response.status_code == 302 and response.location == "/hr/"


def test_rotation_old_key_still_opens_until_reencrypted(app, make, runner, monkeypatch):
    user = make.user(Role.TRAINER)
    old_key = app.config["MFA_ENCRYPTION_KEY"]
    secret = mfa.secret_of(db.session.scalar(sa.select(TotpCredential)))

    monkeypatch.setitem(app.config, "MFA_ENCRYPTION_KEY", new_key())
    monkeypatch.setitem(app.config, "MFA_ENCRYPTION_OLD_KEYS", old_key)
    assert totp_secrets.reveal(stored_secret(user), user.id) == secret
    assert Auth(app.test_client()).login(user).status_code == 302

    result = runner.invoke(args=["auth", "reencrypt-totp"])
    assert result.exit_code == 0, result.output
    assert "re-encrypted with the current key: 1" in result.output
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "auth.totp_reencrypted")
    )
    assert event.detail == {"count": 1}

    # The old key can go now.
    monkeypatch.setitem(app.config, "MFA_ENCRYPTION_OLD_KEYS", "")
    assert totp_secrets.reveal(stored_secret(user), user.id) == secret
    assert runner.invoke(args=["auth", "reencrypt-totp"]).output.endswith(": 0\n")


def test_a_secret_under_a_dropped_key_is_refused_loudly(app, make, monkeypatch):
    user = make.user(Role.TRAINER)
    monkeypatch.setitem(app.config, "MFA_ENCRYPTION_KEY", new_key())
    with pytest.raises(totp_secrets.SecretUnreadable):
        totp_secrets.reveal(stored_secret(user), user.id)


def test_a_sealed_secret_copied_to_another_account_does_not_open(make):
    owner = make.user(Role.HR)
    other = make.user(Role.HR)
    with pytest.raises(totp_secrets.SecretUnreadable):
        totp_secrets.reveal(stored_secret(owner), other.id)


def test_plain_secrets_from_before_keep_working_and_get_encrypted(app, make, runner):
    user = make.user(Role.ADMIN, second_factor=False)
    secret = pyotp.random_base32()
    db.session.add(TotpCredential(user_id=user.id, secret=secret, confirmed_at=sa.func.now()))
    db.session.commit()
    assert mfa.verify(user, pyotp.TOTP(secret).now())
    db.session.commit()
    assert runner.invoke(args=["auth", "reencrypt-totp"]).exit_code == 0
    stored = stored_secret(user)
    assert stored.startswith("aesgcm1:") and totp_secrets.reveal(stored, user.id) == secret


def test_without_a_key_secrets_stay_plain_and_the_command_refuses(app, make, runner, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_ENCRYPTION_KEY", "")
    user = make.user(Role.HR)
    assert not totp_secrets.is_sealed(stored_secret(user))
    result = runner.invoke(args=["auth", "reencrypt-totp"])
    assert result.exit_code != 0 and "MFA_ENCRYPTION_KEY is not set" in result.output


SHORT_KEY = base64.b64encode(b"x" * 31).decode()


@pytest.mark.parametrize("bad", ["too-short", "not base64 !!", SHORT_KEY])
def test_a_malformed_key_is_a_clear_error(app, make, monkeypatch, bad):
    monkeypatch.setitem(app.config, "MFA_ENCRYPTION_KEY", bad)
    with pytest.raises(RuntimeError, match="32 random bytes"):
        totp_secrets.seal("JBSWY3DPEHPK3PXP", 1)


def test_a_downgrade_stores_the_secrets_decrypted_again(app, make):
    from flask_migrate import downgrade, upgrade

    user = make.user(Role.HR)
    secret = mfa.secret_of(db.session.scalar(sa.select(TotpCredential)))
    db.session.remove()
    downgrade(revision="0016")
    stored = db.session.execute(sa.text("SELECT secret FROM totp_credentials")).scalar_one()
    db.session.remove()
    upgrade()
    assert stored == secret
    assert mfa.verify(user, pyotp.TOTP(secret).now())
