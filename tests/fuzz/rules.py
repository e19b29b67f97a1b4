"""Target `rules`: mutated rules text through every command.

A case is a set of .rules files: the bundled card with one file mutated, a
test case mutated, or a random card (mutated or not). In a child process
limited in CPU time and memory (tests.fuzz.isolate) it checks that:

- loading the folder gives a RateCard or raises RateCardError, nothing else;
- `engine.loads` of a single file's text agrees with loading the file;
- `ratecard check` (text, json, github), `table`, `diff` (against the file set
  before the mutation), `fmt --check`, `fmt` and `quote` (--json, --explain)
  print no traceback and exit with a documented status that agrees with
  whether the card loads;
- `ratecard fmt` lays out every card that loads, and the result loads to the
  same price sheet;
- the quote paths agree with the reference on requests built from the card.
A sample of cases also runs the command in a separate process.
"""

from __future__ import annotations

import json
import random
import re
import tempfile
from pathlib import Path

import engine
from engine.cli import request_from_words
from engine.diagnostics import on_screen, source_lines
from engine.interpreter import quote as reference
from engine.results import dated, stamped
from engine.sheet import price_sheet
from engine.sources import normalise
from tests.fuzz import cards, quoting
from tests.fuzz.core import Finding, expect
from tests.fuzz.isolate import bounded
from tests.fuzz.loading import cli, cli_subprocess, warm
from tests.fuzz.mutate import mutate


FILE_NAMES = ["a,b.rules", "x:y.rules", "with space.rules", "per%cent.rules", "ſ.rules"]
GITHUB_PROPS = re.compile(r"^::(error|warning|notice) ((?:[a-zA-Z]+=[^,:]*)(?:,[a-zA-Z]+=[^,:]*)*)::")


def generate(rng: random.Random) -> dict:
    roll = rng.random()
    donors = [t for _, t in cards.corpus()]
    if roll < 0.45:
        files = [[n.removeprefix("rules/"), t] for n, t in cards.bundled()]
        at = rng.randrange(len(files))
        original = [list(f) for f in files]
        files[at][1] = mutate(files[at][1], rng, donors)
    elif roll < 0.7:
        name, text = rng.choice(cards.corpus())
        base = rng.choice([Path(name).name] * 3 + FILE_NAMES)
        original = [[base, text]]
        files = [[base, mutate(text, rng, donors)]]
    else:
        text = cards.random_card(rng)
        base = rng.choice(["card.rules"] * 3 + FILE_NAMES)
        original = [[base, text]]
        files = [[base, mutate(text, rng, donors) if rng.random() < 0.5 else text]]
    return {"files": files, "original": original, "seed": rng.randrange(1 << 30),
            "subprocess": rng.random() < 0.04}


def _write(folder: Path, files: list) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files:
        (folder / name).write_bytes(text.encode("utf-8", "surrogatepass"))


def _load(path) -> engine.RateCard | None:
    try:
        return engine.load(path, use_cache=False).at()  # a card with dates: as it prices now, as the command does
    except engine.RateCardError:
        return None
    except Exception as exc:  # noqa: BLE001 - the finding
        raise Finding(f"load raised {type(exc).__name__}", repr(exc)[:300]) from exc


def _sheet(card: engine.RateCard) -> list:
    return [(r.tool, r.model, r.params, r.credits, r.reason) for r in price_sheet(card)]


def check(case: dict) -> None:
    warm()
    bounded(lambda: _check(case))


def _check(case: dict) -> None:
    with tempfile.TemporaryDirectory(prefix="ratecard-fuzz-") as tmp:
        root = Path(tmp)
        card_dir, old_dir = root / "card", root / "old"
        _write(card_dir, case["files"])
        _write(old_dir, case["original"])
        card = _load(card_dir)
        if len(case["files"]) == 1:
            _agrees_with_loads(case["files"][0][1], card)
        ran = cli(["check", str(card_dir)])
        expect(ran.code == (0 if card is not None else 1), "check's exit status disagrees with load",
               f"check exit {ran.code}, card {'loads' if card else 'does not load'}\n{ran.out[-500:]}")
        _carets(ran.out, case["files"], card_dir)
        ran = cli(["check", "--format", "github", str(card_dir)])
        for line in ran.out.splitlines():
            if line.startswith("::"):
                expect(GITHUB_PROPS.match(line), "check --format github: an annotation whose properties do not "
                       "parse (unescaped , or : in a value)", line[:300])
        rng = random.Random(case["seed"])
        if rng.random() < 0.3:
            ran = cli(["check", "--format", "json", str(card_dir)])
            try:
                shown = json.loads(ran.out)
            except ValueError:
                raise Finding("check --format json printed no JSON", ran.out[:300]) from None
            expect(isinstance(shown, list), "check --format json printed no list")
        ran = cli(["diff", str(old_dir), str(card_dir)])
        expect(ran.code in (0, 1, 2), "diff exit status", str(ran.code))
        expect(ran.code != 2 or card is None or _load(old_dir) is None, "diff refused two cards that load",
               ran.err[-300:])
        ran = cli(["fmt", "--check", str(card_dir)])
        expect(ran.code in (0, 1, 2), "fmt --check exit status", str(ran.code))
        if card is None:
            cli(["table", "--rules", str(card_dir)])
            cli(["quote", "--rules", str(card_dir), "--json", "t"])
            return
        expect(ran.code in (0, 1), "fmt --check refuses a card that loads", ran.err[-600:])
        ran = cli(["table", "--rules", str(card_dir)])
        expect(ran.code == 0, "table refuses a card that loads", ran.err[-300:])
        if rng.random() < 0.3:
            cli(["table", "--rules", str(card_dir), "--format", rng.choice(["json", "csv", "md"])])
        requests = [quoting.base_request(card.index, rng) for _ in range(4)]
        quoting.check_paths(card, requests, [[] for _ in requests])
        for request in requests[:2]:
            words = [_word(request.get("tool", "t")), _word(request.get("model"))]
            words += [f"{k}={_word(v)}" for k, v in request.items() if type(k) is str and k not in ("tool", "model")
                      and "=" not in k and _word(v) is not None]
            words = [w for w in words if w is not None]
            _quote_words(card, card_dir, words, explain=rng.random() < 0.5)
        ran = cli(["fmt", str(card_dir)])
        expect(ran.code == 0, "fmt refuses a card that loads", ran.err[-600:])
        formatted = _load(card_dir)
        expect(formatted is not None, "the formatted card does not load")
        expect(_sheet(formatted) == _sheet(card), "fmt changed the price sheet")
        if case.get("subprocess"):
            for argv in (["check", str(card_dir)], ["table", "--rules", str(card_dir)],
                         ["quote", "--rules", str(card_dir), "--batch", "-"]):
                lines = "".join(quoting._json_line(r, True) + "\n" for r in requests
                                if quoting._json_line(r, True) is not None).encode()
                cli_subprocess(argv, stdin=lines if "--batch" in argv else b"")


