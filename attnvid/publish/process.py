"""Child processes that Ctrl-C can stop.

Each child runs in its own session, so the terminal's Ctrl-C reaches only us; we then stop
every child we started (and its children: manim runs ffmpeg) before cleaning up, instead of
leaving encoders writing into a folder we are about to delete.
"""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from typing import Callable

POLL_EVERY = 0.5   # seconds between run()'s calls of `poll`

_running: set[subprocess.Popen] = set()
_lock = threading.Lock()
_stopping = threading.Event()


class Stopped(Exception):
    """Raised in worker threads once the user asked to stop."""


def run(argv: list[str], env: dict | None = None, cwd=None,
        poll: Callable[[], None] | None = None) -> subprocess.CompletedProcess:
    """Run to completion, capturing output (as text), calling `poll` now and then while it runs."""
    if _stopping.is_set():
        raise Stopped()
    with open(os.devnull, "rb") as stdin:
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=stdin, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
    with _lock:
        _running.add(proc)
    try:
        out: list[str] = []
        err: list[str] = []
        readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
                   for s, b in ((proc.stdout, out), (proc.stderr, err))]
        for r in readers:
            r.start()
        while proc.poll() is None:
            if poll:
                poll()
            try:    # back as soon as it ends: a bundle runs dozens of short ffmpeg steps in a row
                proc.wait(POLL_EVERY)
            except subprocess.TimeoutExpired:
                pass
        for r in readers:
            r.join()
        if _stopping.is_set():
            raise Stopped()
        return subprocess.CompletedProcess(argv, proc.returncode, "".join(out), "".join(err))
    finally:
        with _lock:
            _running.discard(proc)


def stop_all(grace: float = 3.0) -> None:
    """Stop every running child and its process group; later run() calls raise Stopped."""
    _stopping.set()
    with _lock:
        procs = list(_running)
    for p in procs:
        _signal(p, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for p in procs:
        try:
            p.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal(p, signal.SIGKILL)
            p.wait()


def _signal(p: subprocess.Popen, sig) -> None:
    try:
        os.killpg(p.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def stopping() -> bool:
    """True once stop_all() ran: work in flight should give up."""
    return _stopping.is_set()


def reset() -> None:
    """For a second run in the same interpreter (tests)."""
    _stopping.clear()
