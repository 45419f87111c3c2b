"""Command-line commands; each is a thin wrapper over a domain function."""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from .extensions import db


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Load even when the database already holds data.")
@with_appcontext
def seed_demo_command(force: bool) -> None:
    """Load realistic Frisian demo data, relative to today (only into an empty database)."""
    from .demo import (
        DEMO_LOGINS,
        DEMO_PASSWORD,
        DEMO_RECOVERY_CODE,
        DEMO_TOTP_SECRET,
        DEMO_TWO_FACTOR_LOGIN,
        database_is_empty,
        seed_demo,
    )

    if not force and not database_is_empty():
        click.echo("De database bevat al gegevens; demodata niet geladen.")
    else:
        from .library.extraction import run_queue

        summary = seed_demo()
        db.session.commit()
        click.echo(
            "Demodata geladen: "
            + ", ".join(f"{count} {name}" for name, count in summary.items())
        )
        # The scheduler would read the attachments' text within seconds; the demo is searchable at once.
        read = run_queue()
        click.echo(f"Tekst van bijlagen gelezen: {read['done']} (niet leesbaar: {read['failed']}).")
    click.echo("Demo-logins (wachtwoord: %s):" % DEMO_PASSWORD)
    for email, role in DEMO_LOGINS:
        click.echo(f"  {email:32} {role}")
    click.echo("Deze demo-accounts hoeven geen tweestapsverificatie in te stellen (alleen in de demo).")
    click.echo(f"Inloggen met tweestapsverificatie proberen: {DEMO_TWO_FACTOR_LOGIN} (zelfde wachtwoord), dan de code "
               f"uit een authenticator-app met sleutel {DEMO_TOTP_SECRET}, of eenmalig herstelcode {DEMO_RECOVERY_CODE}.")


@click.command("create-user")
@click.option("--email", prompt="E-mailadres")
@click.option("--name", prompt="Naam")
@click.option("--password", prompt="Wachtwoord", hide_input=True, confirmation_prompt=True)
@click.option("--staff", is_flag=True, help="ROS staff (administration).")
@click.option("--core-group", is_flag=True, help="Member of the core group.")
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


@click.group("reminders")
def reminders_group() -> None:
    """Scheduled reminders."""


@reminders_group.command("run")
@with_appcontext
def reminders_run_command() -> None:
    """One sweep: send every reminder that is due now (each exactly once)."""
    from .database import utcnow
    from .notifications.reminders.sweep import run_sweep

    counts = run_sweep(utcnow())
    click.echo(f"herinneringen: {counts.get('reminders', 0)} (mail direct: {counts.get('mails', 0)}, "
               f"voor het weekoverzicht: {counts.get('digest_items', 0)})")


@reminders_group.command("digest")
@with_appcontext
def reminders_digest_command() -> None:
    """Queue the weekly digest that is due (Monday 08:00 Europe/Amsterdam), at most once per week."""
    from .database import utcnow
    from .notifications.reminders.digest import send_digests

    click.echo(f"weekoverzichten: {send_digests(utcnow())}")


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler until stopped: reminders, mail delivery, attachment text and the weekly digest.

    Only one may run; a second one stops at once with an error.
    """
    from apscheduler.schedulers.blocking import BlockingScheduler
    from flask import current_app

    from .notifications.scheduler import SchedulerLock, SchedulerLocked, build_scheduler

    try:
        lock = SchedulerLock(current_app).acquire()
    except SchedulerLocked as exc:
        raise click.ClickException(str(exc)) from exc
    scheduler = build_scheduler(current_app._get_current_object(), BlockingScheduler, lock)
    click.echo("Scheduler draait (herinneringen elke 5 minuten, mail elke minuut, tekst van bijlagen elke 15 seconden, "
               "weekoverzicht maandag 08:00). "
               "Stoppen met Ctrl+C.")
    # Ctrl+C or a stop signal ends the blocking loop; what follows releases the lock.
    with suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
    lost = not lock.held()
    lock.release()
    if lost:
        raise click.ClickException("De scheduler is gestopt: het slot op de database ging verloren. Start hem opnieuw.")


@click.group("library")
def library_group() -> None:
    """The library's search index and attachment text."""


@library_group.command("extract")
@with_appcontext
def library_extract_command() -> None:
    """Read the text of every attachment waiting in the queue now (what the scheduler does every 15 seconds)."""
    from .library.extraction import run_queue

    counts = run_queue()
    click.echo(f"bijlagen gelezen: {counts['done']}, niet leesbaar: {counts['failed']}, later opnieuw: {counts['retry']}")


@library_group.command("reindex")
@with_appcontext
def library_reindex_command() -> None:
    """Rebuild the library rows and full-text index of every published end product."""
    from .library.services import rebuild_index

    count = rebuild_index()
    db.session.commit()
    click.echo(f"{count} eindproducten opnieuw geïndexeerd.")


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(directory: Path) -> None:
    """Copy the database, the uploads and a manifest into DIRECTORY (new or empty), while the app runs."""
    from .backup import BackupError, create_backup

    try:
        manifest = create_backup(directory)
    except (BackupError, OSError) as exc:  # OSError: a full disk, an unreadable file
        raise click.ClickException(f"Back-up mislukt: {exc}") from exc
    click.echo(f"Back-up gemaakt in {directory}: {_summary(manifest)}.")
    for problem in manifest["problems"]:
        click.echo(f"LET OP: {problem}", err=True)


@click.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore_command(directory: Path) -> None:
    """Restore a backup from DIRECTORY into the empty database of DATABASE_URL and the upload folder,
    then check every table and file against the backup's manifest."""
    from .backup import BackupError, restore_backup

    try:
        manifest = restore_backup(directory)
    except (BackupError, OSError) as exc:
        raise click.ClickException(f"Herstel mislukt: {exc}") from exc
    click.echo(f"Hersteld uit {directory} (gemaakt {manifest['created_at']}): {_summary(manifest)}; "
               "aantallen en controlegetallen kloppen met het manifest.")
    from alembic.script import ScriptDirectory
    from flask import current_app

    head = ScriptDirectory(current_app.extensions["migrate"].directory).get_current_head()
    if manifest["alembic_revision"] != head:
        click.echo(f"De back-up staat op revisie {manifest['alembic_revision']}, de code op {head}: "
                   "draai nu `flask --app wsgi db upgrade`.")


def _summary(manifest: dict) -> str:
    tables = manifest["tables"]
    size = sum(entry["bytes"] for entry in manifest["uploads"].values()) / 1024 / 1024
    return (f"{manifest['database']['kind']}, revisie {manifest['alembic_revision']}, {len(tables)} tabellen met "
            f"{sum(entry['rows'] for entry in tables.values())} rijen, {len(manifest['uploads'])} bestanden "
            f"({size:.1f} MB)")


def register_cli(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(library_group)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(mail_group)
    app.cli.add_command(reminders_group)
    app.cli.add_command(scheduler_command)
