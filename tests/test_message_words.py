"""Messages read as English: one credit is singular, and a choice is offered with `or`."""

from __future__ import annotations

import engine
from tests.diagnosed import diagnostics


def test_an_overlap_of_one_credit_says_credit():
    card = "tool t {\n    x 1..3\n}\nt x 1..2 -> 1\nt x 2..3 -> 2\n"
    messages = [d.message for d in diagnostics(card)]
    assert any("(2 credits here, 1 credit there" in m for m in messages), messages


def test_a_missing_model_is_asked_for_with_or():
    card = engine.loads('tool t {\n    x 1 | 2\n}\nmodel t "A"\nmodel t "B"\nmodel t "C"\nt "A" -> 1\nt "B" -> 1\nt "C" -> 1\n')
    rejection = card.quote({"tool": "t"})
    assert not rejection.ok
    assert rejection.message.endswith('"A", "B" or "C"'), rejection.message
