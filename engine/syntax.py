"""Text -> AST. Lark lives here and nowhere else; its errors become Diagnostics."""

from __future__ import annotations

import functools

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from engine import ast
from engine.diagnostics import Code, Diagnostic, Span, error
from engine.sources import grammar_path

MAX_SYNTAX_ERRORS = 20


@functools.lru_cache(maxsize=1)
def parser() -> Lark:
    return Lark.open(str(grammar_path()), parser="lalr", propagate_positions=True,
                     maybe_placeholders=False)


# ---------------------------------------------------------------- tree -> AST


def _token_span(file: str, tok: Token) -> Span:
    return Span(file, tok.line, tok.column, tok.end_line, tok.end_column)


def _unquote(tok: Token) -> str:
    return str(tok)[1:-1]


def _int(tok: Token) -> int:
    return int(str(tok).replace("_", ""))


_CMP = {c.value: c for c in ast.Cmp}


@v_args(meta=True)
class _ToAst(Transformer):
    def __init__(self, file: str):
        super().__init__()
        self.file = file

    def _span(self, meta) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.file, 1, 1, 1, 1)
        return Span(self.file, meta.line, meta.column, meta.end_line, meta.end_column)

    def _name(self, tok: Token) -> ast.Name:
        return ast.Name(text=str(tok), span=_token_span(self.file, tok))

    @staticmethod
    def _kind(children, *types):
        return [c for c in children if isinstance(c, Token) and c.type in types]

    # -- file
    def start(self, meta, children):
        return ast.File(path=self.file, statements=tuple(children), span=self._span(meta))

    def rounding(self, meta, children):
        return ast.RoundingDecl(mode=ast.Rounding(str(children[1])), span=self._span(meta))

    # -- tools
    def name_list(self, meta, children):
        return tuple(self._name(t) for t in children)

    def tool_decl(self, meta, children):
        params = tuple(c for c in children if isinstance(c, ast.ParamDecl))
        return ast.ToolDecl(tools=children[1], params=params, span=self._span(meta))

    def param_decl(self, meta, children):
        name, domain, *options = children
        fields = {}
        for key, value in options:
            fields[key] = value
        return ast.ParamDecl(name=self._name(name), domain=domain, span=self._span(meta), **fields)

    def unit_option(self, meta, children):
        return ("unit", _unquote(children[1]))

    def default_option(self, meta, children):
        return ("default", children[1])

    def unpriced_option(self, meta, children):
        return ("unpriced", True)

    def from_option(self, meta, children):
        return ("counted_from", self._name(children[1]))

    def group_decl(self, meta, children):
        return ast.GroupDecl(name=self._name(children[1]), tools=children[2], span=self._span(meta))

    # -- models
    def model_decl(self, meta, children):
        subject, name = children[1], children[2]
        aliases = next((c for c in children if isinstance(c, list)), [])
        offers = tuple(c for c in children if isinstance(c, ast.Offer))
        return ast.ModelDecl(subject=self._name(subject), name=_unquote(name), aliases=tuple(aliases),
                             offers=offers, name_span=_token_span(self.file, name),
                             span=self._span(meta))

    def aliases(self, meta, children):
        return [_unquote(t) for t in self._kind(children, "STRING")]

    def offer(self, meta, children):
        tools = children[2] if len(children) > 2 else ()
        return ast.Offer(param=self._name(children[0]), domain=children[1], tools=tools,
                         span=self._span(meta))

    def offer_none(self, meta, children):
        strings = self._kind(children, "STRING")
        tools = next((c for c in children if isinstance(c, tuple)), ())
        return ast.Offer(param=self._name(children[0]), domain=None,
                         reason=_unquote(strings[0]) if strings else None, tools=tools,
                         span=self._span(meta))

    def for_tools(self, meta, children):
        return children[1]

    # -- plans
    def plan_decl(self, meta, children):
        return ast.PlanDecl(name=_unquote(children[1]), tools=children[3], span=self._span(meta))

    def plan_all(self, meta, children):
        return ast.PlanDecl(name=_unquote(children[1]), tools=None, span=self._span(meta))

    # -- prices
    def _head(self, children):
        subject = self._name(children[0])
        rest = children[1:]
        model = model_span = None
        if rest and isinstance(rest[0], Token) and rest[0].type == "STRING":
            model, model_span = _unquote(rest[0]), _token_span(self.file, rest[0])
            rest = rest[1:]
        return subject, model, model_span, rest

    def rule(self, meta, children):
        subject, model, model_span, rest = self._head(children)
        conditions = tuple(c for c in rest if isinstance(c, ast.Condition))
        return ast.Rule(subject=subject, model=model, conditions=conditions, outcome=rest[-1],
                        model_span=model_span, span=self._span(meta))

    def bare_rule(self, meta, children):
        subject, model, model_span, rest = self._head(children)
        expr = rest[-1]
        return ast.Rule(subject=subject, model=model, conditions=(),
                        outcome=ast.Price(expr=expr, span=expr.span), model_span=model_span,
                        span=self._span(meta))

    def price(self, meta, children):
        return ast.Price(expr=children[0], span=self._span(meta))

    def reject(self, meta, children):
        return ast.Reject(reason=_unquote(children[1]), span=self._span(meta))

    def reject_cell(self, meta, children):
        return ast.Reject(reason="", span=_token_span(self.file, children[0]))

    def condition(self, meta, children):
        return ast.Condition(param=self._name(children[0]), domain=children[1], span=self._span(meta))

    def grid(self, meta, children):
        subject, model, model_span, rest = self._head(children)
        conditions = tuple(c for c in rest if isinstance(c, ast.Condition))
        column, columns = next(c for c in rest if isinstance(c, tuple) and len(c) == 2
                               and isinstance(c[0], ast.Name))
        rows = tuple(c for c in rest if isinstance(c, ast.GridRow))
        return ast.Grid(subject=subject, model=model, conditions=conditions, column=column,
                        columns=columns, rows=rows, model_span=model_span, span=self._span(meta))

    def grid_header(self, meta, children):
        return (self._name(children[0]), tuple(children[1:]))

    def grid_row(self, meta, children):
        conditions = tuple(c for c in children if isinstance(c, ast.Condition))
        cells = tuple(c if isinstance(c, ast.Reject) else ast.Price(expr=c, span=c.span)
                      for c in children if not isinstance(c, ast.Condition))
        return ast.GridRow(conditions=conditions, cells=cells, span=self._span(meta))

    # -- domains and values
    def domain(self, meta, children):
        return ast.Domain(items=tuple(children), span=self._span(meta))

    def int_value(self, meta, children):
        return ast.Literal(value=_int(children[0]), span=self._span(meta))

    def text_value(self, meta, children):
        return ast.Literal(value=_unquote(children[0]), span=self._span(meta))

    def bool_value(self, meta, children):
        return ast.Literal(value=str(children[0]) == "yes", span=self._span(meta))

    def range(self, meta, children):
        return ast.Range(lo=_int(children[0]), hi=_int(children[1]), span=self._span(meta))

    def bound(self, meta, children):
        return ast.Bound(cmp=_CMP[str(children[0])], limit=_int(children[1]), span=self._span(meta))

    # -- formulas
    def number(self, meta, children):
        return ast.Number(value=_int(children[0]), span=self._span(meta))

    def param(self, meta, children):
        return ast.ParamRef(name=str(children[0]), span=self._span(meta))

    def _binary(op):
        def build(self, meta, children):
            return ast.Binary(op=op, left=children[0], right=children[1], span=self._span(meta))
        return build

    add = _binary(ast.Op.ADD)
    sub = _binary(ast.Op.SUB)
    mul = _binary(ast.Op.MUL)
    div = _binary(ast.Op.DIV)

    def rounded(self, meta, children):
        mode = ast.Rounding.UP if str(children[0]) == "ceil" else ast.Rounding.DOWN
        return ast.Rounded(mode=mode, expr=children[1], span=self._span(meta))


