"""Text -> AST. Lark lives here and nowhere else; its errors become Diagnostics."""

from __future__ import annotations

import functools
import re
from contextvars import ContextVar
from decimal import Decimal

import attrs
from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternStr

from engine import ast, dates, parser_cache, rule_lines, syntax_mistakes
from engine.diagnostics import Code, Diagnostic, Span, error, source_lines
from engine.sources import grammar_path

MAX_SYNTAX_ERRORS = 20


@functools.lru_cache(maxsize=1)
def parser() -> Lark:
    """The parser that reports syntax errors: it builds a lark Tree, which nothing reads."""
    return parser_cache.lark(_grammar(), parser="lalr", maybe_placeholders=False)


@functools.lru_cache(maxsize=1)
def _builder() -> Lark:
    """The parser that builds the AST as it reduces: no Tree, no second pass."""
    return parser_cache.lark(_grammar(), parser="lalr", maybe_placeholders=False, transformer=_ToAst())


@functools.lru_cache(maxsize=1)
def _grammar() -> str:
    """The grammar's text. Each parser is built from it once per cache folder (engine.parser_cache)."""
    return grammar_path().read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _lexicon() -> rule_lines.Lexicon:
    """The grammar's token patterns and keywords, for the lines read without the parser."""
    lark = _builder()
    patterns = {t.name: t.pattern.to_regexp() for t in lark.terminals}
    name = re.compile(patterns["NAME"])
    keywords = frozenset(t.pattern.value for t in lark.terminals
                         if isinstance(t.pattern, PatternStr) and name.fullmatch(t.pattern.value))
    literals = {t.name: t.pattern.value for t in lark.terminals if isinstance(t.pattern, PatternStr)}
    return rule_lines.lexicon(patterns, literals, keywords)


# ---------------------------------------------------------------- AST while parsing
#
# lark calls the method named for each rule (or alias) with the rule's children:
# tokens, and what the methods returned for the rules below it. A node's span
# runs from the start of its first child to the end of its last, as lark's
# propagate_positions would have it: the rules marked `!` in the grammar keep
# the punctuation that can start or end one, and a parenthesized formula comes
# back as a _Parens, whose span includes the parentheses, so that the node
# around it starts or ends at one. The methods belong to the one cached parser,
# so what they need to know of the file being parsed (its name, how deep its
# formulas nest) is in a _Parse that parse() sets in a context variable: each
# thread or task parsing sees its own.

MAX_FORMULA_DEPTH = 400  # later passes walk formulas recursively; the Tree transformer this
# replaced gave up between 400 and 500 levels (by the depth of Python's stack)


@attrs.define(slots=True)
class _Parse:
    file: str
    depth: dict[int, int] = attrs.Factory(dict)  # id(operation) -> how deep it nests; leaves are 0


_CURRENT: ContextVar[_Parse] = ContextVar("ratecard_parse")


@attrs.define(slots=True)
class _Parens:
    expr: ast.Expr
    line: int
    column: int
    end_line: int
    end_column: int


def _start(x) -> tuple[int, int]:
    if isinstance(x, (Token, _Parens)):
        return x.line, x.column
    if isinstance(x, tuple):  # a name_list
        x = x[0]
    return x.span.line, x.span.column


def _end(x) -> tuple[int, int]:
    if isinstance(x, (Token, _Parens)):
        return x.end_line, x.end_column
    if isinstance(x, tuple):
        x = x[-1]
    return x.span.end_line, x.span.end_column


def _between(first, last) -> Span:
    return Span(_CURRENT.get().file, *_start(first), *_end(last))


def _tok(tok: Token) -> Span:
    return Span(_CURRENT.get().file, tok.line, tok.column, tok.end_line, tok.end_column)


def _expr(x):
    return x.expr if x.__class__ is _Parens else x


def _unquote(tok: Token) -> str:
    return str(tok)[1:-1]


def _int(tok: Token) -> int:
    return int(str(tok).replace("_", ""))


