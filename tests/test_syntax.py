"""Text -> AST: trees compare by structure (spans are ignored), errors become diagnostics."""

import textwrap

import pytest

from engine import ast
from engine.diagnostics import Code
from engine.syntax import parse


def one(text: str):
    tree, diagnostics = parse(textwrap.dedent(text))
    assert diagnostics == []
    (statement,) = tree.statements
    return statement


def name(text):
    return ast.Name(text=text)


def dom(*values):
    return ast.Domain(items=tuple(ast.Literal(value=v) for v in values))


def test_the_issue_example_reads_naturally():
    assert one('video "Sora 2 Pro" res 1080 dur 12 -> 11400') == ast.Rule(
        subject=name("video"), model="Sora 2 Pro",
        conditions=(ast.Condition(param=name("res"), domain=dom(1080)),
                    ast.Condition(param=name("dur"), domain=dom(12))),
        outcome=ast.Price(expr=ast.Number(value=11400)))


def test_a_bare_formula_needs_no_arrow():
    assert one("voiceover chars/10") == ast.Rule(
        subject=name("voiceover"), model=None, conditions=(),
        outcome=ast.Price(expr=ast.Binary(op=ast.Op.DIV, left=ast.ParamRef(name="chars"),
                                          right=ast.Number(value=10))))


def test_precedence_and_rounding():
    rule = one("t -> 1 + 2 * ceil(n / 3) - 4")
    add = ast.Binary(op=ast.Op.ADD, left=ast.Number(value=1), right=ast.Binary(
        op=ast.Op.MUL, left=ast.Number(value=2),
        right=ast.Rounded(mode=ast.Rounding.UP, expr=ast.Binary(op=ast.Op.DIV, left=ast.ParamRef(name="n"),
                                                                right=ast.Number(value=3)))))
    assert rule.outcome.expr == ast.Binary(op=ast.Op.SUB, left=add, right=ast.Number(value=4))


def test_domains():
    tool = one("""\
        tool t {
            a yes | no
            n 1..3 | 7  default 1
            m >= 1      unit "s"
            k "x" | "y" unpriced
            c < 10      from text
        }
    """)
    assert tool.params == (
        ast.ParamDecl(name=name("a"), domain=dom(True, False)),
        ast.ParamDecl(name=name("n"), domain=ast.Domain(items=(ast.Range(lo=1, hi=3), ast.Literal(value=7))),
                      default=ast.Literal(value=1)),
        ast.ParamDecl(name=name("m"), domain=ast.Domain(items=(ast.Bound(cmp=ast.Cmp.GE, limit=1),)), unit="s"),
        ast.ParamDecl(name=name("k"), domain=dom("x", "y"), unpriced=True),
        ast.ParamDecl(name=name("c"), domain=ast.Domain(items=(ast.Bound(cmp=ast.Cmp.LT, limit=10),)),
                      counted_from=name("text")),
    )


def test_model_block_with_aliases_and_tool_specific_lines():
    model = one("""\
        model video "Kling 1.6" aka "Kling v1.6", "K16" {
            dur 5 | 10
            aspect none "from the image" for image-to-video
        }
    """)
    assert model == ast.ModelDecl(
        subject=name("video"), name="Kling 1.6", aliases=("Kling v1.6", "K16"),
        offers=(ast.Offer(param=name("dur"), domain=dom(5, 10)),
                ast.Offer(param=name("aspect"), domain=None, reason="from the image",
                          tools=(name("image-to-video"),))))


def test_grid():
    grid = one("""\
        video "Sora 2 Pro" audio yes {
            dur          4      8
            res 720  ->  2600   (5200)
            res 1080 ->  reject 7600
        }
    """)
    assert grid.column == name("dur") and grid.columns == (ast.Literal(value=4), ast.Literal(value=8))
    assert grid.conditions == (ast.Condition(param=name("audio"), domain=dom(True)),)
    assert [row.cells for row in grid.rows] == [
        (ast.Price(expr=ast.Number(value=2600)), ast.Price(expr=ast.Number(value=5200))),
        (ast.Reject(reason=""), ast.Price(expr=ast.Number(value=7600))),
    ]


def test_spans_point_at_the_source():
    rule = one('video "Sora 2" dur 4 -> 800')
    assert (rule.span.line, rule.span.column, rule.span.end_column) == (1, 1, 28)
    assert (rule.conditions[0].span.column, rule.conditions[0].span.end_column) == (16, 21)
    assert rule.model_span.column == 7


def test_comments_and_blank_lines_anywhere():
    tree, diagnostics = parse("# head\n\n  # indented\ntool t   # trailing\n\n# tail")
    assert diagnostics == [] and len(tree.statements) == 1


@pytest.mark.parametrize("text, line, words", [
    ('v "S" dur = 4 -> 1\n', 1, "without `=`"),
    ('tool t\nv "S" dur 4 800\n', 2, "needs `->`"),
    ("v Sora 2 Pro res 720 -> 1\n", 1, "quoted"),
    ('v "S" dur 4.5 -> 1\n', 1, "whole"),
    ('model v "S" {\n dur 4\n', 2, "block opened at line 1"),
])
def test_syntax_errors_are_friendly(text, line, words):
    tree, diagnostics = parse(text, "x.rules")
    assert tree is None
    first = diagnostics[0]
    assert first.code is Code.SYNTAX and first.span.line == line
    assert words in (first.hint or "") + first.message
    assert "Token" not in first.message and "lark" not in first.message.lower()


def test_several_syntax_errors_in_one_run():
    _, diagnostics = parse("t a = 1 -> 1\nt b 2 -> 2\nt c = 3 -> 3\nt d ^ 4\n")
    assert [d.span.line for d in diagnostics] == [1, 3, 4]


@pytest.mark.parametrize("text, words", [
    ("t -> 1" + " + 1" * 3000, "too long or too deeply nested"),
    ("t -> " + "9" * 5000, "number in this file is too long"),
])
def test_monstrous_files_get_a_diagnostic_not_a_traceback(text, words):
    tree, diagnostics = parse(text)
    assert tree is None and words in diagnostics[0].message
