"""Counting what a stretch of in-process work costs: callgrind's instructions when the process
runs under callgrind started with --instr-atstart=no (COUNT_UNDER_CALLGRIND set), and the
process's CPU time either way. Shared by bench/checkout_instructions.py and
bench/sync_instructions.py."""

import os
import resource
import subprocess  # nosec B404 - callgrind_control, on this process only

_CPU: list[float] = []


def count(on: bool) -> None:
    """Switch callgrind's counting for this process, when it runs under callgrind, and note the
    CPU time this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _CPU.append(usage.ru_utime + usage.ru_stime)
    if os.environ.get("COUNT_UNDER_CALLGRIND"):
        subprocess.run(["callgrind_control", "-i", "on" if on else "off", str(os.getpid())], check=True)  # nosec B603 B607


def dump() -> None:
    """Under callgrind: write what was counted so far to a file of its own (the out-file's name
    with ".1", ".2"… after it) and count again from zero."""
    if os.environ.get("COUNT_UNDER_CALLGRIND"):
        subprocess.run(["callgrind_control", "-d", str(os.getpid())], check=True, capture_output=True)  # nosec B603 B607


def cpu_ms_since_first() -> float:
    """The CPU milliseconds between the first and the last call of ``count``."""
    return (_CPU[-1] - _CPU[0]) * 1000
