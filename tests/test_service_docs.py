"""The server examples of docs/service.md: each start command is run as written, and every
`shell` example after it (up to the next start command) is sent to that server and prints what the page says.

(The `python` sessions of docs/service.md are run by tests/test_docs.py with the other pages' sessions.)
"""

from __future__ import annotations

import doctest
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the service extra (uvicorn) is not installed")

from tests.docs_examples import ROOT, _blocks, _commands  # noqa: E402

SERVICE = ROOT / "docs" / "service.md"
PAGE_PORT = "localhost:8080"


def _start_commands(path: Path) -> list[str]:
    """The `ratecard serve ...` of each `sh` block, without what comes before it on its line (the install)."""
    found = []
    for _, info, body, _ in _blocks(path):
        for line in body if info == "sh" else ():
            if "ratecard serve" in line:
                found.append("ratecard serve" + line.split("ratecard serve", 1)[1])
    return found


def _sections(path: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each start command with the `shell` examples that follow it."""
    out: list[tuple[str, list[tuple[str, str]]]] = []
    for _, info, body, _ in _blocks(path):
        if info == "sh" and any("ratecard serve" in line for line in body):
            out.append((_start_commands_of(body)[0], []))
        elif info == "shell" and out:
            out[-1][1].extend(_commands(body))
    return out


def _start_commands_of(body: list[str]) -> list[str]:
    return ["ratecard serve" + line.split("ratecard serve", 1)[1] for line in body if "ratecard serve" in line]


SECTIONS = _sections(SERVICE)
EXAMPLES = [(n, command, expected) for n, (_, examples) in enumerate(SECTIONS) for command, expected in examples]


def test_the_service_page_starts_the_server_with_the_commands_it_documents():
    # the README's one start command is the page's first, which the tests below run as written
    assert _start_commands(ROOT / "README.md") == _start_commands(SERVICE)[:1]
    assert "(docs/service.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert _start_commands(SERVICE)[:1] == ["ratecard serve --rules rules/"]
    assert [start for start, _ in SECTIONS] == ["ratecard serve --rules rules/",
                                                "ratecard serve --rules rules/ --db sqlite:///credits.db"]
    assert all(len(examples) >= 5 for _, examples in SECTIONS)


@pytest.fixture(scope="module", params=range(len(SECTIONS)))
def served(request, tmp_path_factory):
    """A start command of the page, run as written in a folder holding rules/, on a free port."""
    work = tmp_path_factory.mktemp("serve")
    shutil.copytree(ROOT / "rules", work / "rules")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    words = shlex.split(SECTIONS[request.param][0])
    command = [str(Path(sys.executable).parent / words[0]), *words[1:], "--port", str(port)]
    process = subprocess.Popen(command, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={"PATH": str(Path(sys.executable).parent), "RATECARD_CACHE_DIR": str(work / ".c"),
                                    "HOME": str(work)})
    try:
        for _ in range(600):  # up to about a minute on a busy machine
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"the server exited: {process.stdout.read()}")
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer /health")
        yield request.param, f"127.0.0.1:{port}", work
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_each_shell_example_prints_what_the_page_says(served):
    section, address, work = served
    for n, command, expected in EXAMPLES:
        if n == section:
            _check(command, expected, address, work)


def _check(command, expected, address, work):
    done = subprocess.run(["bash", "-c", command.replace(PAGE_PORT, address)], cwd=work, capture_output=True,
                          text=True, timeout=60)
    # `...` stands for any text (the card's digest), as in tests/test_docs.py
    assert doctest.OutputChecker().check_output(expected.rstrip("\n") + "\n", done.stdout.rstrip("\n") + "\n",
                                                doctest.ELLIPSIS), (done.stdout, done.stderr)
