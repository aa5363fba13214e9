"""What keeps runs of `attnvid render` out of each other's way, and off the disk once dead.

- One run at a time per output folder: a second run into the same --out waits for the first
  (an flock, which the kernel releases however the holder ends, kill -9 included), instead of
  deleting the staging folder the first is writing. The lock file lives in the cache folder
  (locks/<hash of DIR's real path>), not in DIR: DIR holds only what is published.
- Work folders are named after the run's process id (attnvid-<pid>-<video>-*), so a run can
  tell the folders of dead runs (a kill -9 skips every clean-up) from live ones, and sweep them.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ..kept import cache_home

WORK_PREFIX = "attnvid-"
_WORK = re.compile(r"attnvid-(\d+)-")


@contextmanager
def output_lock(out: Path, waiting: Callable[[str], None] = lambda holder: None) -> Iterator[None]:
    """Hold DIR's lock for the block; if another run holds it, call `waiting(who)` once, then wait."""
    folder = lock_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(str(Path(out).resolve()).encode()).hexdigest()[:32]
    fd = os.open(folder / name, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting(_holder(fd))
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)          # releases the lock


def lock_folder() -> Path:
    return cache_home() / "locks"


def _holder(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        pid = ""
    return f"process {pid}" if pid.isdigit() else "another run"


def work_folder(video: str) -> Path:
    """A fresh work folder for one video, marked with this process's id."""
    return Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-{video}-"))


def sweep_dead_work_folders(root: Path | None = None) -> list[Path]:
    """Remove the work folders whose process is gone (left by kill -9 or a power cut); the removed."""
    root = Path(root or tempfile.gettempdir())
    removed = []
    for p in root.glob(f"{WORK_PREFIX}*"):
        m = _WORK.match(p.name)
        if m and p.is_dir() and not _alive(int(m.group(1))):
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:       # someone else's process: alive
        return True
    return True
