"""Price formulas as plain trees, and the functions that price with them.

A tree is what the compiled-card cache stores: `["n", 12]` a whole number,
`["d", "0.000225"]` a decimal constant as written (exact: the Fraction it is),
`["p", "chars"]` a parameter, `["op", OP, left, right]` with OP one of ADD,
SUB, MUL, DIV, `["pick", FN, [tree, tree, ...]]` with FN MIN or MAX (of two or
more trees), and `["round", MODE, tree]` with MODE UP or DOWN (the names of
engine.ast's Op, Extremum and Rounding). engine.formula turns an AST formula into one
(`tree`), and `compile` makes the function that prices with it, for a card
built from text and a card read from the cache alike: one code prices both.

Exact: ints and Fractions, never floats. Light to import (no AST, and
fractions only once a formula needs one), so quoting from the cache stays cheap.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator, Mapping

Tree = list  # ["n", int] | ["d", str] | ["p", str] | ["op", str, Tree, Tree] | ["pick", str, list[Tree]] | ["round", str, Tree]
Env = Mapping[str, int]
Evaluator = Callable[[Env], object]  # -> int | Fraction

OPS = ("ADD", "SUB", "MUL", "DIV")
EXTREMA = ("MIN", "MAX")
ROUNDINGS = ("UP", "DOWN")
_PLAIN_OPS = {"ADD": operator.add, "SUB": operator.sub, "MUL": operator.mul}
_PICK = {"MIN": min, "MAX": max}  # exact values compared: ints and Fractions


def _fraction() -> type:
    from fractions import Fraction  # imported by the first formula that divides

    return Fraction


def decimal_value(text: str) -> object:
    """The exact value of a decimal constant written `text`: an int when whole, else a Fraction."""
    value = _fraction()(text)
    return value.numerator if value.denominator == 1 else value


def _divide(a: object, b: object) -> object:
    return _fraction()(a, b)


def compile(tree: Tree) -> Evaluator:  # noqa: A001 - what it does, in the module that does only this
    """A function computing the tree's value for the given parameters, without walking the tree each time.
    A formula that names a parameter carries its tree as `.tree`: engine.roads writes it out (`source`)."""
    function = _compile(tree)
    if tree[0] not in ("n", "d"):
        function.tree = tree  # type: ignore[attr-defined]
    return function


def _compile(tree: Tree) -> Evaluator:
    tag = tree[0]
    if tag == "n":
        return constant_function(tree[1])
    if tag == "d":
        return constant_function(decimal_value(tree[1]))
    if tag == "p":
        name = tree[1]
        return lambda env: env[name]
    if tag == "op":
        op, left_tree, right_tree = tree[1], tree[2], tree[3]
        left, right = _compile(left_tree), _compile(right_tree)
        if op == "DIV":
            fraction = _fraction()
            if right_tree[0] == "n":
                divisor = right_tree[1]
                return lambda env: fraction(left(env), divisor)
            return lambda env: fraction(left(env), right(env))
        fn = _PLAIN_OPS[op]
        return lambda env: fn(left(env), right(env))
    if tag == "pick":
        args, pick = tuple(_compile(arg) for arg in tree[2]), _PICK[tree[1]]
        return lambda env: pick(arg(env) for arg in args)
    mode, inner = tree[1], tree[2]
    if inner[0] == "op" and inner[1] == "DIV" and inner[3][0] == "n" and inner[3][1] > 0:
        numerator, divisor = _compile(inner[2]), inner[3][1]
        if mode == "UP":
            return lambda env: _ceil_div(numerator(env), divisor)
        return lambda env: _floor_div(numerator(env), divisor)
    compiled, rnd = _compile(inner), (math.ceil if mode == "UP" else math.floor)
    return lambda env: rnd(compiled(env))


_INFIX = {"ADD": "+", "SUB": "-", "MUL": "*"}


def source(tree: Tree, variable: Callable[[str], str | None], constant: Callable[[object], str]) -> str | None:
    """The tree as one Python expression computing what compile(tree) computes, in the same order, with
    the same exact types and the same errors: `variable(name)` spells a parameter (None: one the caller
    cannot give, and then no source), `constant(value)` the name under which the caller's namespace holds
    a value (a number, and the functions the expression calls). No text of the tree is ever written in:
    numbers are constants too."""
    tag = tree[0]
    if tag == "n":
        return constant(tree[1])
    if tag == "d":
        return constant(decimal_value(tree[1]))
    if tag == "p":
        return variable(tree[1])
    if tag == "op":
        left, right = source(tree[2], variable, constant), source(tree[3], variable, constant)
        if left is None or right is None:
            return None
        if tree[1] == "DIV":
            return f"{constant(_fraction())}({left}, {right})"
        return f"({left} {_INFIX[tree[1]]} {right})"
    if tag == "pick":
        args = [source(arg, variable, constant) for arg in tree[2]]
        return None if None in args else f"{constant(_PICK[tree[1]])}({', '.join(args)})"  # type: ignore[arg-type]
    mode, inner = tree[1], tree[2]
    if inner[0] == "op" and inner[1] == "DIV" and inner[3][0] == "n" and inner[3][1] > 0:
        numerator = source(inner[2], variable, constant)
        rounded = _ceil_div if mode == "UP" else _floor_div
        return None if numerator is None else f"{constant(rounded)}({numerator}, {constant(inner[3][1])})"
    compiled = source(inner, variable, constant)
    return None if compiled is None else f"{constant(math.ceil if mode == 'UP' else math.floor)}({compiled})"


def constant_function(value: object) -> Evaluator:
    """What compile(["n", value]) is: the function of a price that is one number."""
    return lambda env: value


def _ceil_div(a: object, b: int) -> int:
    if type(a) is int:
        return -(-a // b)
    return math.ceil(_fraction()(a, b))


def _floor_div(a: object, b: int) -> int:
    if type(a) is int:
        return a // b
    return math.floor(_fraction()(a, b))


def evaluate(tree: Tree, env: Env) -> object:
    """The tree's exact value (an int or a Fraction); KeyError for a parameter env lacks."""
    tag = tree[0]
    if tag == "n":
        return tree[1]
    if tag == "d":
        return decimal_value(tree[1])
    if tag == "p":
        return env[tree[1]]
    if tag == "op":
        left, right = evaluate(tree[2], env), evaluate(tree[3], env)
        return _divide(left, right) if tree[1] == "DIV" else _PLAIN_OPS[tree[1]](left, right)
    if tag == "pick":
        return _PICK[tree[1]](evaluate(arg, env) for arg in tree[2])
    return (math.ceil if tree[1] == "UP" else math.floor)(evaluate(tree[2], env))


