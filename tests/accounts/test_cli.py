"""`ratecard accounts`: the same operations on the command line, --json on each, exit 0/1/2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import engine
from engine.cli import main

AT = ["--at", "2026-01-31T12:00:00+00:00"]
LATER = ["--at", "2026-02-07T12:00:00+00:00"]


def run(capsys, *argv):
    code = main(["accounts", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, _ = run(capsys, *argv, "--json")
    return code, json.loads(out)


def test_every_subcommand_with_json(url, capsys):
    db = ["--db", url]
    code, sub = run_json(capsys, *db, "subscribe", "acme", "--plan", "AI Suite", "--credits", "40000", *AT)
    assert (code, sub["type"], sub["cycle_end"]) == (0, "Subscription", "2026-02-28T12:00:00+00:00")
    code, charged = run_json(capsys, *db, "charge", "acme", "text-to-video", "Sora 2 Pro", "res=1080", "dur=12",
                             "--op", "gen-1", *AT)
    assert (code, charged["ok"], charged["credits"], charged["rule"]) == (0, True, 11400, "video.rules:89")
    code, held = run_json(capsys, *db, "hold", "acme", "voiceover", "chars=1234", "--op", "gen-2", "--ttl", "600", *AT)
    assert (code, held["credits"], held["expires"]) == (0, 124, "2026-01-31T12:10:00+00:00")
    code, done = run_json(capsys, *db, "capture", held["id"], "--op", "gen-2-done", "--credits", "100", *AT)
    assert (code, done["credits"], done["released"]) == (0, 100, 24)
    code, held = run_json(capsys, *db, "hold", "acme", "voiceover", "chars=10", "--op", "gen-3", *AT)
    code, released = run_json(capsys, *db, "release", held["id"], "--op", "gen-3-failed", *AT)
    assert (code, released["credits"]) == (0, 1)
    code, change = run_json(capsys, *db, "change-plan", "acme", "--plan", "AI Suite", "--credits", "240000", *LATER)
    assert (code, change["immediate"], change["added"], change["fraction_left"]) == (0, True, 200000, "3/4")
    code, adjusted = run_json(capsys, *db, "adjust", "acme", "500", "--reason", "ticket 9", "--op", "fix-9", *LATER)
    assert (code, adjusted["credits"]) == (0, 500)
    code, balance = run_json(capsys, *db, "balance", "acme", *LATER)
    assert (code, balance["granted"], balance["spent"], balance["available"]) == (0, 240500, 11500, 229000)
    code, history = run_json(capsys, *db, "history", "acme")
    assert code == 0 and [e["kind"] for e in history["history"]] == [
        "subscribe", "grant", "charge", "hold", "capture", "release", "hold", "release", "plan-change", "adjustment"]
    assert run_json(capsys, *db, "verify") == (0, {"ok": True, "differences": []})


def test_text_output_and_exit_codes(url, capsys):
    db = ["--db", url]
    assert run(capsys, *db, "subscribe", "acme", "--plan", "AI Suite", "--credits", "40000", *AT)[0] == 0
    code, out, _ = run(capsys, *db, "charge", "acme", "voiceover", "chars=1234", "--op", "g1", *AT)
    assert (code, out) == (0, "spent 124 credits as acme#3 (voiceover.rules:14)\n")
    code, out, _ = run(capsys, *db, "balance", "acme", *AT)
    assert code == 0 and "available        39,876" in out
    code, out, err = run(capsys, *db, "charge", "nobody", "voiceover", "chars=3", "--op", "g2", *AT)
    assert (code, out) == (1, "") and "refused [unknown-account]" in err
    assert run_json(capsys, *db, "charge", "acme", "voiceover", "chars=1234", "dur=3", "--op", "g3", *AT) == \
        (1, {"ok": False, "code": "unknown-param", "param": "dur",
             "message": "voiceover does not take `dur`. It takes `chars`, `plan` and `text`.",
             "digest": engine.load().digest})  # the card that refused it
    code, out, err = run(capsys, *db, "charge", "acme", "voiceover", "chars=99", "--op", "g1", *AT)
    assert code == 2 and "conflict" in err and "Traceback" not in err
    code, out, err = run(capsys, *db, "balance", "acme", "--at", "2026-01-31T12:00:00")
    assert code == 2 and "naive-datetime" in err
    code, out, err = run(capsys, *db, "balance", "acme", "--at", "yesterday")
    assert code == 2 and "not an ISO 8601 time" in err


def test_usage_and_store_errors_exit_2(capsys, tmp_path):
    for argv in (["charge", "acme", "voiceover"], ["frobnicate"], ["subscribe", "acme", "--credits", "many"]):
        with pytest.raises(SystemExit) as exit_:   # argparse's own exit, with the usage on stderr
            main(["accounts", "--db", f"sqlite:///{tmp_path}/x.db", *argv])
        assert exit_.value.code == 2 and "usage: ratecard accounts" in capsys.readouterr().err
    code, _, err = run(capsys, "--db", "mysql://host/x", "verify")
    assert code == 2 and "bad-url" in err
    code, _, err = run(capsys, "--db", f"sqlite:///{tmp_path}/no/such/dir/x.db", "verify")
    assert code == 2 and "store: cannot open" in err


def test_without_db_it_uses_the_user_data_folder_and_says_so(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    code, out, err = run(capsys, "verify")
    where = tmp_path / "data" / "ratecard" / "credits.db"
    assert code == 0 and f"using sqlite:///{where}" in err and where.is_file()


def test_the_installed_command_runs_it(tmp_path):
    done = subprocess.run([sys.executable, "-m", "engine.cli", "accounts", "--db", f"sqlite:///{tmp_path}/c.db",
                           "subscribe", "acme", "--plan", "AI Suite", "--credits", "40000", "--json"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and json.loads(done.stdout)["plan"] == "AI Suite"
    listed = subprocess.run([sys.executable, "-m", "engine.cli", "--help"], capture_output=True, text=True)
    assert "accounts" in listed.stdout


def test_subscribe_retried_without_a_start_returns_the_first_answer(url, capsys):
    first = run_json(capsys, "--db", url, "subscribe", "acme", "--plan", "AI Suite", "--credits", "40000")
    again = run_json(capsys, "--db", url, "subscribe", "acme", "--plan", "AI Suite", "--credits", "40000")
    assert first == again and first[0] == 0
    code, history = run_json(capsys, "--db", url, "history", "acme")
    assert len(history["history"]) == 2


def test_a_rate_card_with_errors_is_a_usage_error(capsys, tmp_path):
    bad = tmp_path / "bad.rules"
    bad.write_text("tool voiceover {\n")
    code, out, err = run(capsys, "--db", f"sqlite:///{tmp_path}/x.db", "--rules", str(bad), "verify")
    assert (code, out) == (2, "") and "cannot load the rate card" in err and "bad.rules:" in err
