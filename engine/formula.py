"""Price formulas: exact evaluation (ints and Fractions, never floats) and its explanation.

A decimal constant (`0.000225`) is exact too: evaluated as the Fraction it is; min and max
compare exact values (ints and Fractions), so `max(50, chars / 3)` is exact too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction

from engine import ast, formula_tree
from engine.money import decimal_text
from engine.results import show_number
from engine.span import NOWHERE

Env = Mapping[str, int]
Evaluator = Callable[[Env], int | Fraction]

_ROUND = {ast.Rounding.UP: math.ceil, ast.Rounding.DOWN: math.floor}
_OPS = {
    ast.Op.ADD: lambda a, b: a + b,
    ast.Op.SUB: lambda a, b: a - b,
    ast.Op.MUL: lambda a, b: a * b,
    ast.Op.DIV: lambda a, b: Fraction(a, b),
}


_PICK = {ast.Extremum.MIN: min, ast.Extremum.MAX: max}


def with_rounding(expr: ast.Expr, default: ast.Rounding | None) -> ast.Expr:
    """Wrap each division that names no rounding in the file's default; unchanged when there is none."""
    if isinstance(expr, ast.Rounded):
        return expr
    if isinstance(expr, ast.MinMax):
        return ast.MinMax(fn=expr.fn, args=tuple(with_rounding(a, default) for a in expr.args), span=expr.span)
    if isinstance(expr, ast.Binary):
        new = ast.Binary(op=expr.op, left=with_rounding(expr.left, default),
                         right=with_rounding(expr.right, default), span=expr.span)
        if expr.op is ast.Op.DIV and default is not None:
            return ast.Rounded(mode=default, expr=new, span=expr.span)
        return new
    return expr


def constant(expr: ast.Expr) -> int | Fraction | None:
    """The value of an expression that uses no parameter; None otherwise."""
    try:
        return evaluate(expr, {})
    except (KeyError, ZeroDivisionError):
        return None


def evaluate(expr: ast.Expr, env: Env) -> int | Fraction:
    if isinstance(expr, ast.Number):
        return expr.value
    if isinstance(expr, ast.DecimalNumber):
        return _exact(expr.value)
    if isinstance(expr, ast.ParamRef):
        return env[expr.name]
    if isinstance(expr, ast.Binary):
        return _OPS[expr.op](evaluate(expr.left, env), evaluate(expr.right, env))
    if isinstance(expr, ast.MinMax):
        return _PICK[expr.fn](evaluate(a, env) for a in expr.args)
    return _ROUND[expr.mode](evaluate(expr.expr, env))


def compile_expr(expr: ast.Expr) -> Evaluator:
    """A function computing the same value as `evaluate`, without walking the tree each time:
    engine.formula_tree's, the one that prices a card read from the cache too."""
    return formula_tree.compile(tree(expr))  # type: ignore[return-value]


def tree(expr: ast.Expr) -> formula_tree.Tree:
    """The formula as a plain tree (engine.formula_tree): what the cache stores and what is compiled."""
    if isinstance(expr, ast.Number):
        return ["n", expr.value]
    if isinstance(expr, ast.DecimalNumber):
        return ["d", str(expr.value)]  # as written, trailing zeros and all (the Decimal keeps them)
    if isinstance(expr, ast.ParamRef):
        return ["p", expr.name]
    if isinstance(expr, ast.Binary):
        return ["op", expr.op.name, tree(expr.left), tree(expr.right)]
    if isinstance(expr, ast.MinMax):
        return ["pick", expr.fn.name, [tree(arg) for arg in expr.args]]
    return ["round", expr.mode.name, tree(expr.expr)]