# ---------------------------------------------------------------- errors


_WORDS = {
    "_ARROW": "`->`", "NAME": "a name", "INT": "a whole number", "STRING": 'a quoted text ("...")',
    "YES": "`yes`", "NO": "`no`", "_NL": "the end of the line", "_LBRACE": "`{`", "_RBRACE": "`}`",
    "CMP": "a comparison such as `>=`", "_BAR": "`|`", "_DOTDOT": "`..`", "_COMMA": "`,`",
    "_EQUALS": "`=`", "_LPAR": "`(`", "_RPAR": "`)`", "_PLUS": "`+`", "_MINUS": "`-`",
    "_STAR": "`*`", "_SLASH": "`/`", "UP": "`up`", "DOWN": "`down`", "CEIL": "`ceil`", "FLOOR": "`floor`",
    "TOOL": "`tool`", "MODEL": "`model`", "GROUP": "`group`", "PLAN": "`plan`", "ROUND": "`round`",
    "REJECT": "`reject`", "AKA": "`aka`", "FOR": "`for`", "NONE": "`none`", "ALLOWS": "`allows`",
    "ALL": "`all`", "UNIT": "`unit`", "DEFAULT": "`default`", "UNPRICED": "`unpriced`", "FROM": "`from`",
    "$END": "the end of the file",
}

