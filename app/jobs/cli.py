"""`flask jobs …`: the worker, the scheduler, and running one scheduled job by hand."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.jobs import schedule
from app.jobs.queue import queue

jobs_cli = AppGroup("jobs", help="Background work: worker, scheduler, and one job by hand.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="stop once the queue is empty (tests, one-off catch-up)")
def worker_command(burst: bool) -> None:
    """Run jobs from the Redis queue (REDIS_URL). Production runs one or more beside gunicorn.

    Each job runs in a child process of its own (RQ's default), so a job's memory is given
    back when it ends and a crash takes only that job with it."""
    from rq import Worker

    target = queue()
    if target is None:
        raise click.ClickException(
            "REDIS_URL is not set: without Redis jobs run inside the web process and "
            "`flask jobs scheduler` runs the schedule; no worker is needed"
        )
    # The parent only talks to Redis; children open their own database connections.
    Worker([target], connection=target.connection).work(burst=burst, with_scheduler=False)


@jobs_cli.command("scheduler")
def scheduler_command() -> None:
    """Run the schedule (expiry, sweeps, nightly checks) until stopped: with Redis it enqueues
    each job for the workers; without it, it runs them here. Run exactly one."""
    if current_app.config.get("REDIS_URL"):
        schedule.run_with_rq()
    else:
        schedule.run_in_process_forever()


@jobs_cli.command("run")
@click.argument("name", type=click.Choice([job.__name__ for job, *_rest in schedule.SCHEDULE]))
def run_command(name: str) -> None:
    """Run one scheduled job now, here, and print what it did."""
    job = next(job for job, *_rest in schedule.SCHEDULE if job.__name__ == name)
    click.echo(job())


@jobs_cli.command("schedule")
def schedule_command() -> None:
    """Print the schedule."""
    for name, when in schedule.describe():
        click.echo(f"{name:<32} {when}")
