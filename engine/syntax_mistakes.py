"""What a syntax error most likely is: the mistake a person made, found by trying its fix.

engine/syntax.py tells where the parser stopped (a Stumble: no lark types
cross into this module) and how far a text parses (a callback); this module
proposes small repairs near that place (a misspelt keyword, `=>` for `->`, an
unquoted model name, a unit after a number, ...) and keeps the first whose
repaired text parses past the line where the parser stopped. So a hint such as
"did you mean `model`?" is given only when it is right, and it points at the
word to change, which may stand lines before where the parser stopped (a
misspelt `modle video "Veo 3" {` is read as a grid until its `}`).

What no repair explains gets a precise message where one is known (a function
the language lacks, `max` with one value, an unclosed quote or parenthesis, a
negative price, a block never closed) or none, and syntax.py says what was expected.

After a mistake, `recover` blanks the statement it is in (a line, or a whole
block), so the lines after it are still checked and the rest of a block does
not become a cascade of errors.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Iterator, Sequence

import attrs


@attrs.frozen
class Stumble:
    """Where the parser stopped: 1-based line and column of what it met."""

    line: int
    column: int
    kind: str  # the terminal met ("NAME", "_ARROW", "_NL", ...), or "CHAR" for a character no token starts with
    text: str
    expected: frozenset[str]


@attrs.frozen
class Mistake:
    line: int
    column: int
    width: int
    message: str
    hint: str


# Where a text first fails to parse: (line, column), or None if it parses.
Progress = Callable[[str], "tuple[int, int] | None"]

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*")
_MASK = re.compile(r'"[^"\n]*"|#[^\n]*')
_SYNONYMS = {"true": "yes", "false": "no", "x": "*", "or": "|", "times": "*",
             "to": "until", "till": "until", "before": "until", "since": "from"}
_FUNCTIONS_HINT = ("it has min and max (`max(50, 10 * dur)`), ceil and floor (`ceil(chars / 10)`); "
                   "a formula is numbers, parameters and `+ - * /` with those")
_UNSET_WORDS = {"absent", "missing", "omitted", "none", "null", "nil", "undefined", "unspecified", "empty",
                "notset", "not_set", "not-set", "not-given", "not_given", "blank", "nothing"}


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def _masked(line: str) -> str:
    """The line with quoted texts and comments blanked, so words in them are not taken for code."""
    return _MASK.sub(lambda m: " " * len(m.group()), line)


_BRACE_OR_LINE = re.compile(r'"[^"\n]*"|#[^\n]*|[{}\n]')


@functools.lru_cache(maxsize=8)
def blocks(text: str) -> tuple[tuple[int, int | None], ...]:
    """Each `{`'s line and the line of the `}` that closes it (None if none does), in order of opening."""
    out: list[list] = []
    stack: list[int] = []
    number = 1
    for m in _BRACE_OR_LINE.finditer(text):
        ch = m.group()
        if ch == "\n":
            number += 1
        elif ch == "{":
            stack.append(len(out))
            out.append([number, None])
        elif ch == "}" and stack:
            out[stack.pop()][1] = number
    return tuple((a, b) for a, b in out)


def enclosing(text: str, line: int) -> tuple[int, int | None] | None:
    """The innermost block that holds `line` (opened before it, not closed before it)."""
    inner = None
    for start, end in blocks(text):
        if start < line and (end is None or end >= line):
            if inner is None or start >= inner[0]:
                inner = (start, end)
    return inner


def statement_end(text: str, line: int) -> int:
    """The last line of the statement holding `line`: the `}` of its block, if it is in one or opens one."""
    block = enclosing(text, line)
    if block is not None and block[1] is not None:
        return block[1]
    opened = next((b for a, b in blocks(text) if a == line and b is not None), None)
    return opened if opened is not None else line


@attrs.frozen
class _Fix:
    text: str  # the whole repaired text
    added: int  # lines it adds before the stumble
    line: int
    column: int
    width: int
    message: str
    hint: str


