"""Where something is in a card's text: a Span, light to import (engine.diagnostics re-exports it)."""

from __future__ import annotations

from collections import namedtuple

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (type checkers read it the same)
if TYPE_CHECKING:
    from typing import NamedTuple

    _Fields = NamedTuple("_Fields", [("file", str), ("line", int), ("column", int), ("end_line", int),
                                     ("end_column", int)])
else:
    _Fields = namedtuple("Span", ("file", "line", "column", "end_line", "end_column"))


class Span(_Fields):
    """A stretch of one source file; lines and columns count from 1, end_column is exclusive.

    A tuple rather than an attrs class: a large card has millions of them, and
    a tuple is built in a fifth of the time (bench/parse_speed.py). Made with
    collections.namedtuple, not typing.NamedTuple: importing typing would cost a
    quote from the compiled-card cache about as much as starting Python does.
    """

    __slots__ = ()

    def label(self) -> str:
        return f"{self.file}:{self.line}"


NOWHERE = Span("<card>", 1, 1, 1, 1)
