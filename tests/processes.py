"""The tests' own server processes: each started in a session of its own, so that a signal
reaches it and every child it forked (gunicorn's workers, RQ's job process) together."""

import os
import signal
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start(command: list[str], env: dict, log: Path | None = None) -> subprocess.Popen:
    if log is None:
        return subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
    with open(log, "ab") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    """Signal the process and its children (SIGKILL: no goodbye), and wait for it to end."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)
