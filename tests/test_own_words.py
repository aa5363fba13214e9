"""Narration, captions and docs are in our own words: the article's overlap tool finds nothing."""
import subprocess
import sys

import pytest

from conftest import ROOT

TOOL = ROOT.parent / "shared" / "tools" / "seed_overlap.py"


@pytest.mark.skipif(not TOOL.exists(), reason="the shared overlap tool is not beside this checkout")
def test_no_run_of_eight_words_is_copied_from_the_article():
    r = subprocess.run([sys.executable, str(TOOL), "--repo", str(ROOT)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout
