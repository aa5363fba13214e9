"""What keeps renders out of each other's way and off the disk once dead (attnvid.publish.guard),
and the output paths `attnvid render` refuses before it draws anything."""
import os
import subprocess
import sys
import threading
import time

import pytest

from attnvid.publish import guard
from conftest import SCRIPTS
from conftest import attnvid as run


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_work_folders_of_dead_runs_are_swept_and_live_ones_kept(tmp_path):
    dead = tmp_path / f"attnvid-{dead_pid()}-cat_sat-abc"
    live = tmp_path / f"attnvid-{os.getpid()}-cat_sat-def"
    parent = tmp_path / f"attnvid-{os.getppid()}-explainer-ghi"
    other = tmp_path / "attnvid-not-a-run"
    for folder in (dead, live, parent, other):
        (folder / "part0").mkdir(parents=True)
    assert guard.sweep_dead_work_folders(tmp_path) == [dead]
    assert not dead.exists() and live.exists() and parent.exists() and other.exists()


def test_a_work_folder_carries_the_process_id():
    folder = guard.work_folder("cat_sat")
    try:
        assert folder.name.startswith(f"attnvid-{os.getpid()}-cat_sat-") and folder.is_dir()
    finally:
        folder.rmdir()


def test_a_second_run_into_the_same_folder_waits_for_the_first(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    order, heard = [], []
    with guard.output_lock(out):
        def second():
            with guard.output_lock(out, waiting=heard.append):
                order.append("second")
        t = threading.Thread(target=second)
        t.start()
        time.sleep(0.3)
        order.append("first done")
    t.join(5)
    assert order == ["first done", "second"]
    assert heard == [f"process {os.getpid()}"]
    assert list(out.iterdir()) == []              # the lock lives in the cache folder, not in DIR


def test_a_lock_dies_with_its_holder(tmp_path):
    """kill -9 skips every clean-up, but the kernel drops an flock with its holder."""
    out = tmp_path / "site"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom pathlib import Path\nfrom attnvid.publish import guard\n"
        f"with guard.output_lock(Path({str(out)!r})):\n    print('held', flush=True)\n    time.sleep(60)\n")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    heard = []
    with guard.output_lock(out, waiting=heard.append):
        pass
    assert heard == []


@pytest.mark.parametrize("make, said", [
    (lambda p: p.write_text("x") and p, "is a file, not a folder"),
    (lambda p: (p.write_text("x") and p) / "inside", "a part of the path is a file"),
])
def test_out_must_be_a_folder_that_can_be_made(tmp_path, make, said):
    out = make(tmp_path / "site")
    r = run("render", SCRIPTS / "cat_sat.yaml", "--out", out)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"attnvid render: --out {out}: ") and len(r.stderr.splitlines()) == 1
    assert said in r.stderr and "internal error" not in r.stderr and "Traceback" not in r.stderr
