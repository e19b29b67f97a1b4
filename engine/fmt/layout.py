"""The canonical layout of a .rules file, computed line by line so comments stay as written.

The layout (documented for people in docs/cli.md, under fmt):

- One space between tokens, none inside parentheses or around `..`, none
  before `,`, none between `ceil`/`floor`/`min`/`max` and `(`:
  `ceil(chars / 10)`, `max(50, 10 * dur)`, `1..3`.
- Four spaces of indent per open block. A block on one line stays on one
  line; a block on several lines has its `{` ending its first line and its
  `}` on a line of its own.
- At most one blank line in a row; none at the start or end of the file,
  right after a `{` or right before a `}`. Lines end with `\\n`, no trailing
  spaces.
- Runs of consecutive one-line statements line up: prices on their `->`
  (and their dates, `from`/`until`, after the longest price), model
  declarations on `aka`, plans on `allows` (one space after the longest head).
- The lines of a dated block (`from 2027-01-01 {`) are laid out as at the top
  level, one indent in.
- Inside `tool` and `model` blocks, parameters line up in columns: the name
  (at least 6 wide), the values, the options (`unit`, `default`, `for`, ...),
  two spaces apart. A column is as wide as its cells up to 40 characters: a
  longer list of values (or name) is followed by two spaces and its options,
  and does not push the options of the other lines.
- Inside a `plan` block, the lines line up in columns: the keyword (`billed`,
  `credits`), one space, the values, then two spaces before any `price`.
- A price grid lines up as a table: row conditions at least 9 wide, then
  `->`, then price columns each at least 4 wide, three spaces apart, the
  header's values over their columns.
- Comments are kept verbatim: a comment line takes its block's indent; the
  trailing comments of a run line up two spaces after the longest commented line.

A blank line or a comment line ends a run; a grid is one run however it is split.
"""

from __future__ import annotations

import enum
import re

import attrs

_TOKEN = re.compile(r'''
    (?P<string>"[^"\n]*")
  | (?P<comment>\#.*)
  | (?P<op>->|\.\.|>=|<=|[<>{}()|,=+\-*/])
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<decimal>[0-9](?:_?[0-9])*\.[0-9]+)
  | (?P<int>[0-9](?:_?[0-9])*)
  | (?P<space>[ \t\f]+)
  | (?P<other>.)
''', re.VERBOSE)

_OPTIONS = {"unit", "default", "unpriced", "from", "for", "billed", "minimum"}
_FUNCTIONS = ("ceil", "floor", "min", "max")
_DATED = ("from", "until")  # what a date follows, in a dated block's head or after a price
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2})?Z)?")
_INDENT = "    "
_NAME_MIN = 6
_LABEL_MIN = 9
_CELL_MIN = 4
_COLUMN_MAX = 40  # a parameter's values (or name) wider than this do not widen their column


class Role(enum.Enum):
    BLANK = enum.auto()
    COMMENT = enum.auto()
    PLAIN = enum.auto()
    RULE = enum.auto()          # a one-line price: aligned on `->`
    MODEL = enum.auto()         # a one-line model declaration: aligned on `aka`
    PLAN = enum.auto()          # aligned on `allows`
    PARAM = enum.auto()         # a line of a tool or model block
    PLAN_ITEM = enum.auto()     # a line of a plan block: `billed ...`, `credits ...`
    GRID_HEADER = enum.auto()
    GRID_ROW = enum.auto()


class Block(enum.Enum):
    DECL = enum.auto()          # tool or model
    PLAN = enum.auto()
    GRID = enum.auto()
    DATED = enum.auto()         # `from ... until ... {`: its lines are laid out as at the top level
    OTHER = enum.auto()


@attrs.frozen
class Line:
    role: Role
    depth: int
    tokens: tuple[str, ...] = ()
    comment: str | None = None
    grid: int | None = None     # which grid a grid line belongs to


def tokenize(code: str) -> tuple[list[str], str | None]:
    """The tokens of one line and its comment (from `#`), if any. A date after `from` or `until` is one token."""
    tokens, comment = [], None
    at = 0
    while at < len(code):
        if tokens and tokens[-1] in _DATED:
            date = _DATE.match(code, at)
            if date:
                tokens.append(date.group())
                at = date.end()
                continue
        match = _TOKEN.match(code, at)
        at = match.end()
        kind = match.lastgroup
        if kind == "space":
            continue
        if kind == "comment":
            comment = match.group().rstrip()
            break
        tokens.append(match.group())
    return tokens, comment


def join(tokens: list[str] | tuple[str, ...]) -> str:
    out = ""
    prev = None
    for tok in tokens:
        if prev is None or prev in ("(", "..") or tok in (")", ",", "..") or (
                tok == "(" and prev in _FUNCTIONS):
            out += tok
        else:
            out += " " + tok
        prev = tok
    return out


def _logical_lines(text: str) -> list[str]:
    """Physical lines, with `\\`-continued lines joined (the grammar ignores `\\` + newline)."""
    out: list[str] = []
    pending = ""
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = pending + raw
        tokens, comment = tokenize(line)
        if comment is None and line.rstrip().endswith("\\"):
            pending = line.rstrip()[:-1] + " "
            continue
        pending = ""
        out.append(line)
    if pending:
        out.append(pending)
    return out


def _split_braces(text: str):
    """(tokens, comment) per line, with a block's first line moved off its `{` line and its
    `}` moved off its last line, so every multi-line block has its braces on lines of their own."""
    for raw in _logical_lines(text):
        tokens, comment = tokenize(raw)
        if tokens.count("{") == 1 and "}" not in tokens and tokens[-1] != "{":
            at = tokens.index("{")
            yield tokens[:at + 1], None
            tokens = tokens[at + 1:]
        if len(tokens) > 1 and tokens[-1] == "}" and tokens.count("}") == 1 and "{" not in tokens:
            yield tokens[:-1], comment
            yield ["}"], None
            continue
        yield tokens, comment


def classify(text: str) -> list[Line]:
    lines: list[Line] = []
    stack: list[Block] = []
    grids = 0
    header_seen = False
    for tokens, comment in _split_braces(text):
        depth = len(stack)
        if not tokens:
            role = Role.COMMENT if comment is not None else Role.BLANK
            grid = grids if stack and stack[-1] is Block.GRID else None
            lines.append(Line(role=role, depth=depth, comment=comment, grid=grid))
            continue
        leading = 0
        while leading < len(tokens) and tokens[leading] == "}":
            leading += 1
        indent = max(0, depth - leading)
        top = stack[-1] if stack else None
        braces = "{" in tokens or "}" in tokens
        grid = None
        if top is Block.GRID and not braces:
            role = Role.GRID_ROW if "->" in tokens else Role.GRID_HEADER if not header_seen else Role.PLAIN
            header_seen = True
            grid = grids
        elif top is Block.DECL and not braces:
            role = Role.PARAM
        elif top is Block.PLAN and not braces:
            role = Role.PLAN_ITEM
        elif (top is None or top is Block.DATED) and not braces:
            role = _top_level_role(tokens)
        else:
            role = Role.PLAIN
        lines.append(Line(role=role, depth=indent, tokens=tuple(tokens), comment=comment, grid=grid))
        opens, closes = tokens.count("{"), tokens.count("}")
        if tokens[-1] == "{" and opens == 1 and closes == 0 and tokens[0] in _DATED:
            stack.append(Block.DATED)
            continue
        if tokens[-1] == "{" and opens == 1 and closes == 0:
            is_grid = tokens[0] not in ("tool", "model", "plan")
            stack.append(Block.GRID if is_grid else Block.PLAN if tokens[0] == "plan" else Block.DECL)
            if is_grid:
                grids += 1
                header_seen = False
            continue
        for _ in range(closes - opens):
            if stack:
                stack.pop()
        for _ in range(opens - closes):
            stack.append(Block.OTHER)
    return lines


def _top_level_role(tokens: list[str]) -> Role:
    if tokens[0] == "model":
        return Role.MODEL
    if tokens[0] == "plan" and "allows" in tokens:
        return Role.PLAN
    if "->" in tokens:
        return Role.RULE
    return Role.PLAIN


# ---------------------------------------------------------------- layout


def layout(text: str) -> str:
    lines = _tidy_blanks(classify(text))
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        j = i + 1
        if line.grid is not None:
            while j < len(lines) and lines[j].grid == line.grid:
                j += 1
            out += _grid([x for x in lines[i:j]])
        elif line.role in (Role.RULE, Role.MODEL, Role.PLAN, Role.PARAM, Role.PLAN_ITEM):
            while j < len(lines) and lines[j].role is line.role and lines[j].depth == line.depth:
                j += 1
            out += _run(lines[i:j])
        elif line.role is Role.BLANK:
            out.append("")
        elif line.role is Role.COMMENT:
            out.append(_INDENT * line.depth + line.comment)
        else:
            out += _with_comments([(line, _INDENT * line.depth + join(line.tokens))])
        i = j
    return "\n".join(out) + "\n" if out else ""


def _tidy_blanks(lines: list[Line]) -> list[Line]:
    out: list[Line] = []
    for line in lines:
        if line.role is Role.BLANK:
            if not out or out[-1].role is Role.BLANK or out[-1].tokens[-1:] == ("{",):
                continue
        elif line.tokens[:1] == ("}",):
            while out and out[-1].role is Role.BLANK:
                out.pop()
        out.append(line)
    while out and out[-1].role is Role.BLANK:
        out.pop()
    return out


def _with_comments(pairs: list[tuple[Line, str]]) -> list[str]:
    """Code lines with their trailing comments lined up two spaces after the longest commented line."""
    commented = [len(code) for line, code in pairs if line.comment is not None and line.tokens]
    column = max(commented, default=0) + 2
    out = []
    for line, code in pairs:
        if not line.tokens:
            out.append(code + line.comment if line.comment is not None else "")
            continue
        code = code.rstrip()
        if line.comment is None:
            out.append(code)
        else:
            out.append(code.ljust(column) + line.comment)
    return out


