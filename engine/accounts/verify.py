"""verify: replay every account's entries and list where the stored balances differ."""

from __future__ import annotations

from collections import defaultdict

from engine.accounts.state import HoldStatus
from engine.accounts.values import GRANTING, SPENDING, Difference, EntryKind

FIGURES = ("plan", "credits", "cycle", "granted", "spent", "held", "expired", "seq",
           "next_plan", "next_credits", "next_cycle")


def replay(entries) -> tuple[dict, dict]:
    """One account's figures and its holds' statuses, from its entries alone (oldest first)."""
    f = dict.fromkeys(FIGURES, 0) | {"plan": None, "next_plan": None, "next_credits": None, "next_cycle": None}
    f["granted_total"] = f["spent_total"] = 0
    holds, amounts = {}, {}
    for e in entries:
        f["seq"] = e.seq
        if e.kind in GRANTING:
            f["granted_total"] += e.credits
        if e.kind in SPENDING:
            f["spent_total"] += e.credits
        if e.kind is EntryKind.SUBSCRIBE:
            f.update(plan=e.plan, credits=e.tier, cycle=e.cycle)
        elif e.kind is EntryKind.GRANT:
            f.update(plan=e.plan, credits=e.tier, cycle=e.cycle, granted=e.credits, spent=0, held=0)
            if f["next_cycle"] is not None and e.cycle >= f["next_cycle"]:
                f.update(next_plan=None, next_credits=None, next_cycle=None)
        elif e.kind is EntryKind.PLAN_CHANGE and e.cycle == f["cycle"]:
            f.update(plan=e.plan, credits=e.tier, granted=f["granted"] + e.credits,
                     next_plan=None, next_credits=None, next_cycle=None)
        elif e.kind is EntryKind.PLAN_CHANGE:
            f.update(next_plan=e.plan, next_credits=e.tier, next_cycle=e.cycle)
        elif e.kind is EntryKind.ADJUSTMENT:
            f["granted"] += e.credits
        elif e.kind is EntryKind.HOLD:
            f["held"] += e.credits
            holds[e.id], amounts[e.id] = HoldStatus.OPEN, e.credits
        elif e.kind is EntryKind.CAPTURE:
            f["held"] -= amounts.get(e.hold, 0)
            f["spent"] += e.credits
            holds[e.hold] = HoldStatus.CAPTURED
        elif e.kind is EntryKind.RELEASE and holds.get(e.hold) is HoldStatus.OPEN:
            f["held"] -= e.credits
            holds[e.hold] = HoldStatus.RELEASED
        elif e.kind is EntryKind.HOLD_EXPIRY:
            f["held"] -= e.credits
            holds[e.hold] = HoldStatus.EXPIRED
        elif e.kind is EntryKind.CHARGE:
            f["spent"] += e.credits
        elif e.kind is EntryKind.EXPIRY:
            f["expired"] += e.credits
    return f, holds


def verify(accounts, holds, entries) -> list[Difference]:
    """[] when every stored figure equals the replay of the entries and credits are conserved."""
    by_account = defaultdict(list)
    for e in entries:
        by_account[e.account].append(e)
    stored_holds = defaultdict(dict)
    for h in holds:
        stored_holds[h.account][h.id] = h.status
    out = []
    for a in accounts:
        figures, replayed_holds = replay(by_account.pop(a.id, []))
        for name in FIGURES:
            if getattr(a, name) != figures[name]:
                out.append(Difference(account=a.id, field=name, stored=getattr(a, name), replayed=figures[name]))
        available = figures["granted"] - figures["spent"] - figures["held"]
        conserved = available + figures["held"] + figures["spent_total"] + figures["expired"]
        if figures["granted_total"] != conserved:
            out.append(Difference(account=a.id, field="conservation", stored=conserved,
                                  replayed=figures["granted_total"]))
        if available < 0:
            out.append(Difference(account=a.id, field="available", stored=available, replayed=0))
        for hold_id in sorted(set(replayed_holds) | set(stored_holds[a.id])):
            stored, replayed = stored_holds[a.id].get(hold_id), replayed_holds.get(hold_id)
            if stored != replayed:
                out.append(Difference(account=a.id, field=f"hold {hold_id}", stored=stored, replayed=replayed))
    for account in sorted(by_account):
        out.append(Difference(account=account, field="account", stored=None, replayed="entries"))
    return out
