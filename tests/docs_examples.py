"""The console examples of README.md and docs/*.md, read as runnable sessions.

A fenced block is a console example when it is tagged `console`, or when its
first line starts with `$ `. Each `$ ` line is a shell command; the lines under
it, up to the next command, are what it prints (stdout and stderr together).
Every example of one Markdown file runs in order in one scratch folder, so a
later block sees the files an earlier one wrote.

What an example needs but should not show is said in an HTML comment just
above it, which Markdown does not render:

    <!-- setup
    mkdir broken && printf 'tool t\\nt -> 0\\n' > broken/a.rules
    -->

Setup commands run in the same folder, with `$RATECARD_REPO` naming the
checkout (so `cp -r "$RATECARD_REPO/rules" .` copies the bundled card).
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parent.parent
_FENCE = re.compile(r"^(`{3,})(.*)$")
_SETUP = re.compile(r"<!--\s*setup\s*\n(.*?)-->", re.S)


@attrs.frozen
class Example:
    """One console block: where it is, the setup before it, its commands and their output."""

    path: Path
    line: int
    setup: str
    commands: tuple[tuple[str, str], ...]   # (command, expected output)

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _blocks(path: Path):
    """Each fenced block: (its first line's number, info string, body lines, the prose before it)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    prose_from = i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        end = i + 1
        while end < len(lines) and lines[end].strip() != fence.group(1):
            end += 1
        yield i + 1, fence.group(2).strip(), lines[i + 1:end], "\n".join(lines[prose_from:i]).rstrip()
        prose_from = i = end + 1


def examples(path: Path) -> list[Example]:
    found = []
    for line, info, body, prose in _blocks(path):
        if info == "console" or (not info and body and body[0].startswith("$ ")):
            setups = _SETUP.findall(prose)
            setup = setups[-1] if setups and prose.endswith("-->") else ""
            found.append(Example(path, line, setup, _commands(body)))
    return found


def _commands(body: list[str]) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, list[str]]] = []
    for line in body:
        if line.startswith("$ "):
            out.append((line[2:], []))
        elif out:
            out[-1][1].append(line)
    return tuple((command, "\n".join(expected)) for command, expected in out)


def python_sessions(path: Path) -> list[tuple[int, str]]:
    """The `python` blocks written as interpreter sessions (`>>>`), with the line of their first statement."""
    return [(line + 1, "\n".join(body) + "\n") for line, info, body, _ in _blocks(path)
            if info == "python" and body and body[0].startswith(">>> ")]