# Example mistakes -> what to say (after lark's load_grammar GRAMMAR_ERRORS).
_EXAMPLES: dict[str, list[str]] = {
    "conditions are written `name value`, without `=` or `:` (for example `dur 12`)": [
        'video "Sora 2" dur = 4 -> 800\n',
        'video "Sora 2" res 720 dur = 4 -> 800\n',
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
    names = sorted({_WORDS.get(t, t) for t in getattr(exc, "expected", ()) or ()
                    if not t.startswith("__")})
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _open_block(text: str, line: int, column: int) -> tuple[int, str] | None:
    """The innermost `{` still open before (line, column), with its line's text."""
    stack: list[tuple[int, str]] = []
    for number, source in enumerate(text.splitlines(), start=1):
        in_string = False
        for col, ch in enumerate(source, start=1):
            if (number, col) >= (line, column):
                return stack[-1] if stack else None
            if ch == '"':
                in_string = not in_string
            elif in_string:
                continue
            elif ch == "#":
                break
            elif ch == "{":
                stack.append((number, source.strip()))
            elif ch == "}" and stack:
                stack.pop()
    return stack[-1] if stack else None


def _describe(exc: UnexpectedInput, text: str, file: str) -> Diagnostic:
    lines = text.splitlines() or [""]
    hint = None
    if isinstance(exc, UnexpectedCharacters):
        ch = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        message = f"unexpected character {ch!r}"
        if ch == ".":
            hint = "numbers are whole; for a fraction write a division such as `chars / 10`"
        elif ch in ":=":
            hint = "conditions are written `name value`, for example `dur 12`"
        elif ch == "'":
            hint = 'texts are quoted with double quotes: "16:9"'
        line, column, width = exc.line, exc.column, 1
    elif isinstance(exc, UnexpectedEOF) or (isinstance(exc, UnexpectedToken) and exc.token.type == "$END"):
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
    block = _open_block(text, line, column)
    if block is not None and block[0] != line:
        hint = ((hint + "; " if hint else "") + f"this is inside the block opened at line {block[0]} "
                f"(`{block[1]}`): if that block should have ended, add `}}`")
    if line > len(lines):
        line, column = len(lines), len(lines[-1]) + 1
    span = Span(file, line, column, line, column + width)
    return error(Code.SYNTAX, message, span, hint=hint)


def parse(text: str, file: str = "<string>") -> tuple[ast.File | None, list[Diagnostic]]:
    """Parse one file. Reports up to MAX_SYNTAX_ERRORS errors, blanking each bad line and re-parsing."""
    diagnostics: list[Diagnostic] = []
    work = text if text.endswith("\n") else text + "\n"
    seen_lines: set[int] = set()
    for _ in range(MAX_SYNTAX_ERRORS):
        try:
            tree = parser().parse(work)
        except UnexpectedInput as exc:
            diagnostic = _describe(exc, work, file)
            if diagnostic.span.line in seen_lines:
                break
            diagnostics.append(diagnostic)
            seen_lines.add(diagnostic.span.line)
            if isinstance(exc, UnexpectedEOF) or getattr(getattr(exc, "token", None), "type", "") == "$END":
                break
            work = _blank_line(work, diagnostic.span.line)
            continue
        if diagnostics:
            return None, diagnostics
        try:
            return _ToAst(file).transform(tree), []
        except VisitError as exc:  # int() refuses numbers of thousands of digits
            return None, [error(Code.SYNTAX, "a number in this file is too long to read",
                                Span(file, 1, 1, 1, 2), hint=f"({exc.orig_exc.__class__.__name__})")]
        except RecursionError:
            return None, [error(Code.SYNTAX, "a formula in this file is too long or too deeply nested to read",
                                Span(file, 1, 1, 1, 2), hint="split it into simpler parts")]
    return None, diagnostics


def _blank_line(text: str, line: int) -> str:
    lines = text.split("\n")
    if 1 <= line <= len(lines):
        lines[line - 1] = ""
    return "\n".join(lines)
