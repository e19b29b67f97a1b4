"""Text -> AST: trees compare by structure (spans are ignored), errors become diagnostics."""

import textwrap

import pytest

from engine import ast
from engine.diagnostics import Code
from engine.syntax import MAX_FORMULA_DEPTH, parse


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
    ('v "S" dur 4. -> 1\n', 1, "digits on both sides"),
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


# ---------------------------------------------------------------- spans
# AST equality ignores spans, so these pin them: what text each node's span
# covers, for the nodes whose span is more than one token. A span runs from
# the node's first token to its last, punctuation included: a grid or block
# ends at its `}`, a row with no conditions starts at `->`, a price after `->`
# keeps the parentheses around its formula (a grid cell's price does not).

LEAVES = {"Name", "Literal", "ParamRef", "Number"}


def covered(text, span):
    lines = text.split("\n")
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1:span.end_column - 1]
    return "\n".join([lines[span.line - 1][span.column - 1:], *lines[span.line:span.end_line - 1],
                      lines[span.end_line - 1][:span.end_column - 1]])


def node_spans(node, text, out):
    if isinstance(node, tuple):
        for item in node:
            node_spans(item, text, out)
    elif hasattr(node, "__attrs_attrs__"):
        for field in node.__attrs_attrs__:
            value = getattr(node, field.name)
            if field.name == "span":
                if type(node).__name__ not in LEAVES:
                    out.append((type(node).__name__, covered(text, value)))
            elif not field.name.endswith("span"):
                node_spans(value, text, out)
    return out


@pytest.mark.parametrize("text, expected", [
    ('v "S" dur 1 {\n  res 720 1080\n  -> (a + b) ceil(c / 2)\n  aud yes -> 1 (2)\n}\n', [
        ('Domain', '1'),
        ('Condition', 'dur 1'),
        ('Binary', 'a + b'),
        ('Price', 'a + b'),
        ('Binary', 'c / 2'),
        ('Rounded', 'ceil(c / 2)'),
        ('Price', 'ceil(c / 2)'),
        ('GridRow', '-> (a + b) ceil(c / 2)'),
        ('Domain', 'yes'),
        ('Condition', 'aud yes'),
        ('Price', '1'),
        ('Price', '2'),
        ('GridRow', 'aud yes -> 1 (2)'),
        ('Grid', 'v "S" dur 1 {\n  res 720 1080\n  -> (a + b) ceil(c / 2)\n  aud yes -> 1 (2)\n}'),
        ('File', 'v "S" dur 1 {\n  res 720 1080\n  -> (a + b) ceil(c / 2)\n  aud yes -> 1 (2)\n}\n'),
    ]),
    ('v "S" x 1 -> (a + b)\nv (a + b) * (c)\nv floor((a) / 2)\n', [
        ('Domain', '1'),
        ('Condition', 'x 1'),
        ('Binary', 'a + b'),
        ('Price', '(a + b)'),
        ('Rule', 'v "S" x 1 -> (a + b)'),
        ('Binary', 'a + b'),
        ('Binary', '(a + b) * (c)'),
        ('Price', '(a + b) * (c)'),
        ('Rule', 'v (a + b) * (c)'),
        ('Binary', '(a) / 2'),
        ('Rounded', 'floor((a) / 2)'),
        ('Price', 'floor((a) / 2)'),
        ('Rule', 'v floor((a) / 2)'),
        ('File', 'v "S" x 1 -> (a + b)\nv (a + b) * (c)\nv floor((a) / 2)\n'),
    ]),
    ('tool t, u { a 1 | 2 unit "p" default 1 from b\n  c >= 1 unpriced\n}\n', [
        ('Domain', '1 | 2'),
        ('ParamDecl', 'a 1 | 2 unit "p" default 1 from b'),
        ('Bound', '>= 1'),
        ('Domain', '>= 1'),
        ('ParamDecl', 'c >= 1 unpriced'),
        ('ToolDecl', 'tool t, u { a 1 | 2 unit "p" default 1 from b\n  c >= 1 unpriced\n}'),
        ('File', 'tool t, u { a 1 | 2 unit "p" default 1 from b\n  c >= 1 unpriced\n}\n'),
    ]),
    ('model v "T" aka "a" {\n  a none "x" for t, u\n  b 1..3\n}\n', [
        ('Offer', 'a none "x" for t, u'),
        ('Range', '1..3'),
        ('Domain', '1..3'),
        ('Offer', 'b 1..3'),
        ('ModelDecl', 'model v "T" aka "a" {\n  a none "x" for t, u\n  b 1..3\n}'),
        ('File', 'model v "T" aka "a" {\n  a none "x" for t, u\n  b 1..3\n}\n'),
    ]),

])
def test_spans_run_from_first_to_last_token(text, expected):
    tree, diagnostics = parse(text, "x.rules")
    assert diagnostics == [] and node_spans(tree, text, []) == expected


def test_a_deep_formula_reads_up_to_the_limit():
    at_limit = "t -> 1" + " + 1" * MAX_FORMULA_DEPTH
    tree, diagnostics = parse(at_limit)
    assert diagnostics == [] and tree is not None
    tree, diagnostics = parse(at_limit + " + 1")
    assert tree is None and "too deeply nested" in diagnostics[0].message


