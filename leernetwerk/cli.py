"""Command-line commands; each is a thin wrapper over a domain function."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from .extensions import db


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Ook laden als de database al gegevens bevat.")
@with_appcontext
def seed_demo_command(force: bool) -> None:
    """Load realistic Frisian demo data, relative to today (only into an empty database)."""
    from .demo import DEMO_LOGINS, DEMO_PASSWORD, database_is_empty, seed_demo

    if not force and not database_is_empty():
        click.echo("De database bevat al gegevens; demodata niet geladen.")
    else:
        summary = seed_demo()
        db.session.commit()
        click.echo(
            "Demodata geladen: "
            + ", ".join(f"{count} {name}" for name, count in summary.items())
        )
    click.echo("Demo-logins (wachtwoord: %s):" % DEMO_PASSWORD)
    for email, role in DEMO_LOGINS:
        click.echo(f"  {email:32} {role}")


@click.command("create-user")
@click.option("--email", prompt="E-mailadres")
@click.option("--name", prompt="Naam")
@click.option("--password", prompt="Wachtwoord", hide_input=True, confirmation_prompt=True)
@click.option("--staff", is_flag=True, help="ROS-medewerker (beheer).")
@click.option("--core-group", is_flag=True, help="Lid van de kerngroep.")
@with_appcontext
def create_user_command(email: str, name: str, password: str, staff: bool, core_group: bool) -> None:
    """Create an active account with a password."""
    from .auth.services import AuthError, create_user

    try:
        user = create_user(email=email, name=name, password=password, is_staff=staff, is_core_group=core_group)
    except AuthError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Account aangemaakt: {user.email}")


@click.group("mail")
def mail_group() -> None:
    """Outgoing mail."""


@mail_group.command("deliver")
@with_appcontext
def mail_deliver_command() -> None:
    """Deliver the outbox once."""
    from .notifications.mail import deliver_outbox

    counts = deliver_outbox()
    click.echo(f"verstuurd: {counts['sent']}, opnieuw later: {counts['retry']}, mislukt: {counts['failed']}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(mail_group)