def explain(text: str, at: Stumble, keywords: frozenset[str], progress: Progress) -> Mistake | None:
    """The mistake that stopped the parser at `at`, if a repair or a known pattern tells it.

    A repair is tried on the statement alone (the other lines blanked, so
    positions hold and a large file is not parsed again for each), and kept if
    the statement then parses.
    """
    block = enclosing(text, at.line)
    first = block[0] if block is not None else at.line
    last = statement_end(text, at.line)
    lines = text.split("\n")
    window = "\n".join(line if first <= number <= last else ""
                       for number, line in enumerate(lines, start=1))
    for fix in _fixes(window, at, keywords):
        if progress(fix.text) is None:
            return Mistake(fix.line, fix.column, fix.width, fix.message, fix.hint)
    return _known(text, at)


# ---------------------------------------------------------------- repairs, most specific first


def _fixes(text: str, at: Stumble, keywords: frozenset[str]) -> Iterator[_Fix]:
    lines = text.split("\n")
    starts = _line_starts(text)
    if not 1 <= at.line <= len(lines):
        return
    line = lines[at.line - 1]
    col = at.column - 1
    base = starts[at.line - 1]

    def replace(lo: int, hi: int, new: str, line_no: int = at.line) -> str:
        o = starts[line_no - 1]
        return text[:o + lo] + new + text[o + hi:]

    def fix(new_text, column, width, message, hint, line_no=at.line, added=0):
        return _Fix(new_text, added, line_no, column, width, message, hint)

    rest = line[col:]
    before = line[:col].rstrip()
    # -- operators written another way
    if rest.startswith("=>"):
        yield fix(replace(col, col + 2, "->"), at.column, 2, "unexpected `=>`", "did you mean `->`?")
        yield fix(replace(col, col + 2, ">="), at.column, 2, "unexpected `=>`", "did you mean `>=`?")
    if rest.startswith("=<"):
        yield fix(replace(col, col + 2, "<="), at.column, 2, "unexpected `=<`", "did you mean `<=`?")
    if rest.startswith("=="):
        yield fix(replace(col, col + 2, "  "), at.column, 2, "unexpected `==`",
                  "a condition is written `name value`, without `==`: `dur 4`")
    if rest[:1] in ("\u2192", "\u21d2"):
        yield fix(replace(col, col + 1, "->"), at.column, 1, f"unexpected character {rest[0]!r}",
                  "write the arrow as two characters: `->`")
    if rest and rest[0] in "\u201c\u201d\u201e":
        fixed = line[:col] + re.sub("[\u201c\u201d\u201e]", '"', rest)
        yield fix(replace(0, len(line), fixed), at.column, 1, f"unexpected character {rest[0]!r}",
                  'texts are quoted with straight double quotes: "Sora 2"')
    if rest.startswith("'"):
        m = re.match(r"'([^'\n]*)'", rest)
        if m:
            yield fix(replace(col, col + m.end(), f'"{m.group(1)}"'), at.column, m.end(), "unexpected character \"'\"",
                      f'texts are quoted with double quotes: "{m.group(1)}"')
    m = re.match(r",(\d{3})(?!\d)", rest)
    digits = re.search(r"[\d_]+$", before)
    if m and digits:
        whole = digits.group() + m.group(1)
        what = "credits are a whole number without commas" if re.search(r"\bcredits\b", before) \
            else "numbers have no thousands separator"
        yield fix(replace(col, col + 1, "_"), at.column, 1, "unexpected `,`",
                  f"{what}: `{whole}` or `{whole[:-3]}_{whole[-3:]}`")
    if rest.startswith(","):
        yield fix(replace(col, col + 1, " |"), at.column, 1, "unexpected `,`",
                  "values are separated with `|`: `720 | 1080`")
    m = re.match(r"-(\d)", rest)
    if m and re.search(r"\d$", before) and not before.endswith("->"):
        yield fix(replace(col, col + 1, ".."), at.column, 1, "unexpected `-`",
                  "a range of values is written with `..`: `1..3`")
    if rest.startswith("$"):
        in_plan = re.search(r"\bprice\s*$", before) is not None
        m = re.match(r"\$\s*(\d[\d_]*(?:\.\d+)?)", rest)
        amount = m.group(1) if m else "5"
        yield fix(replace(col, col + 1, " "), at.column, 1, "unexpected character '$'",
                  f"write the currency after the amount: `price {amount} USD`" if in_plan
                  else f"a price is a number of credits, without a currency sign: `{amount}`")
    # -- a unit written after a number: `dur 12s`, `res 1080p`, a grid header `4s 8s 12s`
    glued = re.compile(r"(?<![\w.])(\d[\d_]*)([A-Za-z]+)\b")
    first_glued = glued.search(_masked(line)[:col + len(at.text)])
    if first_glued:
        number, unit = first_glued.groups()
        yield fix(replace(0, len(line), glued.sub(r"\1", line)), first_glued.start(2) + 1, len(unit),
                  f"unexpected `{unit}` after `{number}`",
                  f"write the number alone, `{number}`: a value is a number as the request gives it "
                  f"(a unit is declared once, on the tool: `unit \"{unit}\"`)")
    # -- what a text's count leaves out, written another way
    yield from _uncounted_fixes(line, replace, fix)
    # -- a parameter left out, in other words: `dur absent`, `dur none` (`none` is for a model's block)
    # (a word that starts with `no` is read as `no` and a name, so the parser may stop just after it)
    said = re.search(r"[A-Za-z_][\w-]*$", before) if at.text.lower() not in _UNSET_WORDS else None
    lo, word = (said.start(), said.group()) if said else (col, at.text)
    if "UNSET" in at.expected and word.lower() in _UNSET_WORDS:
        hint = "a request that leaves a parameter out is priced with `unset`: `dur unset -> 200`"
        if word.lower() == "none":
            hint += "; `none` is for a model's block, where it says the model does not take the parameter"
        yield fix(replace(lo, lo + len(word), "unset"), lo + 1, len(word), f"unexpected `{word}`", hint)
    # -- a model name or alias without quotes
    if "STRING" in at.expected or at.kind == "NAME":
        yield from _quote_fixes(text, at, line, replace, fix)
    # -- a misspelt keyword, or a word of another language (`true`, `x`, `or`)
    yield from _word_fixes(text, at, keywords, lines, replace, fix)
    # -- a block's lines written without braces: `tool video res 720 | 1080`
    if "_LBRACE" in at.expected and at.kind in ("NAME", "INT", "STRING"):
        yield fix(replace(col, len(line.rstrip()), "{ " + line[col:].rstrip() + " }"), at.column, len(at.text),
                  f"unexpected `{at.text}`", "what the block holds goes in braces: `"
                  + (before + " { " + line[col:].strip() + " }").strip() + "`")
    # -- a block never closed: `}` before this line
    block = enclosing(text, at.line)
    if block is not None and block[1] is None and at.line > block[0]:
        head = lines[block[0] - 1].strip()
        first = len(line) - len(line.lstrip()) + 1
        word = line.strip().split()[0] if line.strip() else ""
        yield fix(text[:base] + "}\n" + text[base:], first, max(1, len(word)),
                  f"the block opened at line {block[0]} (`{head}`) is not closed",
                  "add `}` where that block ends, before this line", added=1)