def constant(tree: Tree) -> object | None:
    """The value of a tree that names no parameter; None otherwise (or when it divides by 0)."""
    try:
        return evaluate(tree, {})
    except (KeyError, ZeroDivisionError):
        return None


def with_rounding(tree: Tree, default: str | None) -> Tree:
    """Each division that names no rounding wrapped in the file's `default`; the tree itself when there is none."""
    if default is None or tree[0] in ("n", "d", "p", "round"):
        return tree
    if tree[0] == "pick":
        return ["pick", tree[1], [with_rounding(arg, default) for arg in tree[2]]]
    wrapped = ["op", tree[1], with_rounding(tree[2], default), with_rounding(tree[3], default)]
    return ["round", default, wrapped] if tree[1] == "DIV" else wrapped


def divisions(tree: Tree, rounded: bool = False) -> Iterator[tuple[Tree, bool]]:
    """Each division, with whether a ceil/floor around it names its rounding."""
    if tree[0] == "round":
        yield from divisions(tree[2], True)
    elif tree[0] == "op":
        if tree[1] == "DIV":
            yield tree, rounded
        yield from divisions(tree[2], rounded)
        yield from divisions(tree[3], rounded)
    elif tree[0] == "pick":
        for arg in tree[2]:
            yield from divisions(arg, rounded)


def leaves(tree: Tree, numbers: list, names: list) -> None:
    """The numbers and the parameter names in the tree, once per use."""
    if tree[0] == "n":
        numbers.append(tree[1])
    elif tree[0] == "d":
        numbers.append(decimal_value(tree[1]))
    elif tree[0] == "p":
        names.append(tree[1])
    elif tree[0] == "op":
        leaves(tree[2], numbers, names)
        leaves(tree[3], numbers, names)
    elif tree[0] == "pick":
        for arg in tree[2]:
            leaves(arg, numbers, names)
    else:
        leaves(tree[2], numbers, names)


def in_minor_units(tree: Tree, scale: int, rounding: str | None) -> Tree:
    """engine.formula_box.in_minor_units on a tree: times the unit's `scale` (when not 1), then
    rounded as the file says (UP, DOWN; None: left as it is)."""
    if scale != 1:
        tree = ["op", "MUL", tree, ["n", scale]]
    if rounding is not None:
        tree = ["round", rounding, tree]
    return tree


def subtracts(tree: Tree) -> bool:
    """Whether the tree has a subtraction anywhere."""
    if tree[0] == "op":
        return tree[1] == "SUB" or subtracts(tree[2]) or subtracts(tree[3])
    if tree[0] == "pick":
        return any(subtracts(arg) for arg in tree[2])
    return tree[0] == "round" and subtracts(tree[2])
