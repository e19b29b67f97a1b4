"""Every seed combination as requests, in the forms a service sends (ints, "1080p", "yes"), with
each parameter also left out; shared by the equivalence and cache tests."""

from __future__ import annotations

import itertools

from engine.domain import Domain


def _forms(slot) -> list[object]:
    """Values to try for one slot: what the model offers, in raw and string form, and leaving it out."""
    absent = [_ABSENT]
    offer = slot.offer
    if not isinstance(offer, Domain):
        return absent + ["16:9"]
    if offer.is_finite(64):
        values = list(offer)
    else:
        values = [offer.least(), 7, 123, 10_001]
    unit = slot.param.unit or ""
    extra = [f"{v}{unit}" for v in values if type(v) is int][:2]
    extra += [("yes" if v else "no") for v in values if type(v) is bool]
    return absent + values + extra


_ABSENT = object()


def seed_requests(index) -> list[dict]:
    requests = []
    for tool in index.tools.values():
        for name, model in tool.models.items():
            for combo in itertools.product(*(_forms(s) for s in model.slots)):
                request = {"tool": tool.name}
                if name is not None:
                    request["model"] = name
                for slot, value in zip(model.slots, combo):
                    if value is not _ABSENT:
                        request[slot.param.name] = value
                requests.append(request)
    return requests