def _split(line: Line) -> list[str]:
    """A one-line statement or block line as its columns."""
    tokens = list(line.tokens)
    if line.role is Role.RULE:
        at = tokens.index("->")
        dated = next((k for k in range(at, len(tokens)) if tokens[k] in _DATED), len(tokens))
        columns = [join(tokens[:at]), join(tokens[at:dated])]
        return columns + [join(tokens[dated:])] if dated < len(tokens) else columns  # its dates line up too
    if line.role is Role.MODEL:
        return [join(tokens[:3]), join(tokens[3:])]
    if line.role is Role.PLAN:
        at = tokens.index("allows")
        return [join(tokens[:at]), join(tokens[at:])]
    if line.role is Role.PLAN_ITEM:
        at = tokens.index("price") if "price" in tokens else len(tokens)
        return [tokens[0], join(tokens[1:at]), join(tokens[at:])]
    at = next((k for k, t in enumerate(tokens) if k > 0 and t in _OPTIONS), len(tokens))
    return [tokens[0], join(tokens[1:at]), join(tokens[at:])]


def _run(lines: list[Line]) -> list[str]:
    indent = _INDENT * lines[0].depth
    rows = [_split(line) for line in lines]
    ncols = max(len(r) for r in rows)
    widths = [max(len(r[c]) for r in rows if c < len(r)) for c in range(ncols)]
    if lines[0].role is Role.PARAM:
        gaps = [2] * ncols
        # one long list of values (or name) is not an outlier all the others line up with:
        # the column is as wide as its cells up to _COLUMN_MAX; a wider cell pushes only its own line
        widths = [max((len(r[c]) for r in rows if c < len(r) and len(r[c]) <= _COLUMN_MAX), default=0)
                  for c in range(ncols)]
        widths[0] = max(widths[0], _NAME_MIN)
    elif lines[0].role is Role.PLAN_ITEM:
        gaps = [1, 2, 2]
        widths[1] = max((len(r[1]) for r in rows if r[2]), default=0)  # only a `price` needs lining up
    else:
        gaps = [1] * ncols
    pairs = []
    for line, row in zip(lines, rows):
        last = max((c for c, cell in enumerate(row) if cell), default=0)
        text = "".join(cell.ljust(widths[c]) + " " * gaps[c] if c < last else cell for c, cell in enumerate(row))
        pairs.append((line, indent + text))
    return _with_comments(pairs)


def _cells(tokens: list[str]) -> list[str]:
    """The price cells of a grid row (after `->`): numbers, `reject`, `( ... )`, `ceil( ... )`."""
    cells, k = [], 0
    while k < len(tokens):
        start = k
        if tokens[k] in _FUNCTIONS and k + 1 < len(tokens) and tokens[k + 1] == "(":
            k += 1
        if tokens[k] == "(":
            depth = 0
            while k < len(tokens):
                depth += {"(": 1, ")": -1}.get(tokens[k], 0)
                k += 1
                if depth == 0:
                    break
        else:
            k += 1
        cells.append(join(tokens[start:k]))
    return cells


def _grid(lines: list[Line]) -> list[str]:
    rows = [ln for ln in lines if ln.role is Role.GRID_ROW]
    header = next((ln for ln in lines if ln.role is Role.GRID_HEADER), None)
    labels = {id(r): join(r.tokens[:r.tokens.index("->")]) for r in rows}
    cells = {id(r): _cells(list(r.tokens[r.tokens.index("->") + 1:])) for r in rows}
    head_cells = list(header.tokens[1:]) if header else []
    name = header.tokens[0] if header else ""
    longest = max((len(v) for v in labels.values()), default=0)
    prefix = max(longest, _LABEL_MIN) + 2 + 4 if longest else 4
    prefix = max(prefix, len(name) + 2)
    ncols = max([len(head_cells)] + [len(c) for c in cells.values()])
    widths = [_CELL_MIN] * ncols
    for row in [head_cells] + list(cells.values()):
        for c, cell in enumerate(row):
            widths[c] = max(widths[c], len(cell))

    def table(first: str, row: list[str]) -> str:
        body = "".join(cell.ljust(widths[c] + 3) for c, cell in enumerate(row))
        return (first.ljust(prefix) + body).rstrip()

    pairs = []
    for line in lines:
        indent = _INDENT * line.depth
        if line.role is Role.GRID_ROW:
            first = (labels[id(line)].ljust(prefix - 4) if longest else "") + "->"
            pairs.append((line, indent + table(first, cells[id(line)])))
        elif line.role is Role.GRID_HEADER:
            pairs.append((line, indent + table(name, head_cells)))
        elif line.role is Role.COMMENT:
            pairs.append((line, indent))
        elif line.role is Role.BLANK:
            pairs.append((line, ""))
        else:
            pairs.append((line, indent + join(line.tokens)))
    return _with_comments(pairs)
