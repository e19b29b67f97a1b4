"""A dated card through every door: the command (quote, --explain, --batch, table, diff, test), the
quote roads (reference, memo, direct, quote_many, batch lines) held to each other slice by slice, the
HTTP service's `at`, and fmt."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

import engine
from engine import batch
from engine.cli import main
from engine.fastpath import make_quoter
from engine.interpreter import quote as reference
from engine.review.expect import Expectation, Unreadable, read
from tests.seed_requests import seed_requests

REAL = Path(__file__).parent / "cases" / "real"
VIDEO = REAL / "video-promotion"
IMAGES = REAL / "image-price-change"
# an instant in every slice of both cards, and each of their dates
TIMES = ["2026-01-01", "2026-11-15T08:59:59Z", "2026-11-15T09:00:00Z", "2026-11-24", "2026-11-30T23:59:59Z",
         "2026-12-01", "2026-12-31T23:59:59.999999Z", "2027-01-01", "2030-01-01"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module", params=[VIDEO, IMAGES], ids=lambda p: p.name)
def dated(request) -> engine.RateCard:
    return engine.load(request.param)


def test_every_quote_road_agrees_in_every_slice(dated):
    for when in TIMES:
        now = dated.at(when)
        requests = seed_requests(now.index)
        expected = [reference(now.index, r) for r in requests]
        memo, _ = make_quoter(now.index)
        assert [memo(r) for r in requests] == expected
        assert [memo(r) for r in requests] == expected  # from the memo
        assert [dated.quote(r, at=when) for r in requests] == expected
        assert dated.quote_many(requests, at=when) == expected
        assert now.quote_many(requests) == expected
        assert {r.effective for r in dated.quote_many(requests, at=when)} == {now.effective}
        lines = [json.dumps(r) for r in requests if all(isinstance(v, (str, int, bool)) for v in r.values())]
        out: list[str] = []
        batch.run(now.quote, [line.encode() for line in lines], out.append, digest=now.digest)
        assert "".join(out) == "".join(batch.encode(batch.line_result(now.quote, line)) for line in lines)
        assert all(json.loads(line)["effective"] == now.effective for line in "".join(out).splitlines())


def test_quote_at_a_time(capsys):
    rules = ("--rules", str(VIDEO))
    assert run(capsys, "quote", "text-to-video", "Wan 2.5", "res=720", "dur=5", "--at", "2026-11-24", *rules)[:2] \
        == (0, "35\n")
    code, out, _ = run(capsys, "quote", "text-to-video", "Wan 2.5", "res=720", "dur=5", "--at",
                       "2026-11-23T23:59:59Z", "--json", *rules)
    assert code == 0 and json.loads(out)["credits"] == 50 and json.loads(out)["effective"] == \
        "2026-11-15T09:00:00Z/2026-11-24T00:00:00Z"
    code, out, err = run(capsys, "quote", "text-to-video", "Veo 3.1", "dur=5", "--at", "2026-11-01", *rules)
    assert code == 1 and "opens on 15 November" in err


@pytest.mark.parametrize("when", ["2026-11-24T10:00", "tomorrow", "2026-13-01", ""])
def test_a_bad_time_is_a_usage_error(capsys, when):
    for argv in (["quote", "voice-clone"], ["table"], ["quote", "--batch", "-"]):
        code, out, err = run(capsys, *argv, "--at", when)
        assert code == 2 and out == "" and err.startswith("ratecard: --at: ") and "Traceback" not in err
    code, _, err = run(capsys, "diff", "rules", "--at", "2026-01-01", "--at", when)
    assert code == 2 and "--at" in err


def test_explain_says_which_slice_priced(capsys):
    code, out, _ = run(capsys, "quote", "text-to-video", "Wan 2.5", "res=720", "dur=5", "--at", "2026-11-24",
                       "--explain", "--rules", str(VIDEO))
    assert code == 0
    assert out.splitlines()[:4] == [
        "35 credits",
        'request: text-to-video "Wan 2.5" res 720, dur 5',
        "version: the prices in effect from 2026-11-24 until 2026-12-01",
        "matched video.rules:23 (res 720)",
    ]
    code, out, _ = run(capsys, "quote", "text-to-video", "Wan 2.5", "res=720", "dur=5", "--at", "2026-11-24",
                       "--explain", "--json", "--rules", str(VIDEO))
    data = json.loads(out)
    assert data["version"] == "from 2026-11-24 until 2026-12-01" and data["result"]["credits"] == 35
    code, out, _ = run(capsys, "quote", "voice-clone", "--explain", "--json")
    assert "version" not in json.loads(out) and "effective" not in json.loads(out)["result"]


def test_table_shows_the_prices_of_a_time(capsys):
    code, out, _ = run(capsys, "table", "--at", "2026-11-24", "--model", "Wan 2.5", "--rules", str(VIDEO))
    assert code == 0 and out.splitlines()[0] == "prices in effect from 2026-11-24 until 2026-12-01"
    assert "35" in out and "50" not in out
    code, out, _ = run(capsys, "table", "--at", "2026-11-24", "--format", "json", "--model", "Wan 2.5",
                       "--rules", str(VIDEO))
    assert {row["credits"] for row in json.loads(out)} == {35, 70, 140}
    plain = run(capsys, "table")[1]
    assert run(capsys, "table", "--at", "2031-01-01")[1] == plain  # no dates: the same sheet at any time


def test_diff_compares_a_card_with_itself_at_two_times(capsys):
    code, out, _ = run(capsys, "diff", str(VIDEO), "--at", "2026-11-23", "--at", "2026-11-24")
    assert code == 1
    assert out.startswith("comparing the prices in effect from 2026-11-15T09:00:00Z until 2026-11-24 with the "
                          "prices in effect from 2026-11-24 until 2026-12-01\n")
    assert 'text-to-video "Wan 2.5"' in out and "Kling" not in out and "4 repriced" in out
    code, out, _ = run(capsys, "diff", str(VIDEO), "--at", "2026-11-24", "--at", "2026-11-30", "--format", "json")
    assert (code, json.loads(out)) == (0, [])
    code, _, err = run(capsys, "diff", str(VIDEO), "--at", "2026-11-24")
    assert code == 2 and "two times" in err


def test_expectations_take_a_time(tmp_path):
    text = "at 2026-11-24\nvideo -> 1\nvideo -> 2\nat 2027-01-01T09:00:00+01:00\nvideo -> 3\nat soon\nat\n"
    items = list(read(text, "x.expect"))
    assert [i.at for i in items if isinstance(i, Expectation)] == ["2026-11-24", "2026-11-24",
                                                                   "2027-01-01T09:00:00+01:00"]
    bad = [i for i in items if isinstance(i, Unreadable)]
    assert [(b.line, b.column) for b in bad] == [(6, 4), (7, 1)] and "not a time" in bad[0].message


def test_a_failed_expectation_says_its_time(tmp_path, capsys):
    (tmp_path / "v.expect").write_text('at 2026-11-24\ntext-to-video "Wan 2.5" res 720 dur 5 -> 50\n')
    code, out, _ = run(capsys, "test", str(tmp_path / "v.expect"), "--rules", str(VIDEO))
    assert code == 1 and 'FAIL text-to-video "Wan 2.5" res 720 dur 5 (at 2026-11-24)' in out
    code, out, _ = run(capsys, "test", str(tmp_path / "v.expect"), "--rules", str(VIDEO), "--format", "json")
    assert json.loads(out)["failures"][0]["at"] == "2026-11-24"


def test_fmt_keeps_dates_and_their_layout_is_stable():
    from engine.fmt import format_text

    messy = textwrap.dedent("""\
        tool t { n >= 1 }
        t n 1 ->   5   until 2026-12-01T09:30Z # promo
        t n >= 2 -> 2*n until 2027-01-01
        t n 1 -> 6 from    2026-12-01T09:30Z   until 2027-01-01
        from 2027-01-01   until 2028-01-01 {
        t n >= 2 -> 3 * n
          t n 1 -> 7
        }
        t 4 * n   from 2028-01-01
    """)
    tidy = format_text(messy)
    assert format_text(tidy) == tidy
    assert tidy.splitlines()[1:] == [
        "t n 1    -> 5     until 2026-12-01T09:30Z  # promo",
        "t n >= 2 -> 2 * n until 2027-01-01",
        "t n 1    -> 6     from 2026-12-01T09:30Z until 2027-01-01",
        "from 2027-01-01 until 2028-01-01 {",
        "    t n >= 2 -> 3 * n",
        "    t n 1    -> 7",
        "}",
        "t 4 * n from 2028-01-01",
    ]
    for when in ("2026-01-01", "2026-12-01T09:30:00Z", "2027-06-01", "2029-01-01"):
        for n in (1, 2, 5):
            request = {"tool": "t", "n": n}
            assert engine.loads(tidy).quote(request, at=when) == engine.loads(messy).quote(request, at=when)


def test_fmt_lays_out_the_real_cards_as_they_are():
    from engine.fmt import format_text

    for path in sorted(REAL.rglob("*.rules")):
        assert format_text(path.read_text()) == path.read_text(), path


# ---------------------------------------------------------------- the service


@pytest.fixture(scope="module")
def client():
    pytest.importorskip("starlette", reason="the service extra (starlette) is not installed")
    from starlette.testclient import TestClient

    from engine.service import app

    with TestClient(app(engine.load(VIDEO))) as c:
        yield c


WAN = {"tool": "text-to-video", "model": "Wan 2.5", "res": 720, "dur": 5}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_service_prices_at_the_time_asked(client):
    card = engine.load(VIDEO)
    for when in TIMES:
        response = client.post("/quote", params={"at": when}, json=WAN)
        assert response.json() == card.quote(WAN, at=when).to_json()
    assert client.post("/quote", params={"at": "2026-11-24"}, json=WAN).json()["effective"] == \
        "2026-11-24T00:00:00Z/2026-12-01T00:00:00Z"
    lines = client.post("/quote/batch", params={"at": "2026-11-24"}, content=json.dumps(WAN) + "\n",
                        headers={"content-type": "application/x-ndjson"}).text
    assert json.loads(lines)["credits"] == 35
    assert [r["credits"] for r in client.post("/quote/batch", params={"at": "2026-12-01"}, json=[WAN]).json()] == [50]
    explained = client.post("/explain", params={"at": "2026-11-24"}, json=WAN).json()
    assert "version: the prices in effect from 2026-11-24 until 2026-12-01" in explained["explanation"]
    rows = client.get("/sheet", params={"at": "2026-11-24", "model": "Wan 2.5"}).json()
    assert {r["credits"] for r in rows} == {35, 70, 140}
    rows = client.get("/sheet", params={"at": "2026-12-24", "model": "Wan 2.5"}).json()
    assert {r["credits"] for r in rows} == {50, 100, 200}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("path, method", [("/quote", "post"), ("/quote/batch", "post"), ("/explain", "post"),
                                          ("/sheet", "get")])
def test_the_service_refuses_a_time_that_is_none(client, path, method):
    kwargs = {"json": [WAN] if path == "/quote/batch" else WAN} if method == "post" else {}
    response = getattr(client, method)(path, params={"at": "2026-11-24 10:00"}, **kwargs)
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["param"]) == ("invalid-request", "at") and "time zone" in body["message"]
