"""Counting a text for a parameter declared `from text`: what is counted, exactly.

    tool voiceover { chars >= 1 from text }                                  every character
    tool speech { chars >= 1 from text not counting whitespace, tags }      neither spaces nor SSML

A text is counted in Unicode code points (Python's len). What a card may leave out:

- `whitespace`: every character for which Python's str.isspace() is true (spaces,
  tabs, line breaks, no-break spaces and the other Unicode spaces).
- `tags`: markup tags such as SSML's `<break time="1s"/>` or `</speak>`: a `<`
  followed at once by a letter, `_`, `:`, `/`, `!` or `?`, then any characters
  but `<` and `>`, up to the first `>`. So `5 < 6` is text (a space follows the
  `<`), and an unclosed `<b` is counted as written. Tags are taken out before
  whitespace is, so the spaces inside a tag go with it.

The count is a pure function of the text and what is left out: the same on
every quote path (engine.interpreter, engine.direct, engine.review.explain).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection


class Uncounted(enum.Enum):
    """What `not counting` may name."""

    WHITESPACE = "whitespace"
    TAGS = "tags"


TAG = re.compile(r"<[A-Za-z_:/!?][^<>]*>")


def count(text: str, uncounted: Collection[Uncounted] = ()) -> int:
    """How many characters of `text` count, leaving out what `uncounted` names."""
    if not uncounted:
        return len(text)
    if Uncounted.TAGS in uncounted:
        text = TAG.sub("", text)
    if Uncounted.WHITESPACE in uncounted:
        return sum(map(len, text.split()))  # str.split() splits at exactly the str.isspace() characters
    return len(text)


def describe(uncounted: Collection[Uncounted]) -> str:
    """`whitespace and tags`, in the order of the enum."""
    words = [u.value for u in Uncounted if u in uncounted]
    return " and ".join(words)