def test_a_syntax_error_is_told_before_an_unreadable_number():
    tree, diagnostics = parse("t -> " + "9" * 5000 + "\nt = 1\n")
    assert tree is None and [(d.span.line, "`=`" in d.message) for d in diagnostics] == [(2, True)]


def test_each_file_keeps_its_name_in_its_spans():
    first, _ = parse("t -> 1\n", "a.rules")
    second, _ = parse("t -> (1)\n", "b.rules")
    assert {s.span.file for s in first.statements} == {"a.rules"}
    assert second.statements[0].outcome.span.file == "b.rules" and second.path == "b.rules"


@pytest.mark.parametrize("odd", ["\f", "\x85", "\u2028", "\x1c"])
def test_lines_are_counted_at_newlines_only(odd):
    """str.splitlines also breaks at these; the parser and the spans do not."""
    from engine.diagnostics import render_text

    text = f"# a comment holding {odd} in the middle\nmodel t \"M\" {{\n  x 1\nt x 1 -> 1\n"
    _, diagnostics = parse(text, "t.rules")
    first = diagnostics[0]
    assert first.span.line == 4
    assert "block opened at line 2 (`model t \"M\" {`)" in first.message + first.hint
    assert "4 | t x 1 -> 1" in render_text([first], {"t.rules": text})


# ---------------------------------------------------------------- one mistake, one error
# (tests/test_mistakes.py holds a corpus of single mistakes; these hold what
# happens around them: blocks, several mistakes, many.)


def test_a_closed_block_is_not_said_to_need_a_brace():
    _, diagnostics = parse('plan "A" allows all {\n    credits 40000 USD\n}\n', "x.rules")
    assert len(diagnostics) == 1 and "add `}`" not in diagnostics[0].hint


def test_a_block_with_a_mistake_in_its_first_line_is_one_error():
    _, diagnostics = parse('plan "A" {\n credits 1\n}\n', "x.rules")
    assert [(d.span.line, d.span.column) for d in diagnostics] == [(1, 10)]


def test_units_in_a_grid_header_are_one_error_not_one_per_line():
    text = ('video "V" {\n    dur 4s 8s 12s\n    res 720 -> 1 2 3\n    res 1080 -> 4 5 6\n}\n'
            'video "W" res 1 -> 2\n')
    _, diagnostics = parse(text, "x.rules")
    assert [(d.span.line, d.span.column) for d in diagnostics] == [(2, 10)]
    assert "`4`" in diagnostics[0].hint and "add `}`" not in diagnostics[0].hint


def test_each_mistake_is_told_once_and_the_lines_after_are_still_read():
    text = ('modle video "Veo 3" {\n    dur 4\n}\n'
            'video "Veo 3" dur 4 => 800\n'
            'video "Veo 3" dur 8 -> 800\n'
            'video "Veo 3" dur 8 -> rejct "x"\n')
    _, diagnostics = parse(text, "x.rules")
    assert [(d.span.line, d.span.column, d.hint) for d in diagnostics] == [
        (1, 1, "did you mean `model`?"), (4, 21, "did you mean `->`?"), (6, 24, "did you mean `reject`?")]


def test_a_hint_is_given_only_when_its_repair_parses():
    """`shop` is close to no keyword whose use would make the line parse: no did-you-mean."""
    _, diagnostics = parse('video "V" dur 4 -> shop "x"\n', "x.rules")
    assert "did you mean" not in (diagnostics[0].hint or "")


def test_errors_past_the_limit_are_said_to_be_left_unchecked():
    from engine.syntax import MAX_SYNTAX_ERRORS

    text = "".join(f"t a{i} = 1 -> 1\n" for i in range(MAX_SYNTAX_ERRORS + 5))
    _, diagnostics = parse(text, "x.rules")
    assert len(diagnostics) == MAX_SYNTAX_ERRORS + 1
    last = diagnostics[-1]
    assert f"stopped after {MAX_SYNTAX_ERRORS} syntax errors" in last.message
    assert last.span.line == MAX_SYNTAX_ERRORS + 1


def test_exactly_the_limit_is_not_said_to_be_capped():
    from engine.syntax import MAX_SYNTAX_ERRORS

    text = "".join(f"t a{i} = 1 -> 1\n" for i in range(MAX_SYNTAX_ERRORS))
    _, diagnostics = parse(text, "x.rules")
    assert len(diagnostics) == MAX_SYNTAX_ERRORS and "stopped" not in diagnostics[-1].message


def test_a_misspelt_option_read_as_a_parameter_is_an_error():
    tree, diagnostics = parse("tool t {\n    dur 4 | 8  defualt 4\n}\n", "x.rules")
    assert tree is None and [(d.span.line, d.span.column) for d in diagnostics] == [(2, 16)]
    assert "did you mean `default`" in diagnostics[0].hint


def test_two_parameters_on_one_line_still_read():
    tree, diagnostics = parse("tool t { a 1 | 2  b 3 }\n", "x.rules")
    assert diagnostics == [] and [p.name.text for p in tree.statements[0].params] == ["a", "b"]
