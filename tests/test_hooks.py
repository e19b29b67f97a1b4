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


def test_the_check_hook_fails_on_a_warning(tmp_path, capsys):
    """A rule for a value the model does not offer is only a warning, but production refuses
    those requests: the hook must not print "Passed" for it."""
    (tmp_path / "a.rules").write_text('tool t { n 1 | 2 }\nmodel t "M" { n 1 }\nt "M" n 2 -> 5\nt "M" n 1 -> 3\n')
    check = _hooks()["ratecard-check"]
    assert main(check["entry"].split()[1:] + [str(tmp_path)]) == 1
    assert "warning[W202 dead-rule]" in capsys.readouterr().out