_LEFT_OUT = r"(?:whitespace|tags)"
_LEAVING_OUT = re.compile(r"\b(without|excluding|except|ignoring|skipping|minus|less)\s+(?=" + _LEFT_OUT + r"\b)")
_NO_COMMA = re.compile(r"\bnot\s+counting\s+" + _LEFT_OUT + r"(\s+)(" + _LEFT_OUT + r")\b")


def _uncounted_fixes(line, replace, fix):
    """`from text without whitespace`, `not counting whitespace tags`, `not counting` with no `from`."""
    masked = _masked(line)
    m = _LEAVING_OUT.search(masked)
    if m and re.search(r"\bfrom\s+[\w-]+\s+$", masked[:m.start()]):
        yield fix(replace(m.start(1), m.end(1), "not counting"), m.start(1) + 1, len(m.group(1)),
                  f"unexpected `{m.group(1)}`", "what a count leaves out is written `not counting`: "
                  "`from text not counting whitespace, tags`")
    m = _NO_COMMA.search(masked)
    if m:
        yield fix(replace(m.start(1), m.end(1), ", "), m.start(2) + 1, len(m.group(2)),
                  f"unexpected `{m.group(2)}`", "separate what is not counted with `,`: "
                  "`not counting whitespace, tags`")
    m = re.search(r"\bnot\s+counting\b", masked)
    if m and not re.search(r"\bfrom\s+[\w-]+\s+$", masked[:m.start()]):
        yield fix(replace(m.start(), m.start(), "from text "), m.start() + 1, 3,
                  "`not counting` belongs to a parameter counted from a text",
                  "write `from` and the request's text key before it: `chars >= 1 from text not counting whitespace`")


