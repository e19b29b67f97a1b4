"""The pre-commit hooks run real ratecard commands and pass on the bundled card."""

from pathlib import Path

import yaml

from engine.cli import main

ROOT = Path(__file__).parent.parent


def _hooks():
    return {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}


def test_the_hooks_are_declared():
    hooks = _hooks()
    assert set(hooks) == {"ratecard-check", "ratecard-fmt"}
    for hook in hooks.values():
        assert hook["entry"].split()[0] == "ratecard"
        assert hook["files"] == r"\.rules$" and hook["language"] == "python"
    assert hooks["ratecard-check"]["pass_filenames"] is False


def test_the_hooks_pass_on_the_bundled_card(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    hooks = _hooks()
    check = hooks["ratecard-check"]
    assert main(check["entry"].split()[1:] + check["args"]) == 0
    fmt = hooks["ratecard-fmt"]
    files = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "rules").glob("*.rules"))]
    assert main(fmt["entry"].split()[1:] + files) == 0
    capsys.readouterr()
