"""engine.plain's frozen classes behave as the attrs classes they replaced, Quote and Rejection first
(PRODUCT.md calls them frozen attrs classes: fields, equality, repr, hashing, immutability, attrs' own functions)."""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal

import attrs
import pytest

from engine.domain import Domain, Interval, ValueType
from engine.params import Param
from engine.plans import Plan, Tier
from engine.results import Code, DatedQuote, DatedRejection, Quote, Rejection
from engine.sources import Source
from engine.span import NOWHERE, Span


@attrs.frozen
class AttrsQuote:  # what Quote was, to compare with (its repr leaves out an amount that is None)
    credits: int
    rule: str
    digest: str = attrs.field(default="", eq=False, repr=False, kw_only=True)
    amount: Decimal | None = attrs.field(default=None, kw_only=True, repr=False)
    unit: str | None = attrs.field(default=None, kw_only=True, repr=False)


def test_a_quote_looks_and_compares_as_the_attrs_class_did():
    q, old = Quote(11400, "video.rules:42", digest="abc"), AttrsQuote(11400, "video.rules:42", digest="abc")
    assert repr(q) == repr(old).replace("AttrsQuote", "Quote") == "Quote(credits=11400, rule='video.rules:42')"
    assert q == Quote(11400, "video.rules:42") and hash(q) == hash(Quote(11400, "video.rules:42"))  # not the digest
    assert q != Quote(11401, "video.rules:42") and q != Quote(11400, "video.rules:43")
    assert q != old and (q == (11400, "video.rules:42")) is False  # only a Quote equals a Quote
    assert Quote.__match_args__ == AttrsQuote.__match_args__ == ("credits", "rule")
    assert q.ok is True and Rejection(Code.UNSUPPORTED, "no").ok is False
    with pytest.raises(TypeError):
        Quote(1, "r", "digest given by position")  # keyword-only, as it was


def test_no_field_can_be_changed_or_removed():
    q = Quote(1, "a.rules:1")
    for change in (lambda: setattr(q, "credits", 2), lambda: delattr(q, "rule"), lambda: setattr(q, "extra", 1)):
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            change()
    assert q == Quote(1, "a.rules:1")


def test_attrs_own_functions_work_on_them():
    r = Rejection(Code.UNSUPPORTED, "Sora 2 Pro offers dur 4, 8 or 12; got 6", "dur", digest="d")
    assert attrs.has(Rejection) and [f.name for f in attrs.fields(Rejection)] == ["code", "message", "param", "digest"]
    assert [f.name for f in attrs.fields(Quote) if f.eq] == ["credits", "rule", "amount", "unit"]
    assert [f.name for f in attrs.fields(DatedQuote)] == ["credits", "rule", "digest", "amount", "unit", "effective"]
    assert attrs.asdict(r) == {"code": Code.UNSUPPORTED, "message": r.message, "param": "dur", "digest": "d"}
    changed = attrs.evolve(r, param=None)
    assert type(changed) is Rejection and changed.param is None and changed.digest == "d" and r.param == "dur"
    assert attrs.evolve(Quote(5, "a:1"), credits=6) == Quote(6, "a:1")


@pytest.mark.parametrize("value", [
    Quote(7, "v.rules:3", digest="x"),
    Quote(4500, "v.rules:3", digest="x", amount=Decimal("0.004500"), unit="USD"),
    DatedQuote(7, "v.rules:3", digest="x", effective="2026-12-01T00:00:00Z/.."),
    DatedRejection(Code.REJECTED, "no", digest="x", effective="../2026-12-01T00:00:00Z"),
    Rejection(Code.MISSING_PARAM, "say `dur`", "dur", digest="y"),
    Domain(ValueType.INT, intervals=(Interval(1, 3), Interval(8, None))),
    Param(name="dur", domain=Domain.of([4, 8]), unit="s", span=Span("a", 1, 2, 3, 4)),
    Plan(name="AI Suite", tools=frozenset({"voiceover"}), tiers=(Tier(credits=40000),)),
    Source("a.rules", "rules/a.rules", "tool t { }\r\n"),
])
def test_copies_and_pickles_are_equal_and_keep_every_field(value):
    for twin in (copy.copy(value), copy.deepcopy(value), pickle.loads(pickle.dumps(value))):
        assert type(twin) is type(value) and twin == value and hash(twin) == hash(value)
        assert all(getattr(twin, f) == getattr(value, f) for f in type(value)._fields)  # hidden ones too


def test_hidden_fields_are_left_out_of_equality_and_repr_as_attrs_had_them():
    a = Param(name="n", domain=Domain.of([1]), span=Span("a", 1, 1, 1, 2))
    b = Param(name="n", domain=Domain.of([1]), span=NOWHERE)
    assert a == b and hash(a) == hash(b) and "span" not in repr(a)
    assert Plan(name="P", tools=frozenset()) != Plan(name="P", tools=frozenset({"t"}))


def test_a_source_is_normalised_when_made_and_when_evolved():
    s = Source("a.rules", "a.rules", "\ufefftool t { }\r\nt -> 1\r")
    assert s.text == "tool t { }\nt -> 1\n"
    assert attrs.evolve(s, text="x\r\n").text == "x\n"


def test_a_dated_answer_equals_and_hashes_as_the_undated_one():
    q = DatedQuote(7, "v.rules:3", effective="2026-12-01T00:00:00Z/..")
    assert q == Quote(7, "v.rules:3") and Quote(7, "v.rules:3") == q and hash(q) == hash(Quote(7, "v.rules:3"))
    assert q.effective == "2026-12-01T00:00:00Z/.." and Quote(7, "v.rules:3").effective is None
    assert q.to_json()["effective"] == q.effective and "effective" not in repr(q)
    r = DatedRejection(Code.REJECTED, "no", effective="x")
    assert r == Rejection(Code.REJECTED, "no") and hash(r) == hash(Rejection(Code.REJECTED, "no"))
    assert attrs.evolve(q, credits=8) == Quote(8, "v.rules:3") and type(attrs.evolve(q, credits=8)) is DatedQuote


def test_a_quote_in_an_amount_shows_its_amount():
    q = Quote(4500, "v.rules:3", amount=Decimal("0.004500"), unit="USD")
    assert repr(q) == "Quote(credits=4500, rule='v.rules:3', amount=Decimal('0.004500'), unit='USD')"
    assert q != Quote(4500, "v.rules:3") and q.shown() == "0.004500 USD"
    assert q.to_json() == {"ok": True, "amount": "0.004500", "unit": "USD", "rule": "v.rules:3", "digest": ""}
