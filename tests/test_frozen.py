"""engine.frozen.positional builds the same values as the attrs constructor, and stays frozen."""

import attrs
import pytest

from engine import ast
from engine.diagnostics import Span
from engine.domain import Domain
from engine.frozen import positional
from engine.model import PricedRule


def every_field(value):
    return tuple(getattr(value, f.name) for f in attrs.fields(type(value)))


@pytest.mark.parametrize("cls", [c for c in [*vars(ast).values(), PricedRule]
                                 if isinstance(c, type) and attrs.has(c)], ids=lambda c: c.__name__)
def test_builds_what_the_constructor_builds(cls):
    span = Span("f", 1, 2, 3, 4)
    fields = attrs.fields(cls)
    values = [span if f.name.endswith("span") else f"v{i}" for i, f in enumerate(fields)]
    built = positional(cls)(*values)
    made = cls(**{f.name: v for f, v in zip(fields, values)})
    assert type(built) is cls
    assert built == made and every_field(built) == every_field(made)  # spans too, which == ignores
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.span = span


def test_refuses_what_it_would_build_wrongly():
    @attrs.frozen
    class Checked:
        n: int = attrs.field(validator=attrs.validators.instance_of(int))

    @attrs.frozen(slots=False)
    class Unslotted:
        n: int

    for cls in (Checked, Unslotted, Domain.__class__):
        with pytest.raises(TypeError):
            positional(cls)
