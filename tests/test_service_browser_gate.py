"""Without a chromium binary the browser tests skip, saying why, except under CI, where they fail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run_browser_tests(tmp_path, ci: bool) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "RATECARD_CHROMIUM")}
    env["PATH"] = str(tmp_path)  # no chromium on it
    if ci:
        env["CI"] = "true"
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs",
                           "tests/test_service_browser.py"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("ci", [False, True], ids=["elsewhere", "under-ci"])
def test_no_chromium_skips_with_a_reason_or_fails_under_ci(tmp_path, ci):
    pytest.importorskip("starlette", reason="the service extra (starlette) is not installed")
    done = _run_browser_tests(tmp_path, ci)
    out = done.stdout + done.stderr
    assert "no chromium binary" in out, out
    if ci:
        assert done.returncode != 0 and "browser tests cannot run in CI" in out, out
    else:
        assert done.returncode == 5 or "skipped" in out, out  # 5: nothing ran
        assert "passed" not in out and "failed" not in out, out
