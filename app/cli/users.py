"""`flask users create`: real accounts, outside the demo data."""

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.auth.users import AccountError, create_user, get_or_create_organisation
from app.extensions import db
from app.hr.imports.employees import ImportFileError, apply_import, plan_import
from app.hr.imports.units import import_units
from app.models import Organisation, Role

users_cli = click.Group("users", help="Manage accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--organisation", "organisation_slug", required=True, help="Organisation slug.")
@click.option("--organisation-name", default=None, help="Name, when the organisation is new.")
@click.option("--role", "roles", multiple=True, type=click.Choice([r.value for r in Role]))
@click.option("--language", default="nl", type=click.Choice(["nl", "en"]))
@click.password_option(help="At least 12 characters; asked for when not given.")
@with_appcontext
def create_command(email, name, organisation_slug, organisation_name, roles, language, password):
    """Creates an account with a password."""
    organisation = get_or_create_organisation(
        organisation_slug, organisation_name or organisation_slug
    )
    try:
        user = create_user(
            organisation=organisation,
            email=email,
            name=name,
            password=password,
            roles={Role(r) for r in roles},
            language=language,
        )
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"created {user.email} with roles {', '.join(sorted(user.roles))}")


def _organisation(slug: str | None) -> Organisation:
    """The named organisation, or the only one there is."""
    if slug:
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
        if organisation is None:
            raise click.ClickException(f"no organisation with slug {slug!r}")
        return organisation
    organisations = db.session.scalars(sa.select(Organisation)).all()
    if len(organisations) != 1:
        raise click.ClickException("name the organisation with --organisation SLUG")
    return organisations[0]


@users_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--organisation", "organisation_slug", help="Organisation slug.")
@click.option(
    "--deactivate-missing",
    is_flag=True,
    help="A full export: deactivate active people who are not in it (never deletes).",
)
@click.option("--dry-run", is_flag=True, help="Show what would change without changing anything.")
@with_appcontext
def import_command(file, organisation_slug, deactivate_missing, dry_run):
    """Imports or updates employees from an HR export (CSV).

    Bad rows are reported with their row number and skipped; good rows still land. Exits 1
    when any row was rejected.
    """
    organisation = _organisation(organisation_slug)
    try:
        plan = plan_import(
            organisation, Path(file).read_bytes(), deactivate_missing=deactivate_missing
        )
    except ImportFileError as error:
        raise click.ClickException(f"{file}: {error}") from error
    for row, reason in plan.errors:
        click.echo(f"{file}: row {row}: {reason}", err=True)
    outcome = None
    if not dry_run:
        outcome = apply_import(organisation, plan, actor=None)
        db.session.commit()
    click.echo(
        f"{'would create' if dry_run else 'created'} {len(plan.create)}, updated "
        f"{len(plan.update)}, unchanged {plan.unchanged}, deactivated {len(plan.deactivate)}, "
        f"rejected {len(plan.errors)} row(s)"
    )
    if outcome is not None:
        click.echo(
            f"assigned {outcome['assigned']} learning path(s); {outcome['without_path']} active "
            "people have no learning path"
        )
    sys.exit(1 if plan.errors else 0)


units_cli = click.Group("units", help="Manage the organisation's unit tree.")


@units_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--organisation", "organisation_slug", help="Organisation slug.")
@click.option("--organisation-name", help="Name, to create the organisation if it is new.")
@with_appcontext
def import_units_command(file, organisation_slug, organisation_name):
    """Imports the unit tree from CSV with columns code, name, parent."""
    if organisation_name and organisation_slug:
        organisation = get_or_create_organisation(organisation_slug, organisation_name)
    else:
        organisation = _organisation(organisation_slug)
    try:
        created, updated, errors = import_units(organisation, Path(file).read_bytes())
    except ImportFileError as error:
        raise click.ClickException(f"{file}: {error}") from error
    for row, reason in errors:
        click.echo(f"{file}: row {row}: {reason}", err=True)
    db.session.commit()
    click.echo(f"units: created {created}, updated {updated}, rejected {len(errors)} row(s)")
    sys.exit(1 if errors else 0)
