"""No overdraft under contention, and nothing lost when a client is killed: both stores."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from engine import accounts
from engine.accounts import EntryKind
from tests.accounts.conftest import T0

ROOT = Path(__file__).resolve().parents[2]
CHARS, PRICE = 2991, 300   # a voiceover of 2,991 characters costs 300 credits
PER_CLIENT = 15            # 12 clients x 15 = 180 attempts at 300 credits; 40,000 covers 133 of them
REQUEST = {"tool": "voiceover", "chars": CHARS}


def _worker(url: str, prefix: str, count: int, chars: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.accounts.worker", url, "acme", prefix, str(count),
                             str(chars), T0.isoformat()], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def _go(processes) -> None:
    for p in processes:
        assert json.loads(p.stdout.readline()) == {"ready": True}
    for p in processes:
        p.stdin.write("go\n")
        p.stdin.close()


def test_no_overdraft_with_8_threads_and_4_processes_on_one_account(url, card):
    book = accounts.open(url, card=card)
    book.subscribe("acme", plan="AI Suite", credits=40000, start=T0)
    processes = [_worker(url, f"p{n}", PER_CLIENT, CHARS) for n in range(4)]
    _go(processes)                           # every process is connected: all start at once
    answers, lock = [], threading.Lock()

    def client(n: int) -> None:
        try:
            spend(n)
        except Exception as exc:  # noqa: BLE001 - the assertion below shows it
            with lock:
                answers.append({"op": f"t{n}", "ok": False, "code": repr(exc)})

    def spend(n: int) -> None:
        for i in range(PER_CLIENT):
            op = f"t{n}-{i}"
            if n % 2:
                result = book.charge("acme", REQUEST, op=op, at=T0)
            else:
                result = book.hold("acme", REQUEST, op=op, at=T0)
            with lock:
                answers.append({"op": op, "ok": result.ok, "code": None if result.ok else str(result.code)})

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for p in processes:
        out = p.stdout.read()   # not communicate(): it would skip what readline() buffered
        assert p.wait(timeout=120) == 0
        answers += [json.loads(line) for line in out.splitlines()]

    assert {a["code"] for a in answers if not a["ok"]} == {"insufficient-credits"}
    assert len(answers) == 12 * PER_CLIENT
    taken = sum(a["ok"] for a in answers)
    assert taken == 40000 // PRICE
    b = book.balance("acme", at=T0)
    assert b.spent + b.held == taken * PRICE <= b.granted == 40000
    assert b.available < PRICE
    history = book.history("acme")
    assert sorted(e.op for e in history if e.kind in (EntryKind.CHARGE, EntryKind.HOLD)) == \
        sorted(a["op"] for a in answers if a["ok"])
    assert book.verify() == []
    book.close()


def test_a_client_killed_mid_stream_loses_no_acknowledged_charge(url, card):
    book = accounts.open(url, card=card)
    book.subscribe("acme", plan="AI Suite", credits=40000, start=T0)
    client = _worker(url, "k", 40000, 10)    # one credit each: it would run for a long time
    acked = []
    _go([client])
    while len(acked) < 25:
        acked.append(json.loads(client.stdout.readline()))
    os.kill(client.pid, signal.SIGKILL)
    rest = client.stdout.read()
    client.wait(timeout=60)
    acked += [json.loads(line) for line in rest.splitlines() if line.endswith("}")]
    assert client.returncode == -signal.SIGKILL and all(a["ok"] for a in acked)

    charged = {e.op for e in book.history("acme") if e.kind is EntryKind.CHARGE}
    assert {a["op"] for a in acked} <= charged
    assert book.verify() == []
    in_flight = f"k-{len(acked)}"            # maybe committed, maybe not: a retry settles it once
    assert book.charge("acme", {"tool": "voiceover", "chars": 10}, op=in_flight, at=T0).ok
    ops = [e.op for e in book.history("acme") if e.kind is EntryKind.CHARGE]
    assert ops.count(in_flight) == 1 and len(ops) == len(set(ops))
    assert book.balance("acme", at=T0).spent == len(ops)
    book.close()


def test_a_cycles_grant_is_written_once_when_many_read_its_start_at_once(url, card):
    with accounts.open(url, card=card) as book:
        book.subscribe("acme", plan="AI Suite", credits=40000, start=T0)
    renewal = T0.replace(month=2, day=28)
    books = [accounts.open(url, card=card) for _ in range(6)]   # a connection each, as processes have
    barrier, seen = threading.Barrier(len(books)), []

    def read(book):
        barrier.wait()
        seen.append(book.balance("acme", at=renewal).granted)

    threads = [threading.Thread(target=read, args=(b,)) for b in books]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [40000] * len(books)
    grants = [e.cycle for e in books[0].history("acme") if e.kind is EntryKind.GRANT]
    assert grants == [0, 1] and books[0].verify() == []
    for b in books:
        b.close()