def _amount(tok: Token) -> int | Decimal:
    """A whole number or a decimal, as written (exact: a Decimal, never a float)."""
    text = str(tok).replace("_", "")
    return Decimal(text) if tok.type == "DECIMAL" else int(text)


_CMP = {c.value: c for c in ast.Cmp}


def _dated_rule(rule: ast.Rule, when: ast.Dates) -> ast.Dated:
    """One rule with dates of its own: a Dated of one statement, spanning the line."""
    return ast.Dated(dates=when, statements=(rule,), block=False, span=_between(rule, when))


class _TooDeep(Exception):
    pass


class _ToAst:
    """One method per rule; see the grammar for the children each one gets."""

    def _name(self, tok: Token) -> ast.Name:
        return ast.Name(text=str(tok), span=_tok(tok))

    @staticmethod
    def _kind(children, *types):
        return [c for c in children if isinstance(c, Token) and c.type in types]

    # -- file
    def start(self, children):
        statements = tuple(c for c in children if not isinstance(c, Token))
        file = _CURRENT.get().file
        span = _between(children[0], children[-1]) if children else Span(file, 1, 1, 1, 1)
        return ast.File(path=file, statements=statements, span=span)

    def rounding(self, children):
        return ast.RoundingDecl(mode=ast.Rounding(str(children[1])), span=_between(children[0], children[1]))

    def money_decl(self, children):  # prices in credits | prices in USD to 6 places
        unit = None if children[2].type == "CREDITS" else str(children[2])
        places = _int(children[4]) if len(children) > 4 else None
        return ast.PricesDecl(unit=unit, places=places, span=_between(children[0], children[-1]))

    # -- tools
    def name_list(self, children):
        return tuple(self._name(t) for t in children)

    def tool_decl(self, children):
        params = tuple(c for c in children if isinstance(c, ast.ParamDecl))
        return ast.ToolDecl(tools=children[1], params=params, span=_between(children[0], children[-1]))

    def param_decl(self, children):
        name, domain, *options = children
        fields = {}
        last = domain
        for key, value, end in options:
            if key == "from":  # `from text`, and what its count leaves out
                fields["counted_from"], fields["not_counting"] = value
            else:
                fields[key] = value
            last = end
        return ast.ParamDecl(name=self._name(name), domain=domain, span=_between(name, last), **fields)

    def unit_option(self, children):
        return ("unit", _unquote(children[1]), children[1])

    def default_option(self, children):
        return ("default", children[1], children[1])

    def unpriced_option(self, children):
        return ("unpriced", True, children[0])

    def from_option(self, children):
        left_out = children[2] if len(children) > 2 else ()
        return ("from", (self._name(children[1]), left_out), left_out[-1] if left_out else children[1])

    def not_counting(self, children):
        return tuple(c for c in children if isinstance(c, ast.NotCounted))

    def uncounted(self, children):
        return ast.NotCounted(what=ast.Uncounted(str(children[0])), span=_tok(children[0]))

    def billed_option(self, children):  # billed per 0.5
        return ("step", _amount(children[2]), children[2])

    def minimum_option(self, children):  # minimum 5
        return ("minimum", _amount(children[1]), children[1])

    def group_decl(self, children):
        return ast.GroupDecl(name=self._name(children[1]), tools=children[2],
                             span=_between(children[0], children[2]))

    # -- models
    def model_decl(self, children):
        subject, name = children[1], children[2]
        aliases = next((c for c in children if isinstance(c, list)), [])
        offers = tuple(c for c in children if isinstance(c, ast.Offer))
        last = children[-1]
        return ast.ModelDecl(subject=self._name(subject), name=_unquote(name),
                             aliases=tuple(_unquote(t) for t in aliases), offers=offers,
                             name_span=_tok(name),
                             span=_between(children[0], last[-1] if isinstance(last, list) else last))

    def aliases(self, children):
        return self._kind(children, "STRING")

    def offer(self, children):
        tools = next((c for c in children if isinstance(c, tuple)), ())
        default = next((c for c in children[2:] if isinstance(c, ast.Literal)), None)
        return ast.Offer(param=self._name(children[0]), domain=children[1], tools=tools, default=default,
                         span=_between(children[0], children[-1]))

    def offer_default(self, children):  # `quality default "auto"`: the tool's values, the model's default
        tools = next((c for c in children if isinstance(c, tuple)), ())
        return ast.Offer(param=self._name(children[0]), domain=None, tools=tools, default=children[2],
                         span=_between(children[0], children[-1]))

    def offer_none(self, children):
        strings = self._kind(children, "STRING")
        tools = next((c for c in children if isinstance(c, tuple)), ())
        return ast.Offer(param=self._name(children[0]), domain=None,
                         reason=_unquote(strings[0]) if strings else None, tools=tools,
                         span=_between(children[0], children[-1]))

    def for_tools(self, children):
        return children[1]

    # -- plans
    def plan_decl(self, children):
        tools = children[3] if isinstance(children[3], tuple) else None  # a name_list, or `all`
        items = children[4:]
        billing = tuple(c for c in items if isinstance(c, ast.BillingDecl))
        tiers = tuple(t for c in items if isinstance(c, list) for t in c)
        return ast.PlanDecl(name=_unquote(children[1]), tools=tools, billing=billing, tiers=tiers,
                            name_span=_tok(children[1]), span=_between(children[0], children[-1]))

    def billing(self, children):
        return ast.BillingDecl(period=ast.Period(str(children[1])), span=_between(children[0], children[1]))

    def tier_list(self, children):  # `credits 40000 | 240000`: one tier per figure
        return [ast.TierDecl(credits=_int(t), span=_tok(t)) for t in children[1:]]

    def tier(self, children):  # `credits 40000` or `credits 40000 price 29.99 USD`; spans the figure
        credits = children[1]
        if len(children) == 2:
            return [ast.TierDecl(credits=_int(credits), span=_tok(credits))]
        amount = children[3]
        currency = str(children[4]) if len(children) > 4 else None
        return [ast.TierDecl(credits=_int(credits), price=Decimal(str(amount).replace("_", "")), currency=currency,
                             price_span=_between(children[2], children[-1]), span=_tok(credits))]

    # -- prices
    def _head(self, children):
        subject = self._name(children[0])
        rest = children[1:]
        model = model_span = None
        if rest and isinstance(rest[0], Token) and rest[0].type == "STRING":
            model, model_span = _unquote(rest[0]), _tok(rest[0])
            rest = rest[1:]
        return subject, model, model_span, rest

    def rule(self, children):
        if isinstance(children[-1], ast.Dates):  # `... -> 50 until 2026-12-01`
            return _dated_rule(self.rule(children[:-1]), children[-1])
        subject, model, model_span, rest = self._head(children)
        conditions = tuple(c for c in rest if isinstance(c, ast.Condition))
        outcome = rest[-1]
        return ast.Rule(subject=subject, model=model, conditions=conditions, outcome=outcome,
                        model_span=model_span, span=_between(children[0], outcome))

    def bare_rule(self, children):
        if isinstance(children[-1], ast.Dates):
            return _dated_rule(self.bare_rule(children[:-1]), children[-1])
        subject, model, model_span, rest = self._head(children)
        expr = _expr(rest[-1])
        return ast.Rule(subject=subject, model=model, conditions=(),
                        outcome=ast.Price(expr=expr, span=expr.span), model_span=model_span,
                        span=_between(children[0], rest[-1]))

    # -- dates
    def dates(self, children):
        start = end = None
        for keyword, value in zip(children[::2], children[1::2]):
            moment = ast.Moment(at=dates.card_time(str(value)), text=str(value), span=_tok(value))
            if keyword.type == "FROM":
                start = moment
            else:
                end = moment
        return ast.Dates(start=start, end=end, span=_between(children[0], children[-1]))

    def dated(self, children):
        statements = tuple(c for c in children[1:] if not isinstance(c, Token))
        return ast.Dated(dates=children[0], statements=statements, block=True,
                         span=_between(children[0], children[-1]))

    def price(self, children):
        return ast.Price(expr=_expr(children[0]), span=_between(children[0], children[0]))

    def reject(self, children):
        return ast.Reject(reason=_unquote(children[1]), span=_between(children[0], children[1]))

    def free(self, children):
        span = _tok(children[0])
        return ast.Free(expr=ast.Number(value=0, span=span), span=span)

    def reject_cell(self, children):
        return ast.Reject(reason="", span=_tok(children[0]))

    def condition(self, children):
        domain = children[1]
        return ast.Condition(param=self._name(children[0]), domain=domain,
                             span=_between(children[0], domain))

    def plan_condition(self, children):  # `plan "AI Suite" | "Max Pro"`
        domain = children[1]
        return ast.Condition(param=ast.PlanKey(span=_tok(children[0])), domain=domain,
                             span=_between(children[0], domain))

    def grid(self, children):
        subject, model, model_span, rest = self._head(children)
        conditions = tuple(c for c in rest if isinstance(c, ast.Condition))
        column, columns = next(c for c in rest if isinstance(c, tuple) and len(c) == 2
                               and isinstance(c[0], (ast.Name, ast.PlanKey)))
        rows = tuple(c for c in rest if isinstance(c, ast.GridRow))
        return ast.Grid(subject=subject, model=model, conditions=conditions, column=column,
                        columns=columns, rows=rows, model_span=model_span,
                        span=_between(children[0], children[-1]))

    def grid_header(self, children):
        return (self._name(children[0]), tuple(children[1:]))

    def plan_header(self, children):  # a grid whose columns are plans: `plan "AI Suite" "Max Pro"`
        return (ast.PlanKey(span=_tok(children[0])), tuple(children[1:]))

    def grid_row(self, children):
        arrow = next(i for i, c in enumerate(children) if isinstance(c, Token))
        cells = []
        for c in children[arrow + 1:]:
            if isinstance(c, (ast.Reject, ast.Free)):
                cells.append(c)
            else:
                expr = _expr(c)
                cells.append(ast.Price(expr=expr, span=expr.span))
        return ast.GridRow(conditions=tuple(children[:arrow]), cells=tuple(cells),
                           span=_between(children[0], children[-1]))

    # -- domains and values
    def domain(self, children):
        return ast.Domain(items=tuple(children), span=_between(children[0], children[-1]))

    def int_value(self, children):
        return ast.Literal(value=_int(children[0]), span=_tok(children[0]))

    def decimal_value(self, children):
        return ast.Literal(value=_amount(children[0]), span=_tok(children[0]))

    def text_value(self, children):
        return ast.Literal(value=_unquote(children[0]), span=_tok(children[0]))

    def bool_value(self, children):
        return ast.Literal(value=str(children[0]) == "yes", span=_tok(children[0]))

    def unset_value(self, children):
        return ast.Unset(span=_tok(children[0]))

    def range(self, children):
        return ast.Range(lo=_amount(children[0]), hi=_amount(children[1]), span=_between(children[0], children[1]))

    def bound(self, children):
        return ast.Bound(cmp=_CMP[str(children[0])], limit=_amount(children[1]),
                         span=_between(children[0], children[1]))

    # -- formulas
    def number(self, children):
        return ast.Number(value=_int(children[0]), span=_tok(children[0]))

    def decimal(self, children):
        return ast.DecimalNumber(value=_amount(children[0]), span=_tok(children[0]))

    def param(self, children):
        return ast.ParamRef(name=str(children[0]), span=_tok(children[0]))

    def _nested(self, node, *parts):
        """Count how deep formulas nest: later passes walk them recursively."""
        known = _CURRENT.get().depth
        depth = 1 + max(known.get(id(p), 0) for p in parts)
        if depth > MAX_FORMULA_DEPTH:
            raise _TooDeep
        known[id(node)] = depth
        return node

    def atom(self, children):  # `( sum )`
        lpar, inner, rpar = children
        return _Parens(_expr(inner), lpar.line, lpar.column, rpar.end_line, rpar.end_column)

    cell = atom

    def _binary(op):
        def build(self, children):
            left, right = children
            a, b = _expr(left), _expr(right)
            return self._nested(ast.Binary(op=op, left=a, right=b, span=_between(left, right)), a, b)
        return build

    add = _binary(ast.Op.ADD)
    sub = _binary(ast.Op.SUB)
    mul = _binary(ast.Op.MUL)
    div = _binary(ast.Op.DIV)

    def extreme(self, children):  # `max(a, b, ...)`: the keyword, `(`, the formulas between `,`s, `)`
        fn = ast.Extremum(str(children[0]))
        args = tuple(_expr(c) for c in children[2:-1] if not isinstance(c, Token))
        return self._nested(ast.MinMax(fn=fn, args=args, span=_between(children[0], children[-1])), *args)

    def rounded(self, children):
        mode = ast.Rounding.UP if str(children[0]) == "ceil" else ast.Rounding.DOWN
        inner = _expr(children[2])
        return self._nested(ast.Rounded(mode=mode, expr=inner, span=_between(children[0], children[3])), inner)


