"""A mistake written once is reported once: not once per tool of a group, nor once per grid cell."""

import textwrap

import pytest

import engine
from engine.diagnostics import Code

GROUP = """\
    tool text-to-video, image-to-video {
        res 720 | 1080
        dur 4 | 8
    }
    group video = text-to-video, image-to-video
    model video "Sora 2 Pro" {
        res 720
        dur 4 | 8
    }
    video "Sora 2 Pro" res 720 dur 4 | 8 -> 1
"""


def diagnostics(tmp_path, text):
    path = tmp_path / "card.rules"
    path.write_text(textwrap.dedent(text))
    try:
        return engine.load(path, use_cache=False).warnings
    except engine.RateCardError as caught:
        return caught.diagnostics


def test_a_group_rule_naming_a_missing_model_is_one_error_as_written(tmp_path):
    found = diagnostics(tmp_path, GROUP + '    video "Sora 2 Por" res 720 dur 4 -> 5\n')
    assert [(d.code, d.span.line, d.message) for d in found] == [
        (Code.UNKNOWN_NAME, 11, 'video has no model "Sora 2 Por"; did you mean "Sora 2 Pro"?')]


def test_a_group_grid_row_outside_the_domain_is_one_error(tmp_path):
    found = diagnostics(tmp_path, GROUP + '    video "Sora 2 Pro" {\n        dur 4 8\n        res 480 -> 5 6\n    }\n')
    assert [(d.code, d.span.line) for d in found] == [(Code.OUT_OF_DOMAIN, 13)]


@pytest.mark.parametrize("cells", [2, 3])
def test_a_grid_row_the_model_does_not_offer_is_one_warning(tmp_path, cells):
    durs = [4, 8, 12][:cells]
    text = (f'tool video {{\n res 720 | 1080\n dur {" | ".join(map(str, durs))}\n}}\n'
            f'model video "M" {{\n res 720\n dur {" | ".join(map(str, durs))}\n}}\n'
            f'video "M" {{\n dur {" ".join(map(str, durs))}\n res 720 -> {" ".join(["1"] * cells)}\n'
            f' res 1080 -> {" ".join(["2"] * cells)}\n}}\n')
    found = diagnostics(tmp_path, text)
    assert [(d.code, d.span.line) for d in found] == [(Code.DEAD_RULE, 12)]
    assert "offers res 720, not 1080" in found[0].message


@pytest.mark.parametrize("written, hint", [
    ("Sora 2 Por", '; did you mean "Sora 2 Pro"?'),  # a misspelling keeps its version
    ("Sora 1", ""),  # another version: a rule left over from a removed model
    ("Kling 1.6", ""),
])
def test_a_leftover_rule_is_not_pointed_at_another_model(tmp_path, written, hint):
    text = ('tool video { res 720 }\nmodel video "Sora 2 Pro"\nmodel video "Kling 2.6 Pro"\n'
            f'video "Sora 2 Pro" -> 1\nvideo "Kling 2.6 Pro" -> 1\nvideo "{written}" -> 2\n')
    (found,) = diagnostics(tmp_path, text)
    assert found.message == f'video has no model "{written}"{hint}'
