"""Loading a rate card (parse, resolve, check, compile) and quoting with it.

The parser, the AST and the checks (and attrs, which they are made of) are
imported only when a card has to be built: a card unchanged since it was last
compiled comes from engine.cache, so quoting from it loads only the light
modules a quote reads (tests/test_startup.py holds that).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from engine import cache
from engine import sources as source_files
from engine.fastpath import make_quoter
from engine.gcpause import paused_gc
from engine.sources import Source

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from engine import dates
    from engine.diagnostics import Diagnostic
    from engine.index import Index
    from engine.model import Card
    from engine.plans import Plan
    from engine.review.explain import Explanation


class RateCardError(ValueError):
    """A rate card with errors: carries every diagnostic, rendered by str()."""

    def __init__(self, diagnostics: Sequence[Diagnostic], sources: Mapping[str, str]):
        from engine.diagnostics import render_text, summary

        self.diagnostics = tuple(diagnostics)
        self.sources = dict(sources)
        super().__init__(f"the rate card has errors ({summary(self.diagnostics)}):\n\n"
                         + render_text(self.diagnostics, self.sources))


def analyse(sources: Sequence[Source]) -> tuple[Card | None, list[Diagnostic]]:
    """Every diagnostic of a card; the resolved Card too when nothing stopped resolving it."""
    with paused_gc():
        return _analyse(sources)


def _analyse(sources: Sequence[Source]) -> tuple[Card | None, list[Diagnostic]]:
    from engine import timeline
    from engine.checks import run_checks
    from engine.diagnostics import Diagnostic, has_errors
    from engine.lower import lower
    from engine.model import Card
    from engine.resolve import Declarations
    from engine.syntax import parse

    files, diagnostics = [], []
    for source in sources:
        tree, found = parse(source.text, source.name)
        diagnostics += found
        if tree is not None:
            files.append(tree)
    if has_errors(diagnostics):
        return None, sorted(diagnostics, key=Diagnostic.sort_key)
    files, marks, found = timeline.flatten(files)  # dates first: the rest reads an undated tree
    diagnostics += found
    decls = Declarations()
    decls.collect(files)
    rules, found = lower(files, decls)
    diagnostics += decls.diagnostics + found
    card = Card(tools=decls.tools, groups=decls.groups, models=decls.models, rules=tuple(rules),
                plans=decls.plans, sources={s.name: s.text for s in sources}, money=decls.money,
                timeline=timeline.timeline_of(rules, marks))
    if not has_errors(diagnostics):
        diagnostics += run_checks(card) if card.timeline is None else timeline.run_checks(card)
    return card, sorted(diagnostics, key=Diagnostic.sort_key)


class RateCard:
    """A loaded rate card. Immutable, so safe to share between threads.

    `quote(request)` prices one request and never raises; `quote_many(requests)`
    prices many into a list. `card` (the resolved semantic model) is built on
    first use when the card came from the cache; quoting needs only `index`.
    `digest` names the card by its content (engine.sources.digest): the same
    text gives the same digest on any machine, cached or not.

    A card with dates (`from`, `until`) prices by the time asked for:
    `quote(request, at=datetime)`, now when `at` is None; its answers name the
    slice of time that priced them (`Quote.effective`). `at(when)` is the card as
    it prices at one time, an ordinary card (for the price sheet, explain, diff).
    A dated card's `card` holds every rule, each with its dates (`card.timeline`),
    and its `index` is its last slice's, with every slice's under `index.versions`.
    An undated card takes `at` too (it must be a time) and prices alike at every time.
    """

    __slots__ = ("_card", "_dated", "_parent", "_slice", "_sources", "digest", "index", "period", "quote",
                 "quote_many", "warnings")

    def __init__(self, card: Card | None, index: Index, warnings: Sequence[Diagnostic] = (),
                 sources: Sequence[Source] = ()):
        self._card = card
        self._sources = tuple(sources)
        self.digest: str = source_files.digest(self._sources)
        self.index = index
        self.warnings = tuple(warnings)
        self._parent: RateCard | None = None  # the dated card this is one slice of (see at())
        self._slice = 0                          # which slice
        self.period: dates.Period | None = None  # that slice's time
        # quote(request, at=None) -> Quote | Rejection, never raises; quote_many(requests, at=None) -> list.
        # Plain attributes holding engine.fastpath's functions: a quote pays no method call.
        if index.versions is None:
            self._dated = None
            self.quote, self.quote_many = make_quoter(index, digest=self.digest)
        else:  # a card with dates: its versions' quoter, imported for it only
            from engine.versions import make_dated_quoter

            self._dated = make_dated_quoter(index.versions, digest=self.digest)
            self.quote, self.quote_many = self._dated.quote, self._dated.quote_many

    def explain(self, request: Mapping[str, object], at: object = None) -> Explanation:
        """Why `request` gets the result `quote` gives it (at `at`, default now): an
        engine.review.explain.Explanation (the matched rule and its arithmetic, or what the model
        offers and the nearest rules)."""
        from engine.review.explain import explanation

        return explanation(self.at(at), request)

    @property
    def effective(self) -> str | None:
        """The slice of time this card is, as Quote.effective names it; None for a whole card."""
        return None if self.period is None else self.period.iso()

    @property
    def periods(self) -> tuple[dates.Period, ...]:
        """The slices of time the card's dates cut, in order; () for a card without dates."""
        versions = self.index.versions
        return () if versions is None else versions.periods

    def at(self, when: object = None) -> RateCard:
        """The card as it prices at `when` (an aware datetime or a time as text; None: now). For a dated
        card, the slice in effect then, as a card of its own whose quotes name it; a card without dates
        is itself. ValueError when `when` is not a time (the message says why)."""
        if when is None and self._dated is None:  # a card without dates, or a slice at its own time
            return self
        from engine import dates  # a time to read, or a dated card

        t = dates.now() if when is None else dates.read_at(when)
        if type(t) is str:
            raise ValueError(t)
        if self._parent is not None:  # a slice: at its own time when none is given
            return self if when is None else self._parent.at(when)
        if self._dated is None:
            return self
        return self._view(self.index.versions.slice_at(t))

    def _view(self, i: int) -> RateCard:
        """Slice i of this dated card, as a card: its quotes price in that slice unless given another time."""
        view = RateCard.__new__(RateCard)
        view._card = None
        view._sources = self._sources
        view.digest = self.digest
        view.index = self.index.versions.indexes[i]
        view.warnings = self.warnings
        view._dated = None
        view._parent = self
        view._slice = i
        view.period = self.index.versions.period(i)
        one, many = self._dated.slices[i]
        whole, whole_many = self.quote, self.quote_many

        def quote(request: object, at: object = None):
            return one(request) if at is None else whole(request, at)

        def quote_many(requests, at: object = None):
            return many(requests) if at is None else whole_many(requests, at)

        view.quote, view.quote_many = quote, quote_many
        return view

    @property
    def plans(self) -> Mapping[str, Plan]:
        """Plan name -> engine.plans.Plan: the tools it allows, its billing period, its credit tiers."""
        return self.index.plan_details

    @property
    def card(self) -> Card:
        if self._card is None:
            if self._parent is not None:  # one slice of a dated card: an ordinary card
                whole = self._parent.card
                self._card = whole.timeline.card_at(whole, self._slice)
            else:
                self._card, _ = analyse(self._sources)
        return self._card

    @classmethod
    def from_sources(cls, sources: Sequence[Source], read_errors: Sequence[Diagnostic] = (),
                     use_cache: bool = True) -> RateCard:
        clean = use_cache and not read_errors
        if clean:
            with paused_gc():  # reading a large index, and the quoter's tables, allocate as much as building
                index = cache.read(sources)
                if index is not None:
                    return cls(None, index, (), sources)
        from engine.compile import compile_card
        from engine.diagnostics import has_errors
        from engine.versions import compile_versions

        with paused_gc():  # analyse's pause, widened: building the index allocates as much again
            card, diagnostics = _analyse(sources)
            diagnostics = list(read_errors) + diagnostics
            if card is None or has_errors(diagnostics):
                raise RateCardError(diagnostics, {s.name: s.text for s in sources})
            built = cls(card, compile_card(card) if card.timeline is None else compile_versions(card),
                        diagnostics, sources)
        if clean and not diagnostics:  # warnings are not cached, so a card with any is always rebuilt
            cache.write(sources, built.index)
        return built


def load(path: str | os.PathLike[str] | None = None, *, use_cache: bool = True) -> RateCard:
    """Load a .rules file or a folder of them; the bundled card when path is None."""
    sources, diagnostics = source_files.read(path)
    if diagnostics and not sources:
        raise RateCardError(diagnostics, {})
    return RateCard.from_sources(sources, diagnostics, use_cache)


def loads(text: str, name: str = "<string>", *, use_cache: bool = False) -> RateCard:
    """Load a card from text. Not cached unless asked: texts are mostly one-offs (tests, tools)."""
    return RateCard.from_sources([Source(name=name, path=name, text=text)], (), use_cache)