# ---------------------------------------------------------------- errors


_WORDS = {
    "_ARROW": "`->`", "NAME": "a name", "INT": "a whole number", "STRING": 'a quoted text ("...")',
    "YES": "`yes`", "NO": "`no`", "_NL": "the end of the line", "_LBRACE": "`{`", "_RBRACE": "`}`",
    "CMP": "a comparison such as `>=`", "_BAR": "`|`", "_DOTDOT": "`..`", "_COMMA": "`,`",
    "_EQUALS": "`=`", "_LPAR": "`(`", "_RPAR": "`)`", "_PLUS": "`+`", "_MINUS": "`-`",
    "_STAR": "`*`", "_SLASH": "`/`", "UP": "`up`", "DOWN": "`down`", "CEIL": "`ceil`", "FLOOR": "`floor`",
    "TOOL": "`tool`", "MODEL": "`model`", "GROUP": "`group`", "PLAN": "`plan`", "ROUND": "`round`",
    "REJECT": "`reject`", "AKA": "`aka`", "FOR": "`for`", "NONE": "`none`", "UNSET": "`unset`", "ALLOWS": "`allows`",
    "ALL": "`all`", "BILLED": "`billed`", "MONTHLY": "`monthly`", "YEARLY": "`yearly`", "CREDITS": "`credits`",
    "PRICE": "`price`", "DECIMAL": "a decimal such as 0.5", "UNIT": "`unit`", "DEFAULT": "`default`", "UNPRICED": "`unpriced`", "FROM": "`from`",
    "PRICES": "`prices`", "IN": "`in`", "TO": "`to`", "PLACES": "`places`", "PER": "`per`", "MINIMUM": "`minimum`",
    "UNTIL": "`until`", "DATE": "a date such as 2026-12-01",
    "FREE": "`free`", "MIN": "`min`", "MAX": "`max`", "NOT": "`not`", "COUNTING": "`counting`",
    "WHITESPACE": "`whitespace`", "TAGS": "`tags`",
    "$END": "the end of the file",
}