def _word(value) -> str | None:
    """A request value as a command-line word, where it has one."""
    if type(value) not in (int, str, bool) or (type(value) is int and abs(value) >= 10 ** 4000):
        return None
    return str(value)


def _quote_words(card, card_dir: Path, words: list[str], explain: bool) -> None:
    words = [w for w in words if not w.startswith("-")]
    if not words or any("\x00" in w for w in words):
        return
    request = request_from_words(words)
    want = stamped(request if isinstance(request, engine.Rejection) else reference(card.index, request), card.digest)
    if card.effective is not None:  # a dated card's answer names its slice of time
        want = dated(want, card.digest, card.effective)
    ran = cli(["quote", "--rules", str(card_dir), "--json", *words])
    expect(ran.code == (0 if want.ok else 1), "quote --json exit status", f"{ran.code} for {want!r:.200}")
    try:
        got = json.loads(ran.out)
    except ValueError:
        raise Finding("quote --json printed no JSON", ran.out[:300] + ran.err[-300:]) from None
    expect(got == json.loads(json.dumps(want.to_json())), "quote --json differs from the reference",
           f"{words!r:.200}: {got!r:.200} vs {want!r:.200}")
    if not explain:
        return
    ran = cli(["quote", "--rules", str(card_dir), "--explain", *words])
    expect(ran.code == (0 if want.ok else 1), "quote --explain exit status", f"{ran.code}")


def _agrees_with_loads(text: str, from_file: engine.RateCard | None) -> None:
    try:
        from_text = engine.loads(text, "card.rules")
    except engine.RateCardError:
        from_text = None
    except Exception as exc:  # noqa: BLE001 - the finding
        raise Finding(f"loads raised {type(exc).__name__}", repr(exc)[:300]) from exc
    expect((from_text is None) == (from_file is None), "engine.loads and engine.load disagree on a text",
           f"loads: {'ok' if from_text else 'error'}, load: {'ok' if from_file else 'error'}")
    if from_text is not None:
        expect(_sheet(from_text) == _sheet(from_file), "engine.loads and engine.load give different price sheets")


HEADER = re.compile(r"^(.*):([0-9]+):([0-9]+): (?:error|warning)\[")
SOURCE = re.compile(r"^ *([0-9]+) \| (.*)$")
CARET = re.compile(r"^ *\| ( *)\^")


def _carets(out: str, files: list, card_dir: Path) -> None:
    """Under each diagnostic, the caret stands under the character the diagnostic's column names.

    The line is taken as the loader reads it (engine.sources.normalise: no byte-order mark, every line
    ending a "\n") and split as the renderer splits it; where a character stands on screen is what the
    renderer's own display says (engine.diagnostics.on_screen: tabs expanded, control characters shown
    as their pictures, wide characters two columns), so this checks where the caret is put, not how a
    line is drawn.
    """
    texts = {str(card_dir / name): normalise(text) for name, text in files}
    lines = out.split("\n")
    for i, line in enumerate(lines[:-2]):
        head = HEADER.match(line)
        if not head or head.group(1) not in texts:
            continue
        number, column = int(head.group(2)), int(head.group(3))
        source = source_lines(texts[head.group(1)])
        if number > len(source):
            continue
        original = source[number - 1]
        # the excerpt, when there is one: a gutter line, the numbered source line, the carets
        shown, caret = SOURCE.match(lines[i + 2]), CARET.match(lines[i + 3]) if i + 3 < len(lines) else None
        if not shown or shown.group(1) != str(number) or not caret or column - 1 > len(original):
            continue
        drawn, at = on_screen(original)
        detail = f"line {original!r:.120} column {column}\n{lines[i + 2]}\n{lines[i + 3]}"
        expect(shown.group(2) == drawn, "check: the source line under a diagnostic is not the line the "
               "diagnostic names", detail)
        expect(len(caret.group(1)) == at[column - 1],
               "check: the caret is not under the character the diagnostic names", detail)
