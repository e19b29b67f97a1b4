"""`ratecard fmt`: one canonical layout, idempotent, comments kept, prices never changed."""

import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.cli import main
from engine.fmt import FormatError, format_text
from engine.fmt.layout import join, tokenize
from engine.sheet import price_sheet
from engine.sources import Source

RULES = Path(__file__).parent.parent / "rules"
EXAMPLES = int(os.environ.get("RATECARD_FMT_EXAMPLES", "25"))
RESPACINGS = int(os.environ.get("RATECARD_FMT_EXAMPLES", "8"))  # six files each

MESSY = textwrap.dedent('''\


    # A messy card.
    round   up
    tool clip,animate{
      res 720|1080 unit "p"   # resolution
        dur >=1 unit "s"
      aspect "16:9"|"1:1" unpriced
    }
    group motion=clip , animate



    model motion "M1" aka "M-1"{
    res 720 | 1080
     aspect none "taken from the picture" for animate
    }
    model clip "Short"
    model clip "A much longer name" aka "Long"
    motion "M1"{
       dur 5    10 # seconds

    # the big one
     res 720 -> 100 200
      res 1080->150    ceil( dur*30 / 2 )
    }
    clip "Short"  -> 7*dur
    clip "A much longer name" ->reject "not yet"   # soon
''')


def test_a_messy_file_formatted(snapshot):
    assert format_text(MESSY) == snapshot


def test_comments_are_kept_verbatim():
    out = format_text(MESSY)
    comments = [tokenize(line)[1] for line in MESSY.splitlines() if tokenize(line)[1]]
    assert [tokenize(line)[1] for line in out.splitlines() if tokenize(line)[1]] == comments


def test_the_bundled_card_is_formatted():
    for path in sorted(RULES.glob("*.rules")):
        text = path.read_text()
        assert format_text(text, path.name) == text, path.name


def test_a_file_that_does_not_parse_is_refused():
    with pytest.raises(FormatError, match="does not parse"):
        format_text('video "Sora 2" dur 4 800\n', "bad.rules")


# ---------------------------------------------------------------- properties


def _sheet(card):
    return [(r.tool, r.model, r.params, r.credits, r.reason) for r in price_sheet(card)]


def _perturb(text: str, rnd: random.Random) -> str:
    """The same tokens and comments with different spacing, and blank lines where there were some."""
    out = []
    for line in text.splitlines():
        tokens, comment = tokenize(line)
        if not tokens and comment is None:
            out += [" " * rnd.randint(0, 3)] * rnd.randint(1, 3)
            continue
        words = [tok + " " * rnd.randint(0 if tok in "(){}" else 1, 3) for tok in tokens]
        code = " " * rnd.randint(0, 6) + "".join(words)
        if comment is not None:
            code += ("" if not tokens else " " * rnd.randint(0, 4)) + comment
        out.append(code + " " * rnd.randint(0, 2))
    return "\n".join(out) + "\n" * rnd.randint(0, 3)


@settings(max_examples=RESPACINGS, deadline=None)
@given(st.randoms(use_true_random=False))
def test_respacing_the_bundled_card_formats_back_to_it(rnd):
    for path in sorted(RULES.glob("*.rules")):
        text = path.read_text()
        assert format_text(_perturb(text, rnd), path.name) == text


def test_formatting_the_bundled_card_keeps_its_price_sheet(card, tmp_path):
    sources = [Source(name=p.name, path=p.name, text=format_text(_perturb(p.read_text(), random.Random(7))))
               for p in sorted(RULES.glob("*.rules"))]
    assert _sheet(engine.RateCard.from_sources(sources)) == _sheet(card)


# generated cards: random models, grids, one-line rules, formulas, comments and spacing

_space = st.sampled_from([" ", "  ", "\t", "   "])
_comment = st.one_of(st.none(), st.sampled_from(["# note", "#x", "# price | 12 -> 3 \"q\""]))


