"""Rate cards to start from: the bundled card, the test cases, and small random cards.

The random cards use every declaration the language has (ranges, open bounds,
texts, yes/no, units, defaults, `unpriced`, `from`, models with `none` and
`for`, aliases, groups, plans, grids, formulas with both roundings, min and max,
rejects, `free`, texts counted without whitespace or tags),
so the checks and the quote paths meet combinations no hand-written case has.
Many do not check clean; those still exercise the loader's oracle.
"""

from __future__ import annotations

import functools
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def corpus() -> tuple[tuple[str, str], ...]:
    """(name, text) of every .rules file shipped or used as a test case."""
    files = sorted((ROOT / "rules").glob("*.rules")) + sorted((ROOT / "tests" / "cases").rglob("*.rules"))
    return tuple((p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8")) for p in files)


@functools.cache
def bundled() -> tuple[tuple[str, str], ...]:
    return tuple((n, t) for n, t in corpus() if n.startswith("rules/"))


_NAMES = ["t", "u", "clip", "say", "x-y"]
_PARAMS = ["n", "k", "res", "dur", "audio", "mode", "chars", "a", "b"]


def _domain(rng: random.Random) -> tuple[str, str, list]:
    """(kind, source text, sample values) of a parameter's declared values."""
    kind = rng.choice(["set", "range", "open", "open", "bool", "text", "mixed"])
    if kind == "set":
        values = sorted(rng.sample([1, 2, 3, 4, 5, 8, 10, 12, 720, 1080], rng.randint(1, 4)))
        return "int", " | ".join(map(str, values)), values
    if kind == "range":
        lo = rng.choice([0, 1, 2])
        hi = lo + rng.choice([0, 1, 3, 9, 99, 4095])
        return "int", f"{lo}..{hi}", sorted({lo, hi})
    if kind == "open":
        op, n = rng.choice([">=", ">"]), rng.choice([0, 1, 5, 5000])
        first = n if op == ">=" else n + 1
        return "int", f"{op} {n}", [first, first + 1]
    if kind == "mixed":
        return "int", "1 | 3..5 | >= 10", [1, 3, 5, 10]
    if kind == "bool":
        source = rng.choice(["yes | no", "yes | no", "yes", "no"])
        return "bool", source, source.split(" | ")
    values = rng.sample(['"a"', '"b"', '"16:9"', '"x y"', '"é"'], rng.randint(1, 3))
    return "text", " | ".join(values), values


def _formula(rng: random.Random, ints: list[str], depth: int = 0) -> str:
    if depth > 2 or rng.random() < 0.4:
        if ints and rng.random() < 0.6:
            return rng.choice(ints)
        return str(rng.choice([1, 2, 3, 10, 100, 7, 7, 10 ** rng.choice([20, 310])]))
    op = rng.choice(["+", "+", "*", "*", "/", "-", "ceil", "floor", "min", "max"])
    left, right = _formula(rng, ints, depth + 1), _formula(rng, ints, depth + 1)
    if op in ("ceil", "floor"):
        return f"{op}({left} / {right})"
    if op in ("min", "max"):
        more = [_formula(rng, ints, depth + 1) for _ in range(rng.randint(0, 1))]
        return f"{op}({', '.join([left, right, *more])})"
    return f"({left} {op} {right})" if depth else f"{left} {op} {right}"


def random_card(rng: random.Random) -> str:
    """A small card, often valid, in the language's full breadth."""
    lines = []
    if rng.random() < 0.8:
        lines.append(rng.choice(["round up", "round down"]))
    tools = rng.sample(_NAMES, rng.randint(1, 2))
    params = {name: _domain(rng) for name in rng.sample(_PARAMS, rng.randint(0, 3))}
    decl = []
    for p, (kind, source, sample) in params.items():
        options = []
        if kind == "int" and rng.random() < 0.2:
            options.append('unit "s"')
        if rng.random() < 0.15:
            options.append(f"default {sample[0]}")
        if rng.random() < 0.15:
            options.append("unpriced")
        if kind == "int" and rng.random() < 0.1 and "text" not in params:
            options.append(rng.choice(["from text", "from text", "from text not counting whitespace",
                                       "from text not counting tags, whitespace"]))
        decl.append(f"    {p} {source} {' '.join(options)}".rstrip())
    body = " {\n" + "\n".join(decl) + "\n}" if decl or rng.random() < 0.3 else ""
    lines.append(f"tool {', '.join(tools)}{body}")
    subject, group = tools[0], False
    if len(tools) > 1 and rng.random() < 0.7:
        group = True
        lines.append(f"group g = {', '.join(tools)}")
        subject = "g"
    targets = []  # (subject text, {param: values it may use in conditions})
    if rng.random() < 0.6:
        for title in rng.sample(["M", "N", "Kelvin \u212a"], rng.randint(1, 2)):
            offers, usable = [], {}
            for p, (kind, _, sample) in params.items():
                roll = rng.random()
                if roll < 0.15:
                    reason = ' "not here"' if rng.random() < 0.5 else ""
                    where = f" for {tools[-1]}" if group and rng.random() < 0.5 else ""
                    offers.append(f"    {p} none{reason}{where}")
                    if rng.random() < 0.9:
                        continue
                    usable[p] = sample  # a rule on a parameter the model does not take
                elif roll < 0.6:
                    chosen = sorted(set(rng.sample(sample, rng.randint(1, len(sample)))), key=str)
                    if kind == "int":
                        chosen = sorted(chosen)
                    offers.append(f"    {p} {' | '.join(map(str, chosen))}")
                    usable[p] = chosen
                else:
                    usable[p] = sample
            aka = f' aka "{title} 2"' if rng.random() < 0.2 else ""
            body = " {\n" + "\n".join(offers) + "\n}" if offers else ""
            lines.append(f'model {subject} "{title}"{aka}{body}')
            targets.append((f'{subject} "{title}"', usable))
    if not targets:
        targets.append((subject, {p: s for p, (_, _, s) in params.items()}))
    for target, usable in targets:
        ints = [p for p in usable if params[p][0] == "int"]
        if rng.random() < 0.2 and [p for p in params if p not in usable]:
            ints.append(rng.choice([p for p in params if p not in usable]))  # a formula on a parameter not taken
        arrow = " ->" if rng.random() < 0.8 else ""
        lines.append(f"{target}{arrow} {_formula(rng, ints)}")
        if usable and rng.random() < 0.7:
            p = rng.choice(list(usable))
            values = list(usable[p])
            rng.shuffle(values)
            for value in values[: rng.randint(1, len(values))]:
                cond = f"{p} {value}"
                if params[p][0] == "int" and rng.random() < 0.2:
                    cond = f"{p} {rng.choice(['>', '>='])} {value}"
                outcome = (f'reject "no {rng.randrange(9)}"' if rng.random() < 0.2 else
                           "free" if rng.random() < 0.1 else _formula(rng, ints))
                lines.append(f"{target} {cond} -> {outcome}")
                if cond.startswith(f"{p} >"):
                    break
        elif usable and rng.random() < 0.5:
            p = rng.choice(list(usable))
            cells = [str(rng.choice([1, 5, 100, 100, 0, "free"])) if rng.random() < 0.9 else "reject"
                     for _ in usable[p]]
            lines.append(f"{target} {{\n    {p} {' '.join(map(str, usable[p]))}\n    -> {' '.join(cells)}\n}}")
    if rng.random() < 0.3:
        lines.append(f'plan "P" allows {rng.choice(["all", tools[0]])}')
    return "\n".join(lines) + "\n"