def _quote_fixes(text, at, line, replace, fix):
    """Quote the run of words at the stumble, or just after the tool: `video Sora 2 Pro dur 4 -> 1`."""
    masked = _masked(line)
    words = list(re.finditer(r"[^\s{}|,=<>#()\-]+", masked))
    starts = [words[1].start()] if len(words) > 1 else []
    if "STRING" in at.expected and at.column - 1 not in starts:
        starts.append(at.column - 1)
    for lo in starts:
        if lo >= len(masked) or not (masked[lo].isupper() or masked[lo].isdigit()):
            continue
        stop = re.search(r"->|[{},|=<>#()]", masked[lo:])
        run = masked[lo:lo + stop.start() if stop else len(masked)].split()
        taken = []
        for i, word in enumerate(run):
            if taken and word[0].islower() and i + 1 < len(run):
                break  # a condition: `dur 4`
            taken.append(word)
        if not taken:
            continue
        name = " ".join(taken)
        end = masked.index(taken[-1], lo + sum(len(w) for w in taken[:-1])) + len(taken[-1])
        hint = (f'names of plans are quoted: write `plan "{name}"`' if re.search(r"\bplan\s*$", masked[:lo])
                else f'names of models are quoted: write `"{name}"`')
        yield fix(replace(lo, end, f'"{name}"'), lo + 1, end - lo, f"unexpected `{taken[0]}`", hint)


def _word_fixes(text, at, keywords, lines, replace, fix):
    """Each word near the stumble, nearest first, replaced by the keywords it is close to."""
    candidates: list[tuple[int, int, int]] = []  # (line, start, end), 0-based columns
    own = _masked(lines[at.line - 1])
    here = [m for m in _WORD.finditer(own) if m.start() <= at.column - 1 + max(0, len(at.text) - 1)]
    candidates += [(at.line, m.start(), m.end()) for m in reversed(here)]
    block = enclosing(text, at.line)
    if block is not None:
        opener = _masked(lines[block[0] - 1])
        candidates += [(block[0], m.start(), m.end()) for m in _WORD.finditer(opener)]
    seen = 0
    for line_no, lo, hi in candidates:
        word = lines[line_no - 1][lo:hi]
        if word in keywords and word not in _SYNONYMS:  # `to` is a keyword of `prices in USD to 6 places` too
            continue
        options = []
        if word.lower() in _SYNONYMS:
            options.append(_SYNONYMS[word.lower()])
        if word.lower() in keywords and word.lower() != word:
            options.append(word.lower())
        if len(word) >= 3:
            options += difflib.get_close_matches(word.lower(), sorted(keywords), n=3, cutoff=0.6)
        for option in dict.fromkeys(options):
            yield fix(replace(lo, hi, option, line_no), lo + 1, hi - lo, f"unexpected `{word}`",
                      f"did you mean `{option}`?", line_no=line_no)
        seen += 1
        if seen >= 8:
            return


# ---------------------------------------------------------------- mistakes known without a repair


_DATE_SHAPE = "a date is written year-month-day, `2026-12-01` (midnight UTC), and a time in UTC, `2026-12-01T09:30:00Z`"


