"""Price rules read without the LALR parser: most of a large card is these lines.

    video "Sora 2" res 720 dur 4 -> 800
    gen "Model 7" audio yes res 720 | 1080 dur >= 60 -> 30 * dur
    voiceover chars / 10
    video "Sora 2 Pro" {                    and grids, in the layout `ratecard fmt` writes
        dur          4      8      12
        res 720  ->  2600   5200   7800
    }

A pure-Python LALR parser spends about 25 table steps and as many calls on
such a line; on a card of 100k rules that was most of the time to load it. So
syntax.parse first takes out the lines this module can read, blanks them, and
gives the rest of the text (declarations, blocks, anything unusual) to Lark.

A line is read here only if it is certainly one whole price rule at the top
level: outside every block, not continued with a backslash, made only of
names, numbers, quoted texts, `->`, `..`, `|`, comparisons and `+ - * /`, with
no keyword where a name stands (keywords are lexed by context, which is the
parser's business; but `plan` where a condition starts and `unset` where a
value stands are always those keywords there) and an outcome that is a number, `reject "..."`, `free`
or a formula without parentheses, `ceil`, `floor`, `min` or `max`; a grid only if every line of
it is of that kind too. Anything else is declined and left to Lark, so this
module never reports an error: declining is always safe. What it builds is
what the Lark parser builds from the same lines, spans included;
tests/test_rule_lines.py holds the two to each other. The lexical patterns
(what a name, a number, a text is) are taken from the grammar's own
terminals, so the language is still defined in one place.
"""

from __future__ import annotations

import functools
import re

import attrs

from engine import ast
from engine.diagnostics import Span
from engine.frozen import positional

MAX_OPERATORS = 64  # a longer formula is left to the parser, which guards the depth of nesting
MAX_DIGITS = 100  # a longer number is left to the parser, which reports it if int() refuses it


@attrs.frozen
class Lexicon:
    """What this module needs of the grammar: its token patterns and keywords."""

    token: re.Pattern  # two groups: the spaces before a token, and the token
    punctuation: dict[str, str]  # "->" -> "ARROW", ">=" -> "CMP", "+" -> "OP", ...
    keywords: frozenset[str]


_PUNCTUATION = {"_ARROW": "ARROW", "_DOTDOT": "DOTDOT", "_BAR": "BAR", "_LBRACE": "LBRACE", "_RBRACE": "RBRACE",
                "_PLUS": "OP", "_MINUS": "OP", "_STAR": "OP", "_SLASH": "OP"}


def lexicon(patterns: dict[str, str], literals: dict[str, str], keywords: frozenset[str]) -> Lexicon:
    """From the grammar's terminals: each one's pattern, the text of those that are fixed, and the keywords.

    A token's kind is told by its text: a fixed text is looked up, and otherwise
    the first character tells a quoted text (`"`) from a number (a digit) from a
    name (anything else the pattern lets through), as the three patterns start
    with characters no other can.
    """
    punctuation = {literals[terminal]: kind for terminal, kind in _PUNCTUATION.items()}
    punctuation.update({cmp.value: "CMP" for cmp in ast.Cmp})
    alternatives = [patterns["NAME"], patterns["INT"], patterns["STRING"],
                    *(re.escape(text) for text in sorted(punctuation, key=len, reverse=True)),
                    r"\#[^\n]*", "$"]  # a comment, or the end of the line
    token = re.compile(r"([\t \f]*)(" + "|".join(_noncapturing(p) for p in alternatives) + ")")
    return Lexicon(token=token, punctuation=punctuation, keywords=keywords)


