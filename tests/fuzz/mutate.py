"""Mutating rules text: bytes, lines and tokens, with the characters that have broken parsers before.

Every mutation is a pure function of (text, rng) -> text; `mutate` applies one
to three of them. The odd characters: letters that match ASCII letters only
case-insensitively (ſ, the Kelvin sign, dotless ı, dotted İ), every line ending
(CR, CRLF, lone CR inside a comment), a byte-order mark, tabs, form feeds, NUL,
the Unicode line and paragraph separators, no-break and zero-width spaces.
"""

from __future__ import annotations

import random
import re

ODD_CHARS = ["ſ", "\u212a", "ı", "İ", "\r", "\r\n", "\ufeff", "\t", "\f", "\v", "\x00", "\u2028", "\u2029",
             "\u00a0", "\u200b", "\x85", "é", "e\u0301", "١", "＞", "−", "#", '"', "\\", "{", "}", "->", "|", ".."]
LOOKALIKE = {"s": "ſ", "k": "\u212a", "K": "\u212a", "i": "ı", "I": "İ"}
KEYWORDS = ["tool", "group", "model", "plan", "allows", "all", "aka", "for", "none", "unit", "default", "unpriced",
            "from", "reject", "yes", "no", "round", "up", "down", "ceil", "floor", "->", "..", ">=", ">", "<", "|",
            "{", "}", "(", ")", "*", "/", "+", "-", ",", "until", "2026-12-01", "2026-12-01T09:30:00Z", "2026-02-30"]
TOKEN = re.compile(r'"[^"\n]*"|[0-9]+|[A-Za-z_][A-Za-z0-9_-]*|->|\.\.|>=|<=|\S')


def _numbers(rng: random.Random) -> str:
    return rng.choice(["0", "1", "-1", "00", "4096", "4097", str(2 ** 63), "9" * 19, "9" * 310, "9" * 1001,
                       "1" + "0" * 4300, "99999999999999999999"])


def byte_flip(text: str, rng: random.Random) -> str:
    if not text:
        return rng.choice(ODD_CHARS)
    at = rng.randrange(len(text))
    roll = rng.random()
    if roll < 0.4:
        return text[:at] + rng.choice(ODD_CHARS) + text[at:]
    if roll < 0.7:
        return text[:at] + text[at + rng.randint(1, 3):]
    return text[:at] + chr(rng.choice([0x20, 0x7e, 0xe9, 0x3000, 0x1f600, rng.randrange(32, 0x2fff)])) + text[at + 1:]


def line_edit(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    if len(lines) < 2:
        return text + "\n" + text
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    roll = rng.random()
    if roll < 0.25:
        lines.insert(j, lines[i])
    elif roll < 0.5:
        del lines[i]
    elif roll < 0.7:
        lines[i], lines[j] = lines[j], lines[i]
    elif roll < 0.85:
        lines[i] = rng.choice(["\t", "    ", "\f", " \t "]) + lines[i]
    else:
        lines[i] = lines[i] + rng.choice([" # comment\r", " #", "\t", " \\", "  "])
    return "\n".join(lines)


def line_endings(text: str, rng: random.Random) -> str:
    ending = rng.choice(["\r", "\r\n", "\n\r", "mixed", "bom", "none", "blank"])
    if ending == "mixed":
        return "".join(line + rng.choice(["\n", "\r\n", "\r"]) for line in text.split("\n"))
    if ending == "bom":
        return "\ufeff" + text
    if ending == "none":
        return text.rstrip("\n")
    if ending == "blank":
        return "\n\n" + text.replace("\n", "\n\n")
    return text.replace("\n", ending)


def token_edit(text: str, rng: random.Random) -> str:
    tokens = list(TOKEN.finditer(text))
    if not tokens:
        return text
    token = rng.choice(tokens)
    value = token.group()
    roll = rng.random()
    if value.isdigit() and roll < 0.6:
        others = [t.group() for t in tokens if t.group().isdigit()]
        new = rng.choice(others) if rng.random() < 0.4 else _numbers(rng)
    elif roll < 0.25 and any(c in LOOKALIKE for c in value):
        at = rng.choice([i for i, c in enumerate(value) if c in LOOKALIKE])
        new = value[:at] + LOOKALIKE[value[at]] + value[at + 1:]
    elif roll < 0.5:
        new = rng.choice([t.group() for t in tokens])
    elif roll < 0.7:
        new = rng.choice(KEYWORDS)
    elif roll < 0.85:
        new = ""
    else:
        new = value + " " + value
    return text[: token.start()] + new + text[token.end():]


def swap_numbers(text: str, rng: random.Random) -> str:
    numbers = list(re.finditer(r"[0-9]+", text))
    if len(numbers) < 2:
        return token_edit(text, rng)
    a, b = sorted(rng.sample(numbers, 2), key=lambda m: m.start())
    return (text[: a.start()] + b.group() + text[a.end(): b.start()] + a.group() + text[b.end():])


def splice(text: str, rng: random.Random, other: str) -> str:
    lines, donor = text.split("\n"), other.split("\n")
    at = rng.randrange(len(lines) + 1)
    start = rng.randrange(len(donor))
    return "\n".join(lines[:at] + donor[start: start + rng.randint(1, 6)] + lines[at:])


def rename(text: str, rng: random.Random) -> str:
    """One name spelled with a look-alike letter everywhere it appears, so the card stays whole."""
    names = sorted({m.group() for m in re.finditer(r"\b[a-z][a-z-]*\b", text) if m.group() not in KEYWORDS
                    and any(c in LOOKALIKE for c in m.group())})
    if not names:
        return token_edit(text, rng)
    name = rng.choice(names)
    at = rng.choice([i for i, c in enumerate(name) if c in LOOKALIKE])
    new = name[:at] + LOOKALIKE[name[at]] + name[at + 1:]
    return re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", new, text)


def comment_edit(text: str, rng: random.Random) -> str:
    """Odd characters inside a comment, where they mean nothing."""
    comments = [m.end() for m in re.finditer(r"#[^\n]*", text)]
    if not comments:
        return text.replace("\n", " # c\n", 1)
    at = rng.choice(comments)
    return text[:at] + rng.choice(["\r", "\r x", "\f", "\t", "\x00", "\u2028", "\x85", "\ufeff"]) + text[at:]


MUTATIONS = (byte_flip, line_edit, line_endings, token_edit, token_edit, swap_numbers, rename, comment_edit)


def mutate(text: str, rng: random.Random, donors: list[str] = ()) -> str:
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if donors and rng.random() < 0.1:
            text = splice(text, rng, rng.choice(donors))
        else:
            text = rng.choice(MUTATIONS)(text, rng)
    return text
