"""Price formulas: exact evaluation (ints and Fractions, never floats) and its explanation.

min and max compare exact values (ints and Fractions), so `max(50, chars / 3)` is exact too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction

from engine import ast
from engine.results import show_number

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
    if isinstance(expr, ast.ParamRef):
        return env[expr.name]
    if isinstance(expr, ast.Binary):
        return _OPS[expr.op](evaluate(expr.left, env), evaluate(expr.right, env))
    if isinstance(expr, ast.MinMax):
        return _PICK[expr.fn](evaluate(a, env) for a in expr.args)
    return _ROUND[expr.mode](evaluate(expr.expr, env))


def compile_expr(expr: ast.Expr) -> Evaluator:
    """A closure computing the same value as `evaluate`, without walking the tree each time."""
    if isinstance(expr, ast.Number):
        value = expr.value
        return lambda env: value
    if isinstance(expr, ast.ParamRef):
        name = expr.name
        return lambda env: env[name]
    if isinstance(expr, ast.Binary):
        left, right = compile_expr(expr.left), compile_expr(expr.right)
        if expr.op is ast.Op.DIV and isinstance(expr.right, ast.Number):
            divisor = expr.right.value
            return lambda env: Fraction(left(env), divisor)
        op = _OPS[expr.op]
        return lambda env: op(left(env), right(env))
    if isinstance(expr, ast.MinMax):
        args, pick = tuple(compile_expr(a) for a in expr.args), _PICK[expr.fn]
        return lambda env: pick(a(env) for a in args)
    inner, rnd = expr.expr, _ROUND[expr.mode]
    if (isinstance(inner, ast.Binary) and inner.op is ast.Op.DIV and isinstance(inner.right, ast.Number)
            and inner.right.value > 0):
        numerator, divisor = compile_expr(inner.left), inner.right.value
        if expr.mode is ast.Rounding.UP:
            return lambda env: _ceil_div(numerator(env), divisor)
        return lambda env: _floor_div(numerator(env), divisor)
    compiled = compile_expr(inner)
    return lambda env: rnd(compiled(env))


def _ceil_div(a: int | Fraction, b: int) -> int:
    if type(a) is int:
        return -(-a // b)
    return math.ceil(Fraction(a, b))


def _floor_div(a: int | Fraction, b: int) -> int:
    if type(a) is int:
        return a // b
    return math.floor(Fraction(a, b))


# ---------------------------------------------------------------- words


def _render(expr: ast.Expr, param: Callable[[str], str], parent: int = 0) -> str:
    """Infix text with only the parentheses precedence needs; `param` spells a parameter."""
    if isinstance(expr, ast.Number):
        return str(expr.value)  # as the card writes it: the parser reads no number too long to print
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
    return f"{_render(expr, lambda name: show_number(env[name]))} = {_show(evaluate(expr, env))}"


def _show(value: int | Fraction) -> str:
    if type(value) is Fraction:
        return f"{show_number(value.numerator)}/{show_number(value.denominator)}"
    return show_number(value)


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
