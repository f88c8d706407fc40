"""Sending email through the configured SMTP server."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import gettext

from app.i18n import in_language


def compose(language: str, subject: str, template: str, **context) -> tuple[str, str]:
    """The subject (a Dutch message id, formatted with `context`) and the body (the text template
    app/templates/email/<template>.txt) in the recipient's language."""
    with in_language(language):
        return gettext(subject, **context), render_template(f"email/{template}.txt", **context)


def send(to: str, subject: str, body: str) -> None:
    """Sends one plain-text message; raises smtplib.SMTPException when the server refuses."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as server:
        if config["MAIL_USE_TLS"]:
            server.starttls()
        if config["MAIL_USERNAME"]:
            server.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        server.send_message(message)
