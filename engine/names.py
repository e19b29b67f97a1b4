"""Words for messages: 'did you mean' for names (tools, models, parameters), lists of names, amounts of credits."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def nearest(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate, compared without case; None when nothing is close."""
    candidates = list(candidates)
    by_fold = {c.casefold(): c for c in candidates}
    folded = word.casefold()
    if folded in by_fold:
        return by_fold[folded]
    match = difflib.get_close_matches(folded, list(by_fold), n=1, cutoff=0.6)
    if match:
        return by_fold[match[0]]
    # a prefix or a part, as in "Sora" for "Sora 2 Pro"
    parts = [c for c in candidates if folded and (folded in c.casefold() or c.casefold() in folded)]
    return min(parts, key=len) if parts else None


def did_you_mean(word: str, candidates: Iterable[str], quote: str = "") -> str:
    """`; did you mean "Sora 2 Pro"?` or the empty string."""
    match = nearest(word, candidates)
    return f"; did you mean {quote}{match}{quote}?" if match else ""


def listing(names: Iterable[str], quote: str = "", limit: int = 12, last: str = "and") -> str:
    """`a, b and c`; `last="or"` where the reader is to pick one (`say which model: a, b or c`)."""
    names = [f"{quote}{n}{quote}" for n in names]
    if len(names) > limit:
        names = names[:limit] + [f"{last} {len(names) - limit} more"]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {last} " + names[-1]


def credits_words(n: int) -> str:
    """`1 credit`, `2 credits`."""
    return "1 credit" if n == 1 else f"{n} credits"