def _known(text: str, at: Stumble) -> Mistake | None:
    lines = text.split("\n")
    if not 1 <= at.line <= len(lines):
        return None
    line = lines[at.line - 1]
    col = at.column - 1
    before = line[:col].rstrip()
    dated = _dates(line, at, before)
    if dated is not None:
        return dated
    if at.kind == "CHAR" and line[col:col + 1] == '"':
        return Mistake(at.line, at.column, 1, "this quoted text is not closed",
                       'add the closing `"` where the text ends: "Sora 2"')
    if at.kind == "_LPAR":
        m = re.search(r"([A-Za-z_][\w-]*)\s*$", before)
        if m:
            name = m.group(1)
            hint = ("to round, write `ceil(...)` (up) or `floor(...)` (down)" if name.lower() == "round"
                    else _FUNCTIONS_HINT)
            return Mistake(at.line, m.start(1) + 1, len(name), f"the language has no function `{name}`", hint)
    if at.kind in ("_STAR", "_PLUS", "_MINUS", "_SLASH") and re.search(r"->\s*free$", before):
        return Mistake(at.line, at.column, 1, "`free` is a whole price: it stands alone after `->`",
                       "`-> free` costs nothing; a price that grows with a parameter is a formula, "
                       "such as `-> 5 * images`")
    if at.kind == "NAME" and at.expected and at.expected <= {"WHITESPACE", "TAGS"}:
        return Mistake(at.line, at.column, max(1, len(at.text)), f"a count cannot leave out `{at.text}`",
                       "`not counting` takes `whitespace`, `tags` or both: "
                       "`from text not counting whitespace, tags`")
    if at.kind == "_RPAR" and "_COMMA" in at.expected:
        m = re.search(r"\b(min|max)\s*\($", line[:_opening(line, col) + 1])
        if m:
            return Mistake(at.line, at.column, 1, f"`{m.group(1)}` needs two or more values",
                           f"separate them with `,`: `{m.group(1)}(50, 10 * dur)`")
    if at.kind == "_MINUS" and before.endswith("->"):
        return Mistake(at.line, at.column, 1, "a price cannot be negative",
                       'a price is a number of credits, 0 or more; to refuse such requests write `-> reject "why"`')
    if at.kind == "_RBRACE" and enclosing(text, at.line) is None:
        return Mistake(at.line, at.column, 1, "this `}` closes no block",
                       "remove it (is the block above closed twice?)")
    if at.kind == "UNSET" and re.search(r"\bdefault\s*$", before):
        return Mistake(at.line, at.column, len(at.text), "`unset` is not a default",
                       "leave out `default` and add `| unset` to the values: a request that leaves the "
                       "parameter out is then priced as `unset`")
    if at.kind == "CHAR" and line[col:col + 1] == "%":
        return Mistake(at.line, at.column, 1, "unexpected character '%'",
                       "there are no percentages: multiply and divide, `800 * 110 / 100`")
    if at.kind == "_NL" and "_RPAR" in at.expected:
        depth, opened = 0, []
        for i, ch in enumerate(_masked(line)):
            if ch == "(":
                opened.append(i)
            elif ch == ")" and opened:
                opened.pop()
        if opened:
            return Mistake(at.line, at.column, 1, "unexpected end of line; expected `)`",
                           f"the `(` at column {opened[-1] + 1} is not closed: add `)`")
    return None