def _noncapturing(pattern: str) -> str:
    """The pattern with its groups made non-capturing, so findall gives only ours."""
    out, escaped, in_class = [], False, False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(" and not pattern.startswith("?", i + 1):
            out.append("(?:")
            continue
        out.append(ch)
    return "".join(out)


_OPS = {op.value: op for op in ast.Op}
_CMPS = {cmp.value: cmp for cmp in ast.Cmp}
_BLANK = re.compile(r"[\t ]*(#[^\n]*)?\r?")  # what the grammar's newline token takes in after a newline
_BRACES = re.compile(r'"[^"\n]*"|#[^\n]*|[{}]')


_EOL = ("EOL", "", 0, 0)
_CONTINUED = ("\\", "\\\r")  # a line ending so is continued on the next (the grammar ignores `\\\n`)

# Nodes built from their fields' values in order (engine.frozen): the fields are, in order,
_name = positional(ast.Name)  # text, span
_literal = positional(ast.Literal)  # value, span
_range = positional(ast.Range)  # lo, hi, span
_bound = positional(ast.Bound)  # cmp, limit, span
_domain = positional(ast.Domain)  # items, span
_condition = positional(ast.Condition)  # param, domain, span
_plan_key = positional(ast.PlanKey)  # span
_unset = positional(ast.Unset)  # span
_number = positional(ast.Number)  # value, span
_param = positional(ast.ParamRef)  # name, span
_binary = positional(ast.Binary)  # op, left, right, span
_price = positional(ast.Price)  # expr, span
_reject = positional(ast.Reject)  # reason, span
_rule = positional(ast.Rule)  # subject, model, conditions, outcome, model_span, span
def _free(span: Span) -> ast.Free:
    return ast.Free(expr=_number(0, span), span=span)


_new_span = functools.partial(tuple.__new__, Span)  # Span(...) without its Python-level __new__


class _Decline(Exception):
    """This line is not one this module reads; the parser will."""


def take_rules(text: str, file: str, lex: Lexicon) -> tuple[str, list[ast.Rule | ast.Grid]]:
    """The rules and grids on the lines read here, and the text with those lines blanked.

    Line numbers are kept, so what the parser reports about the rest is where it was.
    """
    lines = text.split("\n")
    taken: list[ast.Rule | ast.Grid] = []
    depth = 0
    continued = False
    reader = _LineReader(file, lex)
    index = 0
    while index < len(lines):
        line = lines[index]
        braces = "{" in line or "}" in line
        if depth == 0 and not continued and line:
            try:
                if braces:
                    grid, after = reader.read_grid(lines, index)
                    taken.append(grid)
                    lines[index:after] = [""] * (after - index)
                    index = after
                else:
                    taken.append(reader.read(line, index + 1))
                    lines[index] = ""
                    index += 1
                continue
            except _Decline:
                pass
        if braces:
            for found in _BRACES.findall(line):
                if found == "{":
                    depth += 1
                elif found == "}":
                    depth = max(0, depth - 1)
        continued = line.endswith(_CONTINUED)
        index += 1
    return "\n".join(lines), taken


class _LineReader:
    """Reads one line as a rule, the way the grammar's `rule` and `bare_rule` would.

    Written for speed, as a loop over the line's tokens rather than a function
    per construct: it runs once for almost every line of a large card.
    """

    def __init__(self, file: str, lex: Lexicon):
        self.file = file
        self.lex = lex

    def _tokens(self, line: str) -> list[tuple[str, str, int, int]]:
        """(kind, text, column, end column) of each token, then _EOL."""
        if line.endswith("\r"):
            line = line[:-1]
        tokens = []
        append = tokens.append
        punctuation = self.lex.punctuation
        column = 1
        for spaces, text in self.lex.token.findall(line):
            column += len(spaces)
            if not text or text[0] == "#":
                column += len(text)
                break
            kind = punctuation.get(text)
            if kind is None:
                first = text[0]
                kind = "STRING" if first == '"' else "INT" if first.isdigit() else "NAME"
            end = column + len(text)
            append((kind, text, column, end))
            column = end
        if column != len(line) + 1:  # findall skipped what no token matches
            raise _Decline
        tokens.append(_EOL)
        return tokens

    def read(self, line: str, number: int) -> ast.Rule:
        tokens = self._tokens(line)
        self.number = number
        subject, model, model_span, i = self._head(tokens)
        column = subject.span.column
        if "->" not in line:  # then no arrow token; one inside a text is found missing below
            expr, i = self._sum(tokens, i)
            if tokens[i] is not _EOL:
                raise _Decline
            return _rule(subject, model, (), _price(expr, expr.span), model_span,
                         self._span(column, expr.span.end_column))
        conditions, i = self._conditions(tokens, i)
        if tokens[i][0] != "ARROW":
            raise _Decline
        kind, text, c, e = tokens[i + 1]
        if kind == "NAME" and text == "reject":
            kind, reason, _, e = tokens[i + 2]
            if kind != "STRING" or tokens[i + 3] is not _EOL:
                raise _Decline
            outcome = _reject(reason[1:-1], self._span(c, e))
        elif kind == "NAME" and text == "free":
            if tokens[i + 2] is not _EOL:
                raise _Decline
            outcome = _free(self._span(c, e))
        else:
            expr, i = self._sum(tokens, i + 1)
            if tokens[i] is not _EOL:
                raise _Decline
            outcome = _price(expr, expr.span)
        return _rule(subject, model, conditions, outcome, model_span,
                     self._span(column, outcome.span.end_column))

    def _head(self, tokens) -> tuple[ast.Name, str | None, Span | None, int]:
        """`video "Sora 2"`: the subject, and the model if one is named."""
        kind, text, column, end = tokens[0]
        if kind != "NAME" or text in self.lex.keywords:
            raise _Decline
        subject = _name(text, self._span(column, end))
        kind, text, column, end = tokens[1]
        if kind == "STRING":
            return subject, text[1:-1], self._span(column, end), 2
        return subject, None, None, 1

    def _conditions(self, tokens, i) -> tuple[tuple[ast.Condition, ...], int]:
        """`res 720 dur 1..3 | 7`, up to the first token that is not a name."""
        file, number, keywords = self.file, self.number, self.lex.keywords
        conditions = []
        while tokens[i][0] == "NAME":
            _, text, c, e = tokens[i]
            if text in keywords:
                if text != "plan":
                    raise _Decline
                param = _plan_key(_new_span((file, number, c, number, e)))  # `plan "AI Suite"`
            else:
                param = _name(text, _new_span((file, number, c, number, e)))
            item, i = self._item(tokens, i + 1)
            if tokens[i][0] == "BAR":
                items = [item]
                while tokens[i][0] == "BAR":
                    item, i = self._item(tokens, i + 1)
                    items.append(item)
                domain = _domain(tuple(items), _new_span(
                    (file, number, items[0].span.column, number, item.span.end_column)))
            else:
                domain = _domain((item,), item.span)
            conditions.append(_condition(param, domain,
                                         _new_span((file, number, c, number, item.span.end_column))))
        return tuple(conditions), i

    # -- grids: the canonical layout only (as `ratecard fmt` writes it)
    #
    #     video "Sora 2 Pro" {                  the head, ending in `{`
    #         dur            4      8      12   the column header: a name and values
    #         res 720    ->  2600   5200   7800 rows: conditions, `->`, a number, `reject` or `free` per column
    #     }                                     `}` on a line of its own
    #
    # Blank and comment lines may stand between the lines, as the grammar's
    # newline token swallows them. A cell in parentheses, `ceil`, anything on
    # the `{` or `}` line: the whole grid is left to the parser.

    def read_grid(self, lines: list[str], index: int) -> tuple[ast.Grid, int]:
        """The grid whose head is lines[index], and the index of the line after its `}`."""
        tokens = self._tokens(lines[index])
        self.number = index + 1
        subject, model, model_span, i = self._head(tokens)
        conditions, i = self._conditions(tokens, i)
        if tokens[i][0] != "LBRACE" or tokens[i + 1] is not _EOL:
            raise _Decline
        index, tokens = self._next_line(lines, index)
        kind, text, c, e = tokens[0]
        if kind != "NAME" or (text in self.lex.keywords and text != "plan"):
            raise _Decline
        column = _plan_key(self._span(c, e)) if text == "plan" else _name(text, self._span(c, e))
        columns = []
        i = 1
        while tokens[i] is not _EOL:
            item, i = self._item(tokens, i)
            if item.__class__ is not ast.Literal and item.__class__ is not ast.Unset:
                raise _Decline
            columns.append(item)
        if not columns:
            raise _Decline
        rows = []
        while True:
            index, tokens = self._next_line(lines, index)
            if tokens[0][0] == "RBRACE" and tokens[1] is _EOL:
                break
            rows.append(self._row(tokens))
        if not rows:
            raise _Decline
        closing = tokens[0]
        span = Span(self.file, subject.span.line, subject.span.column, index + 1, closing[3])
        grid = ast.Grid(subject=subject, model=model, conditions=conditions, column=column,
                        columns=tuple(columns), rows=tuple(rows), model_span=model_span, span=span)
        return grid, index + 1

    def _next_line(self, lines: list[str], index: int) -> tuple[int, list]:
        """The next line with a token, and its tokens; blank and comment lines are passed over."""
        while True:
            index += 1
            if index >= len(lines):
                raise _Decline
            line = lines[index]
            if line.endswith(_CONTINUED):
                raise _Decline
            tokens = self._tokens(line)
            if tokens[0] is not _EOL:
                self.number = index + 1
                return index, tokens
            if not _BLANK.fullmatch(line):  # `\f` ends the grammar's newline token: two in a row
                raise _Decline

    def _row(self, tokens) -> ast.GridRow:
        conditions, i = self._conditions(tokens, 0)
        kind, _, start, _ = tokens[i]
        if kind != "ARROW":
            raise _Decline
        if conditions:
            start = conditions[0].span.column
        cells = []
        for kind, text, c, e in tokens[i + 1:-1]:
            if kind == "INT":
                number = _number(self._int(text), self._span(c, e))
                cells.append(_price(number, number.span))
            elif kind == "NAME" and text == "reject":
                cells.append(_reject("", self._span(c, e)))
            elif kind == "NAME" and text == "free":
                cells.append(_free(self._span(c, e)))
            else:
                raise _Decline
        if not cells:
            raise _Decline
        return ast.GridRow(conditions=conditions, cells=tuple(cells), span=self._span(start, cells[-1].span.end_column))

    def _item(self, tokens, i) -> tuple[ast.DomainItem, int]:
        """One alternative of a domain: a value, `lo..hi` or `>= n`."""
        kind, text, column, end = tokens[i]
        if kind == "INT":
            if tokens[i + 1][0] == "DOTDOT":
                kind, hi, _, end = tokens[i + 2]
                if kind != "INT":
                    raise _Decline
                return _range(self._int(text), self._int(hi), self._span(column, end)), i + 3
            return _literal(self._int(text), self._span(column, end)), i + 1
        if kind == "STRING":
            return _literal(text[1:-1], self._span(column, end)), i + 1
        if kind == "NAME" and (text == "yes" or text == "no"):
            return _literal(text == "yes", self._span(column, end)), i + 1
        if kind == "NAME" and text == "unset":
            return _unset(self._span(column, end)), i + 1
        if kind == "CMP":
            kind, limit, _, end = tokens[i + 1]
            if kind != "INT":
                raise _Decline
            return _bound(_CMPS[text], self._int(limit), self._span(column, end)), i + 2
        raise _Decline

    # -- formulas: a sum of products of numbers and names, as the grammar's sum and product

    def _sum(self, tokens, i) -> tuple[ast.Expr, int]:
        return self._chain(tokens, i, "+-", self._product)

    def _product(self, tokens, i) -> tuple[ast.Expr, int]:
        return self._chain(tokens, i, "*/", self._atom)

    def _chain(self, tokens, i, symbols: str, operand) -> tuple[ast.Expr, int]:
        """`a + b - c`: operands read by `operand`, joined by the operators in `symbols`, from the left."""
        left, i = operand(tokens, i)
        operators = 0
        while tokens[i][0] == "OP" and tokens[i][1] in symbols:
            op = _OPS[tokens[i][1]]
            right, i = operand(tokens, i + 1)
            left = _binary(op, left, right, self._span(left.span.column, right.span.end_column))
            operators += 1
        if operators > MAX_OPERATORS:
            raise _Decline
        return left, i

    def _atom(self, tokens, i) -> tuple[ast.Expr, int]:
        kind, text, column, end = tokens[i]
        if kind == "INT":
            return _number(self._int(text), self._span(column, end)), i + 1
        if kind != "NAME" or text in self.lex.keywords:
            raise _Decline
        return _param(text, self._span(column, end)), i + 1

    def _span(self, column: int, end: int) -> Span:
        return _new_span((self.file, self.number, column, self.number, end))

    @staticmethod
    def _int(text: str) -> int:
        if len(text) > MAX_DIGITS:
            raise _Decline
        return int(text.replace("_", ""))