# Example mistakes -> what to say (after lark's load_grammar GRAMMAR_ERRORS).
_EXAMPLES: dict[str, list[str]] = {
    "conditions are written `name value`, without `=` or `:` (for example `dur 12`)": [
        'video "Sora 2" dur = 4 -> 800\n',
        'video "Sora 2" res 720 dur = 4 -> 800\n',
        'video "Sora 2" plan = "A" -> 800\n',
    ],
    "a price needs `->` between the conditions and the credits": [
        'video "Sora 2" dur 4 800\n',
        'video "Sora 2" res 720 dur 4 800\n',
    ],
    'model names are quoted: write `"Sora 2 Pro"`': [
        "video Sora 2 Pro -> 1\n",
        "video Sora 2 Pro res 720 -> 1\n",
    ],
    "the price is missing after `->`": [
        'video "Sora 2" dur 4 ->\n',
    ],
    "a price belongs to one tier: give each priced tier a line of its own, `credits 40000  price 29.99 USD`": [
        'plan "A" allows all {\n    credits 1 | 2 price 3 USD\n}\n',
    ],
    "a tier's price is written after `price`: `credits 40000  price 29.99 USD`": [
        'plan "A" allows all {\n    credits 40000 USD\n}\n',
        'plan "A" allows all {\n    credits 40000 29.99 USD\n}\n',
        'plan "A" allows all {\n    credits 40000 29 USD\n}\n',
    ],
    "credits are a whole number without commas: `40000` or `40_000`": [
        'plan "A" allows all {\n    credits 40,000\n}\n',
        'plan "A" allows all {\n    credits 40000 | 240,000\n}\n',
    ],
    "an amount has a decimal point and no thousands separator: `price 1299.99 USD`": [
        'plan "A" allows all {\n    credits 1 price 29,99 USD\n}\n',
    ],
    'a model belongs to a tool: write the tool before its name, `model video "Veo 3"`': [
        'model "Veo 3"\n',
        'model "Veo 3" {\n    res 720\n}\n',
    ],
    "the step after `billed per` is an amount in the parameter's unit: `billed per 1` bills by the second, "
    "`billed per 0.5` in half seconds": [
        'tool t {\n    secs > 0 billed per second\n}\n',
        'tool t {\n    secs > 0 billed by 1\n}\n',
        'tool t {\n    secs > 0 billed per\n}\n',
    ],
    "`minimum` takes the least amount billed, in the parameter's unit: `billed per 1  minimum 5`": [
        'tool t {\n    secs > 0 billed per 1 minimum\n}\n',
        'tool t {\n    secs > 0 billed per 1 minimum five\n}\n',
    ],
    "say what the card prices in: `prices in credits`, or an amount and its decimal places, "
    "`prices in USD to 6 places`": [
        'prices USD\n',
        'prices in USD to 6\n',
        'prices in USD to\n',
        'prices in USD 6 places\n',
        'prices in\n',
    ],
    'a plan says which tools its credits may be spent on: `plan "AI Suite" allows all { ... }`': [
        'plan "A" {\n    credits 40000\n}\n',
        'plan "A"\n',
    ],
}


