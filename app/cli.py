"""Command-line tasks registered on the app: demo data and the first administrator."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.clock import today
from app.domain import roles


def register(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(expire_orders_command)
    app.cli.add_command(expire_intents_command)
    app.cli.add_command(verify_ledger_command)
    app.cli.add_command(issue_device_token_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(storage_push_command)
    from app.jobs.cli import jobs_cli

    app.cli.add_command(jobs_cli)


@click.command("seed-demo")
@click.option(
    "--scale",
    type=click.Choice(["demo", "county", "province"]),
    default="demo",
    show_default=True,
    help="demo: a browsable county; county: ~32,000 households, 334 villages, 169 producers, 300,000 order lines; "
    "province: ten such counties, 3 million order lines (an hour or more, and some 20 GB on PostgreSQL).",
)
@click.option(
    "--counties",
    type=click.IntRange(1, 10),
    default=None,
    help="province only: how many of its ten counties to build (each with 300,000 order lines).",
)
@with_appcontext
def seed_demo_command(scale: str, counties: int | None) -> None:
    """Fill the database with a fictional Dongkou. Safe to run again: existing rows are kept."""
    from app.demo.seed import seed_demo

    if counties is not None and scale != "province":
        raise click.BadParameter("only --scale province has several counties; drop --counties", param_hint="--counties")
    report = seed_demo(scale, today(), counties)
    if not report.created:
        click.echo("演示数据已经存在，没有新增。Demo data already present; nothing added.")
    for what, n in sorted(report.created.items()):
        click.echo(f"  + {n:>6} {what}")
    if report.credentials:
        lines = [f"{role:<14} {email:<28} {password}" for role, email, password in report.credentials]
        # Kept in instance/ (never committed) so the newcomer can find the passwords again.
        path = Path(current_app.config["DEMO_CREDENTIALS_FILE"])
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        click.echo(f"演示账号 / demo accounts (also in {path}):")
        for line in lines:
            click.echo("  " + line)


@click.command("create-admin")
@click.option("--email", prompt="邮箱 / email")
@click.option("--name", prompt="姓名 / name")
@click.password_option("--password", prompt="密码 / password")
@with_appcontext
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create a county-staff account; the password is asked for, never defaulted."""
    from app.accounts.services import AccountError, create_user

    try:
        create_user(email, name, password, roles.STAFF)
    except AccountError as exc:
        raise click.ClickException(f"{exc.message} ({exc.code})") from exc
    click.echo(f"已创建县扶贫办账号 / created county staff account: {email}")


@click.command("expire-orders")
@with_appcontext
def expire_orders_command() -> None:
    """Cancel online orders left unpaid past their payment window and release their stock.

    The scheduler runs this every minute; safe to run by hand at any time as well.
    """
    from app.jobs.scheduled import expire_unpaid_orders

    expired = expire_unpaid_orders()["orders"]
    click.echo(f"expired {len(expired)} unpaid order(s){': ' + ', '.join(expired) if expired else ''}")


@click.command("expire-intents")
@with_appcontext
def expire_intents_command() -> None:
    """Expire confirmed purchase-intent contracts whose delivery window ended before any delivery.

    The scheduler runs this daily; safe to run by hand at any time as well.
    """
    from app.jobs.scheduled import expire_contracts

    expired = expire_contracts()["contracts"]
    click.echo(f"expired {len(expired)} contract(s){': ' + ', '.join(expired) if expired else ''}")


@click.command("verify-ledger")
@with_appcontext
def verify_ledger_command() -> None:
    """Check that, for every order line, the ledger holds its paid amount minus refunds, that
    the daily and monthly roll-ups sum to the ledger for every household, and that the payout
    book agrees with the statements it pays."""
    from app.settlement.book_check import find_all

    found = find_all()
    for d in found:
        click.echo(d.describe())
    if found:
        raise click.ClickException(f"{len(found)} discrepancies")
    click.echo("ledger reconciles with paid sales minus refunds; the payout book with its statements")


@click.command("issue-device-token")
@click.option("--booth", "booth_code", required=True, help="the booth's code, e.g. WEEK2026-GAOSHA")
@click.option("--label", default="", help="a name for the tablet, e.g. 1 号平板")
@with_appcontext
def issue_device_token_command(booth_code: str, label: str) -> None:
    """Print a new API token for one booth tablet (shown once; only its hash is stored)."""
    from app.audit.services import Actor
    from app.pos.devices import BoothNotFound, issue_device_token

    try:
        device, token = issue_device_token(booth_code, label or "命令行签发", Actor(None, "cli"))
    except BoothNotFound:
        raise click.ClickException(f"no booth with code {booth_code!r}; staff see the codes at /staff/events") from None
    click.echo(token)
    click.echo(
        f"device {device.id} paired with booth {device.booth.code}; pair the tablet at /pos/#token=<token>", err=True
    )


@click.command("backup")
@click.option(
    "--to",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="where the backup folder goes (default: instance/backups)",
)
@with_appcontext
def backup_command(folder: Path | None) -> None:
    """Back up the whole shop: the database (SQLite's online backup, or pg_dump) and every stored
    file (pictures, documents, exports), from local folders or the bucket. Prints the folder."""
    from app.backup import BackupError, backup_shop

    try:
        target = backup_shop(current_app.config, folder or Path(current_app.instance_path) / "backups")
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(str(target))


@click.command("restore")
@click.argument("backup", type=click.Path(exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="really replace the database's contents")
@with_appcontext
def restore_command(backup: Path, yes: bool) -> None:
    """Replace the database's contents and put the stored files back from a `backup` folder.
    Stop the app first."""
    from app.backup import BackupError, restore_shop
    from app.extensions import db

    if not yes:
        raise click.ClickException("restoring replaces every row in the database; add --yes to go ahead")
    db.session.remove()
    db.engine.dispose()
    try:
        files = restore_shop(current_app.config, backup)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored {backup}: the database and {files} stored files")


@click.command("storage-push")
@with_appcontext
def storage_push_command() -> None:
    """Copy the files of the local folders (MEDIA_ROOT, DOCUMENT_ROOT, STORAGE_ROOT) into the
    bucket of STORAGE_BACKEND=s3, keeping their keys, so the rows naming them stay true. Safe
    to run again: a file already there is copied over with the same bytes."""
    from app.storage import AREAS, LocalStorage, local_root, storage_for

    if current_app.config["STORAGE_BACKEND"] != "s3":
        raise click.ClickException("set STORAGE_BACKEND=s3 and S3_BUCKET (and S3_ENDPOINT_URL) to copy into a bucket")
    for area in AREAS:
        local, bucket, copied = (
            LocalStorage(local_root(current_app.config, area)),
            storage_for(current_app.config, area),
            0,
        )
        for key in local.keys():
            with local.open(key) as source:
                bucket.put(key, source)
            copied += 1
        click.echo(f"{area}: {copied} files")
