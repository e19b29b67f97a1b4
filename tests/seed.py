"""The seed help-centre article, read as data: the oracle the bundled card is tested against.

Reading the article's own tables (tests/data/seed.txt, a verbatim copy) keeps the
expected prices independent of rules/.
"""

from __future__ import annotations

import re
from pathlib import Path

import attrs

SEED = Path(__file__).parent / "data" / "seed.txt"


@attrs.frozen
class VideoRow:
    tool: str
    model: str
    audio: bool
    aspects: tuple[str, ...] | None  # None: taken from the image
    resolutions: tuple[int, ...]
    prices: tuple[tuple[int, int], ...]  # (dur, credits)


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start) + len(start): text.index(end, text.index(start))]


def _cells(section: str) -> list[str]:
    return [c.strip() for c in section.replace("\n", " ").split("|") if c.strip()]


def image_prices(tool: str) -> dict[str, int]:
    text = SEED.read_text()
    if tool == "text-to-image":
        section = _section(text, "| Model | Credits per image |", "AI Image to Image")
    else:
        section = _section(text, "| Model | Credits |", "AI Text to Video")
    cells = _cells(section)
    return {cells[i]: int(cells[i + 1]) for i in range(0, len(cells), 2)}


def video_rows() -> list[VideoRow]:
    text = SEED.read_text()
    header = "| Model | With Audio | Aspect Ratio | Resolution | Duration (secs) | Credits |"
    t2v = _section(text, "AI Text to Video", "AI Image to Video")
    i2v = _section(text, "AI Image to Video", "Note: The credit cost")
    rows = []
    for tool, section in (("text-to-video", t2v), ("image-to-video", i2v)):
        cells = _cells(section[section.index(header) + len(header):])
        assert len(cells) % 6 == 0, "the seed's video table changed shape"
        for i in range(0, len(cells), 6):
            model, audio, aspect, res, durs, credits = cells[i: i + 6]
            aspects = None if aspect == "Taken from image" else tuple(a.strip() for a in aspect.split("/"))
            durations = [int(d) for d in durs.split()]
            amounts = [int(c) for c in credits.split()]
            assert len(durations) == len(amounts)
            rows.append(VideoRow(tool=tool, model=model, audio=audio == "Yes", aspects=aspects,
                                 resolutions=tuple(int(r) for r in re.split(r"\s*/\s*", res)),
                                 prices=tuple(zip(durations, amounts))))
    return rows


def video_prices() -> dict[tuple, int]:
    """(tool, model, audio, res, dur) -> credits, for every combination the seed lists."""
    out = {}
    for row in video_rows():
        for res in row.resolutions:
            for dur, credits in row.prices:
                out[(row.tool, row.model, row.audio, res, dur)] = credits
    return out