def _signature(exc: UnexpectedInput) -> tuple | None:
    """Where the parser stood and what it met: the same for the same mistake anywhere in a file.

    (lark's match_examples also compares the depth of the parse stack, so it
    misses a mistake that comes after other statements.)
    """
    state = getattr(exc, "state", None)
    token = getattr(exc, "token", None)
    if state is None or token is None:
        return None
    return (state.position, token.type)


@functools.lru_cache(maxsize=1)
def _example_signatures() -> dict[tuple, str]:
    table = {}
    for label, examples in _EXAMPLES.items():
        for example in examples:
            try:
                parser().parse(example)
            except UnexpectedInput as exc:
                signature = _signature(exc)
                if signature is not None:
                    table.setdefault(signature, label)
    return table


def _expected(exc: UnexpectedInput) -> str:
    expected = set(getattr(exc, "expected", ()) or ())
    if "_NL" in expected and "UNTIL" in expected:  # a price's dates may end any price line: naming them
        expected -= {"FROM", "UNTIL"}                 # there hides what was meant
    if "NAME" in expected:  # `plan` starts a condition where a parameter's name does: "a name" says both
        expected.discard("PLAN")
    names = sorted({_WORDS.get(t, t) for t in expected if not t.startswith("__")})
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _stumble(exc: UnexpectedInput, text: str) -> syntax_mistakes.Stumble:
    if isinstance(exc, UnexpectedCharacters):
        ch = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        return syntax_mistakes.Stumble(exc.line, exc.column, "CHAR", ch, frozenset(exc.allowed or ()))
    tok = exc.token
    return syntax_mistakes.Stumble(tok.line, tok.column, tok.type, str(tok), frozenset(exc.expected or ()))


