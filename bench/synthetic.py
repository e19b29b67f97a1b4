"""A synthetic rate card of any size: `models` models of one tool, each priced by a grid.

Each model has a `q x dur` grid of rows x cols cells; each cell is one rule,
so the card has models * rows * cols rules. `write_card(folder, rules=100_000)`
writes it as .rules text, the way a product manager would.
"""

from __future__ import annotations

from pathlib import Path

ROWS, COLS = 10, 10


def card_text(models: int) -> str:
    qs = " | ".join(str(q) for q in range(1, ROWS + 1))
    durs = " | ".join(str(d) for d in range(1, COLS + 1))
    out = ["tool synth {", f"    q    {qs}", '    dur  >= 1  unit "s"', "}", ""]
    for m in range(models):
        name = f"M{m:06d}"
        out += [f'model synth "{name}" {{', f"    dur {durs}", "}",
                f'synth "{name}" {{', "    dur    " + " ".join(f"{d:6d}" for d in range(1, COLS + 1))]
        for q in range(1, ROWS + 1):
            out.append(f"    q {q:<3d} -> " + " ".join(f"{(m % 97 + 1) * q * d:6d}" for d in range(1, COLS + 1)))
        out += ["}", ""]
    return "\n".join(out)


def write_card(folder: Path, rules: int = 100_000) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "synth.rules"
    path.write_text(card_text(max(1, rules // (ROWS * COLS))))
    return path