def _opening(line: str, col: int) -> int:
    """The column of the `(` that the `)` at `col` would close (-1 if none)."""
    depth = 0
    for i in range(col - 1, -1, -1):
        ch = line[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                return i
            depth -= 1
    return -1


def _utc_hint(date: str, time: str) -> str:
    """How the card writes the time `date` + `time` (`T10:00:00+02:00`): in UTC, after a `T`, with a `Z`."""
    import datetime

    try:
        when = datetime.datetime.fromisoformat(date + time)
    except ValueError:
        return "a time follows its date after a `T`, in UTC with a `Z`: `2026-12-01T09:30:00Z`"
    if when.tzinfo is None:
        shown = when.isoformat(timespec="seconds") + "Z"
        return f"a time in a card is UTC, written with a `Z`: `{shown}`, if that time is UTC"
    utc = when.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    return f"a time in a card is UTC, written with a `Z`: `{utc}` is that time"


def _dates(line: str, at: Stumble, before: str) -> Mistake | None:
    """Mistakes around `from` and `until`: a date in another shape, a time with an offset or no `Z`,
    the prices of a dated block on its `{` line."""
    rest = line[at.column - 1:]
    word = rest.split()[0] if rest.split() else at.text
    if "DATE" in at.expected:
        return Mistake(at.line, at.column, max(1, len(word)), f"`{word}` is not a date as a card writes it",
                       _DATE_SHAPE)
    day = re.search(r"\b(?:from|until)\s+(\d{4}-\d{2}-\d{2})$", line[:at.column - 1])
    spaced = re.search(r"\b(?:from|until)\s+(\d{4}-\d{2}-\d{2})$", before) if at.text[:1].isdigit() else None
    if day or spaced:
        date = (day or spaced).group(1)
        return Mistake(at.line, at.column, max(1, len(word)), f"unexpected `{at.text}` after a date",
                       _utc_hint(date, word if day else "T" + word))
    if at.expected == frozenset({"_NL"}) and re.match(r"\s*(?:from|until)\b[^{#]*\{\s*\S", line):
        return Mistake(at.line, at.column, max(1, len(at.text)), f"unexpected `{at.text}` after the `{{` of a dated block",
                       "a dated block holds one statement a line: end the line after `{`, and put `}` on a line of its own")
    return None


# ---------------------------------------------------------------- recovering after a mistake


def recover(text: str, first: int, last: int) -> str:
    """The text with the statement holding lines first..last blanked: a line, or a whole block.

    A block that is closed is blanked to its `}`, so the lines in it do not
    each become an error; of a block never closed, the lines before `last`
    are blanked, and `last` is read again as a line of its own.
    """
    block = enclosing(text, last)
    if block is not None and block[1] is not None:
        return blank_lines(text, min(first, block[0]), block[1])
    if block is not None and first < last:
        return blank_lines(text, min(first, block[0]), last - 1)
    if block is not None:
        return blank_lines(text, min(first, block[0]), last)
    opened = next((b for a, b in blocks(text) if a == first and b is not None), None)
    return blank_lines(text, first, opened if opened is not None else last)


def blank_lines(text: str, first: int, last: int) -> str:
    lines = text.split("\n")
    for number in range(max(1, first), min(last, len(lines)) + 1):
        lines[number - 1] = ""
    return "\n".join(lines)


# ---------------------------------------------------------------- mistakes the grammar accepts
# A block may hold several parameters (or offers) on one line, so `dur 4 | 8  defualt 4`
# parses as two parameters, the second called `defualt`, and `res 720 or 1080` as an
# offer of `or`. Such a second item, named like a keyword or another language's word,
# is the mistake, and is told here rather than as an unknown parameter later.

_SAME_LINE_WORDS = {"or": ("values are separated with `|`: `720 | 1080`", "`|`"),
                    "and": ("values are separated with `|`: `720 | 1080`", "`|`")}


_OPTIONS = {"parameter": ("unit", "default", "unpriced", "from"), "offer": ("for", "none")}


def misread(items: Sequence) -> Iterator[Mistake]:
    """For the parameters of a tool or the offers of a model: a second one on a line, named like an option."""
    previous = None
    for item in items:
        name = item.param if hasattr(item, "param") else item.name
        if previous is not None and name.span.line == previous.span.end_line:
            word = name.text
            if word.lower() in _SAME_LINE_WORDS:
                hint, _ = _SAME_LINE_WORDS[word.lower()]
                yield Mistake(name.span.line, name.span.column, len(word), f"unexpected `{word}`", hint)
            else:
                kind = "parameter" if hasattr(item, "name") else "offer"
                close = difflib.get_close_matches(word.lower(), _OPTIONS[kind], n=1, cutoff=0.75)
                if close and close[0] != word:
                    yield Mistake(name.span.line, name.span.column, len(word), f"unexpected `{word}`",
                                  f"did you mean `{close[0]}`? (as written, `{word}` is read as one more {kind})")
        previous = item