def from_tree(data: formula_tree.Tree) -> ast.Expr:
    """The AST formula of a plain tree (one engine.index_json has checked), without spans."""
    tag = data[0]
    if tag == "n":
        return ast.Number(value=data[1], span=NOWHERE)
    if tag == "d":
        from decimal import Decimal

        return ast.DecimalNumber(value=Decimal(data[1]), span=NOWHERE)
    if tag == "p":
        return ast.ParamRef(name=data[1], span=NOWHERE)
    if tag == "op":
        return ast.Binary(op=ast.Op[data[1]], left=from_tree(data[2]), right=from_tree(data[3]), span=NOWHERE)
    if tag == "pick":
        return ast.MinMax(fn=ast.Extremum[data[1]], args=tuple(from_tree(arg) for arg in data[2]), span=NOWHERE)
    return ast.Rounded(mode=ast.Rounding[data[1]], expr=from_tree(data[2]), span=NOWHERE)


def _exact(value) -> int | Fraction:
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else value


# ---------------------------------------------------------------- words


def _render(expr: ast.Expr, param: Callable[[str], str], parent: int = 0) -> str:
    """Infix text with only the parentheses precedence needs; `param` spells a parameter."""
    if isinstance(expr, ast.Number):
        return str(expr.value)  # as the card writes it: the parser reads no number too long to print
    if isinstance(expr, ast.DecimalNumber):
        return str(expr.value)  # as written, trailing zeros and all (the Decimal keeps them)
    if isinstance(expr, ast.ParamRef):
        return param(expr.name)
    if isinstance(expr, ast.Rounded):
        fn = "ceil" if expr.mode is ast.Rounding.UP else "floor"
        return f"{fn}({_render(expr.expr, param)})"
    if isinstance(expr, ast.MinMax):
        return f"{expr.fn.value}({', '.join(_render(a, param) for a in expr.args)})"
    level = 1 if expr.op in (ast.Op.ADD, ast.Op.SUB) else 2
    right_level = level + 1 if expr.op in (ast.Op.SUB, ast.Op.DIV) else level
    text = f"{_render(expr.left, param, level)} {expr.op.value} {_render(expr.right, param, right_level)}"
    return f"({text})" if level < parent else text


def source(expr: ast.Expr) -> str:
    """The formula in the card's syntax: `ceil(chars / 10)`."""
    return _render(expr, lambda name: name)


def explain(expr: ast.Expr, env: Env) -> str:
    """The arithmetic with values put in: `ceil(123 / 10) = 13`; a very long number is cut short."""
    return f"{_render(expr, lambda name: show_param(env[name]))} = {_show(evaluate(expr, env))}"


def _show(value: int | Fraction) -> str:
    if type(value) is Fraction:
        text = decimal_text(value) if value.denominator.bit_length() < 200 else "/"
        if "/" not in text and len(text) <= 60:
            return text  # a decimal: 0.004725, 20.5
        return f"{show_number(value.numerator)}/{show_number(value.denominator)}"
    return show_number(value)


def show_param(value: object) -> str:
    """A parameter's value in an explanation: a whole number, or a measured amount as a decimal."""
    return decimal_text(value) if type(value) is Fraction else show_number(value)


def nodes(expr: ast.Expr) -> Iterator[ast.Expr]:
    """Every node of a formula, the formula first, then each part's nodes, left to right."""
    yield expr
    if isinstance(expr, ast.Binary):
        yield from nodes(expr.left)
        yield from nodes(expr.right)
    elif isinstance(expr, ast.Rounded):
        yield from nodes(expr.expr)
    elif isinstance(expr, ast.MinMax):
        for arg in expr.args:
            yield from nodes(arg)


def divisions(expr: ast.Expr, rounded: bool = False):
    """Each division with whether a ceil/floor around it names its rounding."""
    if isinstance(expr, ast.Rounded):
        yield from divisions(expr.expr, True)
    elif isinstance(expr, ast.Binary):
        if expr.op is ast.Op.DIV:
            yield expr, rounded
        yield from divisions(expr.left, rounded)
        yield from divisions(expr.right, rounded)
    elif isinstance(expr, ast.MinMax):
        for arg in expr.args:
            yield from divisions(arg, rounded)