def _first_error(text: str) -> tuple[int, int] | None:
    """Where the text first fails to parse; past its last line if only at its end."""
    try:
        parser().parse(text)
    except UnexpectedInput as exc:
        if _at_end(exc):
            return (text.count("\n") + 2, 1)
        return (exc.line, exc.column)
    except RecursionError:
        return (0, 0)
    return None


def _at_end(exc: UnexpectedInput) -> bool:
    return isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END")


def _describe(exc: UnexpectedInput, text: str, file: str) -> Diagnostic:
    lines = source_lines(text) or [""]
    hint = None
    if not _at_end(exc):
        mistake = syntax_mistakes.explain(text, _stumble(exc, text), _lexicon().keywords, _first_error)
        if mistake is not None:
            span = Span(file, mistake.line, mistake.column, mistake.line, mistake.column + mistake.width)
            return error(Code.SYNTAX, mistake.message, span, hint=mistake.hint)
    if isinstance(exc, UnexpectedCharacters):
        ch = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        message = f"unexpected character {ch!r}"
        if ch == ".":
            hint = "a decimal has digits on both sides of its point, such as 0.5 or 20.0"
        elif ch in ":=":
            hint = "conditions are written `name value`, for example `dur 12`"
        elif ch == "'":
            hint = 'texts are quoted with double quotes: "16:9"'
        line, column, width = exc.line, exc.column, 1
    elif _at_end(exc):
        line = len(lines)
        column = len(lines[-1]) + 1
        width = 1
        message = "unexpected end of file"
    else:
        tok = exc.token
        shown = "end of line" if tok.type == "_NL" else f"`{tok}`"
        message = f"unexpected {shown}"
        line, column = tok.line, tok.column
        width = 1 if tok.type == "_NL" else max(1, len(str(tok)))
    expected = _expected(exc)
    if expected:
        message += f"; expected {expected}"
    label = _example_signatures().get(_signature(exc))
    if label:
        hint = label
    block = syntax_mistakes.enclosing(text, min(line, len(lines) + 1))
    if block is not None and block[1] is None:  # said only of a block that is never closed
        hint = ((hint + "; " if hint else "") + f"this is inside the block opened at line {block[0]} "
                f"(`{lines[block[0] - 1].strip()}`): if that block should have ended, add `}}`")
    if line > len(lines):
        line, column = len(lines), len(lines[-1]) + 1
    span = Span(file, line, column, line, column + width)
    return error(Code.SYNTAX, message, span, hint=hint)