@st.composite
def cards(draw):
    sp = lambda: draw(_space)  # noqa: E731
    lines = []
    if draw(st.booleans()):
        lines.append(f"round{sp()}{draw(st.sampled_from(['up', 'down']))}")
    plans = draw(st.booleans())
    if plans:
        lines += ['plan "Pro"  allows all', f'plan{sp()}"Go" allows{sp()}clip']
    lines += ["tool clip {", f"{sp()}res{sp()}720 | 1080{sp()}unit \"p\"",
              f"dur{sp()}>= 1{sp()}|{sp()}unset", f"{sp()}aspect \"16:9\"|\"1:1\"{sp()}unpriced"]
    if draw(st.booleans()):  # a long text domain, and a text counted leaving things out
        voices = draw(st.lists(st.text("abcdefgh ", min_size=1, max_size=20), min_size=1, max_size=6, unique=True))
        lines.append(f"voice{sp()}" + "|".join(f'"{v}"' for v in voices) + f"{sp()}default \"{voices[0]}\""
                     + f"{sp()}unpriced")
        lines.append(f"words{sp()}>= 0{sp()}from{sp()}script{sp()}not counting{sp()}"
                     + draw(st.sampled_from(["whitespace", "tags", "whitespace,tags", "tags ,  whitespace"])))
    lines.append("}")
    for i in range(draw(st.integers(1, 4))):
        name = f'"M{i}{"x" * draw(st.integers(0, 8))}"'
        res = draw(st.sampled_from([[720], [1080], [720, 1080]]))
        durs = sorted(draw(st.sets(st.integers(1, 20), min_size=1, max_size=4)))
        lines.append(f"model clip {name} {{")
        lines.append(f"{sp()}res{sp()}{' | '.join(map(str, res))}")
        style = draw(st.sampled_from(["grid", "lines", "formula", "unset"] + (["plans", "plan grid"] if plans else [])))
        unset = "|unset" if style == "unset" else ""
        lines.append(f"dur{sp()}{'|'.join(map(str, durs))}{unset}{sp()}" + (draw(_comment) or ""))
        lines.append("}")
        prices = {(r, d): draw(st.integers(1, 5000)) for r in res for d in durs}
        if style == "grid":
            lines.append(f"clip{sp()}{name}{sp()}{{")
            lines.append(f"dur{sp()}" + sp().join(map(str, durs)))
            if draw(st.booleans()):
                lines.append(draw(_comment) or "")
            for r in res:
                cells = sp().join(draw(st.sampled_from([str(prices[r, d]), "free", f"max({prices[r, d]},dur)"]))
                                  for d in durs)
                lines.append(f"{sp()}res {r}{sp()}->{sp()}{cells}{sp()}" + (draw(_comment) or ""))
            lines.append("}")
        elif style == "lines":
            for r in res:
                for d in durs:
                    lines.append(f"clip {name}{sp()}res {r}{sp()}dur {d}{sp()}->{prices[r, d]}"
                                 + (sp() + "# c" if draw(st.booleans()) else ""))
        elif style == "unset":  # a price per second when a duration is given, one price when not
            for r in res:
                lines.append(f"clip {name} res {r} dur{sp()}>= 1 -> {draw(st.integers(1, 99))} * dur")
                lines.append(f"clip {name}{sp()}res {r} dur unset{sp()}->{prices[r, durs[0]]}")
        elif style == "plans":
            for r in res:
                for d in durs:
                    lines.append(f'clip {name} res {r} dur {d} plan{sp()}"Pro" -> {prices[r, d]}')
                    lines.append(f'clip {name} res {r} dur {d} plan "Go"{sp()}|{sp()}unset -> {prices[r, d] + 1}')
        elif style == "plan grid":
            lines.append(f"clip{sp()}{name}{sp()}{{")
            lines.append(f'plan{sp()}"Pro"{sp()}"Go"{sp()}unset')
            for r in res:
                for d in durs:
                    cells = sp().join(str(prices[r, d] + k) for k in range(3))
                    lines.append(f"{sp()}res {r} dur {d}{sp()}->{sp()}{cells}")
            lines.append("}")
        else:
            k, div = draw(st.integers(1, 100)), draw(st.integers(1, 9))
            for r in res:
                lines.append(draw(st.sampled_from([
                    f"clip {name} res {r} -> ceil({sp()}dur*{k}/{div}{sp()}) + {r}",
                    f"clip {name} res {r} -> max({sp()}{k} ,dur*{div}{sp()}, min( dur , {r} ))",
                    f"clip {name} res {r} ->free"])))
        for _ in range(draw(st.integers(0, 2))):
            lines.append(draw(st.sampled_from(["", "# comment", "   "])))
    return "\n".join(lines) + "\n"


@settings(max_examples=EXAMPLES, deadline=None)
@given(cards())
def test_formatting_generated_cards_is_idempotent_and_keeps_prices(text):
    before = engine.loads(text, "gen.rules")
    once = format_text(text, "gen.rules")
    assert format_text(once, "gen.rules") == once
    assert _sheet(engine.loads(once, "gen.rules")) == _sheet(before)


def test_join_spacing():
    assert join(["ceil", "(", "chars", "/", "10", ")"]) == "ceil(chars / 10)"
    assert join(["inputs", "1", "..", "3"]) == "inputs 1..3"
    assert join(["plan", '"A"', "allows", "voiceover", ",", "voice-clone"]) == 'plan "A" allows voiceover, voice-clone'


# ---------------------------------------------------------------- the command


def test_cli_check_and_write(tmp_path, capsys):
    path = tmp_path / "messy.rules"
    path.write_text(MESSY)
    assert main(["fmt", "--check", str(path)]) == 1
    assert capsys.readouterr().out == f"would reformat {path}\n"
    assert path.read_text() == MESSY
    assert main(["fmt", str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"reformatted {path}\n"
    assert main(["fmt", "--check", str(path)]) == 0
    assert capsys.readouterr().out == ""


def test_cli_syntax_error_and_missing_path_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.rules"
    bad.write_text('video "Sora 2" dur 4 800\n')
    assert main(["fmt", str(bad)]) == 2
    assert "error[E001 syntax]" in capsys.readouterr().err
    assert main(["fmt", str(tmp_path / "nope.rules")]) == 2
    assert "cannot find" in capsys.readouterr().err


def test_smoke_subprocess():
    done = subprocess.run([sys.executable, "-m", "engine.cli", "fmt", "--check", str(RULES)],
                          capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stdout + done.stderr


def test_braces_get_lines_of_their_own():
    text = 'tool clip { res 720 | 1080\n  dur >= 1 }\nmodel clip "M" { dur 5 | 10 }\nclip "M" { dur 5 10\nres 720 -> 1 2\nres 1080 -> 3 4\n}\n'
    assert format_text(text) == textwrap.dedent('''\
        tool clip {
            res     720 | 1080
            dur     >= 1
        }
        model clip "M" { dur 5 | 10 }
        clip "M" {
            dur            5      10
            res 720    ->  1      2
            res 1080   ->  3      4
        }
        ''')
