"""Domain algebra against Python sets over a window that holds every boundary."""

from hypothesis import given
from hypothesis import strategies as st

from engine.domain import Domain, Interval

WINDOW = range(0, 40)


@st.composite
def int_domains(draw):
    pieces = []
    for _ in range(draw(st.integers(0, 3))):
        lo = draw(st.integers(0, 30))
        hi = draw(st.one_of(st.none(), st.integers(lo, 30)))
        pieces.append(Interval(lo, hi))
    return Domain.ints(pieces)


def as_set(domain):
    return {v for v in WINDOW if v in domain}


@given(int_domains(), int_domains())
def test_set_operations(a, b):
    assert as_set(a.intersect(b)) == as_set(a) & as_set(b)
    assert as_set(a.subtract(b)) == as_set(a) - as_set(b)
    assert as_set(a.union(b)) == as_set(a) | as_set(b)
    assert a.issubset(b) == (as_set(a) <= as_set(b))


@given(int_domains())
def test_intervals_are_normalised(a):
    ivs = a.intervals
    assert all(x.hi is not None and x.hi + 1 < y.lo for x, y in zip(ivs, ivs[1:]))


def test_words():
    assert Domain.of([4, 8, 12]).describe() == "4, 8 or 12"
    assert Domain.ints([Interval(1, 3)]).describe() == "1 to 3"
    assert Domain.ints([Interval(1, None)]).describe() == "1 or more"
    assert Domain.of(["16:9", "9:16"]).source() == '"16:9" | "9:16"'
    assert Domain.of([True]).describe() == "yes"
    assert 1 not in Domain.of([True]) and True not in Domain.of([1])