def parse(text: str, file: str = "<string>") -> tuple[ast.File | None, list[Diagnostic]]:
    """Parse one file. Reports up to MAX_SYNTAX_ERRORS errors (and says so if there are more),
    one per mistake: the statement or block holding each is blanked and the rest parsed again.

    The lines engine/rule_lines.py reads are blanked first, so Lark parses only
    the rest, and reports the errors in it: they are the only ones (what that
    module reads is a whole, valid statement), and on a large card with a typo
    finding them does not mean parsing every line again, twice.
    """
    work = text if text.endswith("\n") else text + "\n"
    rest, taken = rule_lines.take_rules(work, file, _lexicon())
    unreadable = None
    context = _CURRENT.set(_Parse(file))
    try:
        tree = _builder().parse(rest)
        misread = _misread(tree, file)
        if misread:
            return None, misread
        return (_with_rules(tree, taken, work) if taken else tree), []
    except UnexpectedInput:
        pass
    except (_TooDeep, RecursionError):
        unreadable = error(Code.SYNTAX, "a formula in this file is too long or too deeply nested to read",
                           Span(file, 1, 1, 1, 2), hint="split it into simpler parts")
    except ValueError as exc:  # int() refuses numbers of thousands of digits
        unreadable = error(Code.SYNTAX, "a number in this file is too long to read",
                           Span(file, 1, 1, 1, 2), hint=f"({exc.__class__.__name__})")
    finally:
        _CURRENT.reset(context)
    diagnostics = _syntax_errors(rest, file)  # a syntax error is told before an unreadable formula
    return None, diagnostics or [unreadable]


