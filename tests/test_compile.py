"""The compiled index: what becomes a dimension of a model's table."""

from __future__ import annotations

import engine

NONE_CARD = """tool t { x 1 | 2 }
model t "M" { x none }
model t "N"
t "M" x 1 -> 10
t "M" -> 5
t "N" -> 7
"""


def test_a_parameter_a_model_does_not_take_is_no_dimension():
    # the rule on x never applies to M (check says so); the one without it prices M
    card = engine.loads(NONE_CARD)
    model = card.index.tools["t"].models["M"]
    assert "x" not in model.keys + model.ranged
    assert card.quote({"tool": "t", "model": "M"}).credits == 5
    assert card.quote({"tool": "t", "model": "N", "x": 2}).credits == 7
