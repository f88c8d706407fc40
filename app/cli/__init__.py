"""Command-line interface: `flask content ...`, `flask users ...`, `flask demo ...`."""

from flask import Flask


def register_commands(app: Flask) -> None:
    from app.cli.api import api_cli
    from app.cli.audit import audit_cli
    from app.cli.auth import auth_cli
    from app.cli.content import content_cli
    from app.cli.demo import demo_cli
    from app.cli.figures import figures_cli
    from app.cli.interop import interop_groups
    from app.cli.jobs import jobs_cli
    from app.cli.maintenance import backup_command, privacy_cli
    from app.cli.reminders import reminders_cli
    from app.cli.sso import sso_cli
    from app.cli.users import units_cli, users_cli

    for group in (
        content_cli,
        users_cli,
        units_cli,
        demo_cli,
        api_cli,
        reminders_cli,
        figures_cli,
        jobs_cli,
        privacy_cli,
        sso_cli,
        *interop_groups(),
        audit_cli,
        auth_cli,
    ):
        app.cli.add_command(group)
    app.cli.add_command(backup_command)