_IGNORED = re.compile(r"(?:[\t \f]+|\\\r?\n)*")


def _misread(tree: ast.File, file: str) -> list[Diagnostic]:
    """Mistakes the grammar accepts: a misspelt option read as one more parameter (engine/syntax_mistakes.py)."""
    out = []
    for statement in tree.statements:
        items = (statement.params if isinstance(statement, ast.ToolDecl)
                 else statement.offers if isinstance(statement, ast.ModelDecl) else ())
        for m in syntax_mistakes.misread(items):
            out.append(error(Code.SYNTAX, m.message, Span(file, m.line, m.column, m.line, m.column + m.width),
                             hint=m.hint))
    return out


def _with_rules(rest: ast.File, taken: list[ast.Rule | ast.Grid], work: str) -> ast.File:
    """The parser's reading of the other lines, with the rules and grids read from their own lines put back.

    The file's span starts at its first token, which may be one of those,
    and ends where the parser's reading of the blanked text ends: the same end.
    """
    statements = sorted((*rest.statements, *taken), key=lambda s: s.span.line)
    skipped = work[:_IGNORED.match(work).end()]
    line = 1 + skipped.count("\n")
    column = len(skipped) - (skipped.rfind("\n") + 1) + 1
    span = Span(rest.path, line, column, rest.span.end_line, rest.span.end_column)
    return ast.File(path=rest.path, statements=tuple(statements), span=span)


def _syntax_errors(work: str, file: str) -> list[Diagnostic]:
    """One diagnostic per mistake: after each, the statement it is in is blanked and the text parsed again."""
    diagnostics: list[Diagnostic] = []
    told: set[int] = set()  # lines a diagnostic was given for, or the parser stopped at
    for _ in range(3 * MAX_SYNTAX_ERRORS):
        try:
            parser().parse(work)
        except UnexpectedInput as exc:
            if len(diagnostics) == MAX_SYNTAX_ERRORS:
                diagnostics.append(_stopped(exc, work, file))
                break
            if _at_end(exc):
                diagnostic = _describe(exc, work, file)
                if diagnostic.span.line not in told:
                    diagnostics.append(diagnostic)
                break
            first = exc.line
            if exc.line in told:  # the rest of a statement already told of: not again
                blanked = syntax_mistakes.blank_lines(work, exc.line, exc.line)
            else:
                diagnostic = _describe(exc, work, file)
                if diagnostic.span.line not in told:
                    diagnostics.append(diagnostic)
                told.update((diagnostic.span.line, exc.line))
                first = min(diagnostic.span.line, exc.line)
                blanked = syntax_mistakes.recover(work, first, exc.line)
            if blanked == work:
                break
            # What came before the statement parsed: blanked too, so a large file is not read
            # again from its start for each error (lines are kept, so positions hold).
            block = syntax_mistakes.enclosing(work, first)
            work = syntax_mistakes.blank_lines(blanked, 1, (block[0] if block is not None else first) - 1)
            continue
        break
    return diagnostics


def _stopped(exc: UnexpectedInput, text: str, file: str) -> Diagnostic:
    """Said when MAX_SYNTAX_ERRORS have been told and the parser stops at yet another line."""
    lines = source_lines(text) or [""]
    line = len(lines) if _at_end(exc) else max(1, min(exc.line, len(lines)))
    return error(Code.SYNTAX, f"stopped after {MAX_SYNTAX_ERRORS} syntax errors: this line and the rest of the file are not checked",
                 Span(file, line, 1, line, 2), hint="fix the errors above and check again")
