"""Domain algebra and the sweep's partition against plain sets of numbers.

Every bound drawn is at most 20, so each domain is the same for every value
from 21 on: comparing on 0..25 compares the whole, open ends included.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain import Domain, Interval
from engine.sweep import partition

SEEN = range(0, 26)


@st.composite
def intervals(draw):
    lo = draw(st.integers(0, 20))
    hi = draw(st.one_of(st.none(), st.integers(lo - 1, 20)))
    return Interval(lo, hi)


domains = st.lists(intervals(), max_size=4).map(Domain.ints)


def numbers(d: Domain) -> set[int]:
    return {v for v in SEEN if v in d}


@settings(max_examples=150, deadline=None)
@given(domains, domains)
def test_algebra_matches_sets(a, b):
    for result, expected in ((a.intersect(b), numbers(a) & numbers(b)),
                             (a.subtract(b), numbers(a) - numbers(b)),
                             (a.union(b), numbers(a) | numbers(b))):
        assert numbers(result) == expected
        assert result == Domain.ints(result.intervals), "not in canonical form"


@settings(max_examples=100, deadline=None)
@given(domains, st.lists(domains, max_size=5))
def test_partition_cuts_where_the_rules_change(offer, rules):
    pieces = partition(offer, rules)
    covered = [numbers(piece) for piece, _ in pieces]
    assert sum(map(len, covered)) == len(numbers(offer)) and set().union(*covered) == numbers(offer)
    assert len({key for _, key in pieces}) == len(pieces), "pieces with the same rules are joined"
    for piece, key in pieces:
        assert piece == Domain.ints(piece.intervals), "not in canonical form"
        for v in numbers(piece):
            assert tuple(k for k, r in enumerate(rules) if v in r) == key
