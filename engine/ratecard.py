"""Loading a rate card (parse, resolve, check, compile) and quoting with it.

The parser and the checks are imported only when a card has to be built:
a card unchanged since it was last compiled comes from engine.cache, so
quoting from it never loads Lark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from engine import cache
from engine import sources as source_files
from engine.compile import Index
from engine.diagnostics import Diagnostic, has_errors, render_text, summary
from engine.fastpath import make_quoter
from engine.gcpause import paused_gc
from engine.model import Card
from engine.plans import Plan
from engine.sources import Source

if TYPE_CHECKING:
    from engine.review.explain import Explanation


class RateCardError(ValueError):
    """A rate card with errors: carries every diagnostic, rendered by str()."""

    def __init__(self, diagnostics: Sequence[Diagnostic], sources: Mapping[str, str]):
        self.diagnostics = tuple(diagnostics)
        self.sources = dict(sources)
        super().__init__(f"the rate card has errors ({summary(self.diagnostics)}):\n\n"
                         + render_text(self.diagnostics, self.sources))


def analyse(sources: Sequence[Source]) -> tuple[Card | None, list[Diagnostic]]:
    """Every diagnostic of a card; the resolved Card too when nothing stopped resolving it."""
    with paused_gc():
        return _analyse(sources)


def _analyse(sources: Sequence[Source]) -> tuple[Card | None, list[Diagnostic]]:
    from engine.checks import run_checks
    from engine.lower import lower
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
    decls = Declarations()
    decls.collect(files)
    rules, found = lower(files, decls)
    diagnostics += decls.diagnostics + found
    card = Card(tools=decls.tools, groups=decls.groups, models=decls.models, rules=tuple(rules),
                plans=decls.plans, sources={s.name: s.text for s in sources}, money=decls.money)
    if not has_errors(diagnostics):
        diagnostics += run_checks(card)
    return card, sorted(diagnostics, key=Diagnostic.sort_key)


class RateCard:
    """A loaded rate card. Immutable, so safe to share between threads.

    `quote(request)` prices one request and never raises; `quote_many(requests)`
    prices many into a list. `card` (the resolved semantic model) is built on
    first use when the card came from the cache; quoting needs only `index`.
    `digest` names the card by its content (engine.sources.digest): the same
    text gives the same digest on any machine, cached or not.
    """

    __slots__ = ("_card", "_sources", "digest", "index", "quote", "quote_many", "warnings")

    def __init__(self, card: Card | None, index: Index, warnings: Sequence[Diagnostic] = (),
                 sources: Sequence[Source] = ()):
        self._card = card
        self._sources = tuple(sources)
        self.digest: str = source_files.digest(self._sources)
        self.index = index
        self.warnings = tuple(warnings)
        # quote(request) -> Quote | Rejection, never raises; quote_many(requests) -> list.
        # Plain attributes holding engine.fastpath's functions: a quote pays no method call.
        self.quote, self.quote_many = make_quoter(index, digest=self.digest)

    def explain(self, request: Mapping[str, object]) -> Explanation:
        """Why `request` gets the result `quote` gives it: an engine.review.explain.Explanation
        (the matched rule and its arithmetic, or what the model offers and the nearest rules)."""
        from engine.review.explain import explanation

        return explanation(self, request)

    @property
    def plans(self) -> Mapping[str, Plan]:
        """Plan name -> engine.plans.Plan: the tools it allows, its billing period, its credit tiers."""
        return self.index.plan_details

    @property
    def card(self) -> Card:
        if self._card is None:
            self._card, _ = analyse(self._sources)
        return self._card

    @classmethod
    def from_sources(cls, sources: Sequence[Source], read_errors: Sequence[Diagnostic] = (),
                     use_cache: bool = True) -> RateCard:
        clean = use_cache and not read_errors
        if clean:
            index = cache.read(sources)
            if index is not None:
                return cls(None, index, (), sources)
        from engine.compile import compile_card

        with paused_gc():  # analyse's pause, widened: building the index allocates as much again
            card, diagnostics = _analyse(sources)
            diagnostics = list(read_errors) + diagnostics
            if card is None or has_errors(diagnostics):
                raise RateCardError(diagnostics, {s.name: s.text for s in sources})
            built = cls(card, compile_card(card), diagnostics, sources)
        if clean and not diagnostics:  # warnings are not cached, so a card with any is always rebuilt
            cache.write(sources, built.index)
        return built


def load(path: str | Path | None = None, *, use_cache: bool = True) -> RateCard:
    """Load a .rules file or a folder of them; the bundled card when path is None."""
    sources, diagnostics = source_files.read(path)
    if diagnostics and not sources:
        raise RateCardError(diagnostics, {})
    return RateCard.from_sources(sources, diagnostics, use_cache)


def loads(text: str, name: str = "<string>", *, use_cache: bool = False) -> RateCard:
    """Load a card from text. Not cached unless asked: texts are mostly one-offs (tests, tools)."""
    return RateCard.from_sources([Source(name=name, path=name, text=text)], (), use_cache)
