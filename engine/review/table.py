"""`ratecard table`: the price sheet laid out for people (text, Markdown) and programs (CSV, JSON).

The rows come from engine.sheet, the same function the price-sheet snapshots
use. A text or Markdown table is a set of grids, one per tool and shape: the
model's last priced parameter runs across (durations, images, characters),
the others run down (audio, resolution), and the models of one tool that
share a shape share a grid, as the seed's own tables do.
"""

from __future__ import annotations

import csv
import enum
import io
import json
from fractions import Fraction

import attrs

from engine.domain import is_unset, show_value
from engine.ratecard import RateCard
from engine.results import json_number
from engine.sheet import Row, axes, json_params, model_rows, models


class Format(enum.Enum):
    TEXT = "text"
    MD = "md"
    CSV = "csv"
    JSON = "json"


@attrs.frozen
class Line:
    """One row of a grid: a model, its values of the row parameters, and a sheet row per column."""

    model: str | None
    labels: tuple[object, ...]
    cells: tuple[Row | None, ...]  # None: a combination the sheet does not show


@attrs.frozen
class Grid:
    tool: str
    has_models: bool
    down: tuple[str, ...]            # the row parameters
    across: str | None               # the column parameter; None when the tool takes none
    columns: tuple[object, ...]
    lines: tuple[Line, ...]
    unit: str | None = None          # what the prices are in, when not credits (USD)


MAX_COLUMNS = 12  # a parameter with more values than this runs down the sheet, one row per value


class UnknownName(ValueError):
    """A --tool or --model the card does not have; the message suggests the nearest name."""


def tools_named(card: RateCard, tool: str | None, model: str | None = None) -> tuple[str, ...] | None:
    """The tools `--tool` names (a tool, or a group of tools); None for all. UnknownName when the
    card has no such tool or group, or no such model among those tools."""
    from engine.names import did_you_mean

    tools = None
    if tool is not None:
        if tool in card.card.tools:
            tools = (tool,)
        elif tool in card.card.groups:
            tools = tuple(card.card.groups[tool])
        else:
            hint = did_you_mean(tool, list(card.card.tools) + list(card.card.groups))
            raise UnknownName(f"there is no tool {tool!r}{hint}")
    if model is not None and not _models(card, tools, model):
        where = f" of {tool}" if tool else ""
        names = {n for m in _models(card, tools, None) for n in (m.name, *m.aliases) if n is not None}
        raise UnknownName(f"there is no model {model!r}{where}{did_you_mean(model, sorted(names), chr(34))}")
    return tools


def _models(card: RateCard, tools: tuple[str, ...] | None, model: str | None) -> list:
    if tools is None:
        return models(card, None, model)
    return [m for t in tools for m in models(card, t, model)]


def grids(card: RateCard, tool: str | tuple[str, ...] | None = None, model: str | None = None) -> list[Grid]:
    """The sheet as grids, in the order tools and then shapes first appear in the card.
    `tool` is a tool, several (a group's), or None for all."""
    shapes: dict[tuple, list[Line]] = {}
    for m in _models(card, (tool,) if isinstance(tool, str) else tool, model):
        named = axes(card, m)
        names = tuple(n for n, _ in named)
        down, across = (names[:-1], names[-1]) if names else ((), None)
        columns = tuple(named[-1][1]) if named else ()
        if len(columns) > MAX_COLUMNS:  # too many to read across: every parameter runs down
            down, across, columns = names, None, ()
        lines = shapes.setdefault((m.tool, m.name is not None, down, across, columns), [])
        lines += _lines(m.name, list(model_rows(card, m)), len(down), columns)
    unit = card.index.money.unit
    return [Grid(tool=t, has_models=has, down=down, across=across, columns=columns, lines=tuple(lines), unit=unit)
            for (t, has, down, across, columns), lines in shapes.items()]


def _lines(model: str | None, rows: list[Row], down: int, columns: tuple) -> list[Line]:
    """Rows in product order, one line per combination of the row parameters, a cell per column;
    None where the sheet shows no row (engine.sheet.combos leaves some out on a crowded model)."""
    if not columns:
        return [Line(model=model, labels=tuple(v for _, v in r.params), cells=(r,)) for r in rows]
    at = {v: i for i, v in enumerate(columns)}
    lines: dict[tuple, list] = {}
    for row in rows:
        labels = tuple(v for _, v in row.params[:down])
        cells = lines.setdefault(labels, [None] * len(columns))
        cells[at[row.params[down][1]]] = row
    return [Line(model=model, labels=labels, cells=tuple(cells)) for labels, cells in lines.items()]


def render(card: RateCard, fmt: Format, tool: str | tuple[str, ...] | None = None, model: str | None = None) -> str:
    card = card.at()  # a dated card: the prices in effect now (pass card.at(when) for another time)
    if fmt is Format.JSON:
        return json.dumps([row_object(r) for g in grids(card, tool, model) for line in g.lines
                           for r in line.cells if r is not None], indent=2, ensure_ascii=False)
    if fmt is Format.CSV:
        return _csv(grids(card, tool, model))
    markdown = fmt is Format.MD
    parts = [_grid(g, markdown) for g in grids(card, tool, model)]
    if card.period is not None:  # one slice of a dated card: say which
        heading = f"prices in effect {card.period.words()}"
        parts.insert(0, f"**{heading}**" if markdown else heading)
    if card.plans and tool is None and model is None:  # the whole card: its plans too
        from engine.review import plans_table

        parts.append(plans_table.markdown(card) if markdown else plans_table.text(card))
    return "\n\n".join(parts)


def text(card: RateCard, tool: str | None = None, model: str | None = None) -> str:
    return render(card, Format.TEXT, tool, model)


def row_object(row: Row) -> dict:
    """One combination as JSON: tool, model, each parameter, then credits (or the amount and its
    unit, on a card that prices in an amount) or reason. Exact: a measured amount or a price with
    a decimal point is a string ("20.5", "0.004725"), credits past 2**53 - 1 too."""
    out: dict = {"tool": row.tool, "model": row.model, **json_params(row.params)}
    if row.credits is not None and row.amount is not None:
        out["amount"] = str(row.amount)
        out["unit"] = row.unit
    elif row.credits is not None:
        out["credits"] = json_number(row.credits)
    else:
        out["reason"] = row.reason
    return out


# ---------------------------------------------------------------- text and Markdown


def _grid(grid: Grid, markdown: bool) -> str:
    notes: dict[str, int] = {}

    def cell(row: Row | None) -> str:
        if row is None:
            return ""
        if row.credits is not None:
            return row.price
        number = notes.setdefault(row.reason, len(notes) + 1)
        return f"[{number}]"

    head = (["model"] if grid.has_models else []) + list(grid.down)
    head += [f"{grid.across} {show_value(v)}" for v in grid.columns] if grid.across else [grid.unit or "credits"]
    body = []
    for line in grid.lines:
        labels = ([line.model] if grid.has_models else []) + [show_value(v) for v in line.labels]
        body.append(labels + [cell(r) for r in line.cells])
    numeric = len(head) - max(1, len(grid.columns))
    footer = [f"[{n}] {reason}" for reason, n in notes.items()]
    title = grid.tool if grid.unit is None else f"{grid.tool} (prices in {grid.unit})"
    if markdown:
        return _markdown(title, head, body, numeric, footer)
    return _text(title, head, body, numeric, footer)


def _text(title: str, head: list[str], body: list[list[str]], numeric: int, footer: list[str]) -> str:
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        parts = [c.ljust(w) if i < numeric else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return ("  " + "  ".join(parts)).rstrip()

    return "\n".join([title, line(head)] + [line(r) for r in body] + ["  " + f for f in footer])


def _markdown(title: str, head: list[str], body: list[list[str]], numeric: int, footer: list[str]) -> str:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    rule = "|" + "|".join("---" if i < numeric else "--:" for i in range(len(head))) + "|"
    out = [f"### {title}", "", line(head), rule] + [line(r) for r in body]
    if footer:
        out += [""] + [f"{f}  " if i < len(footer) - 1 else f for i, f in enumerate(footer)]
    return "\n".join(out)


# ---------------------------------------------------------------- CSV


def _csv(found: list[Grid]) -> str:
    params: dict[str, None] = {}
    for g in found:
        params.update(dict.fromkeys(g.down))
        if g.across:
            params[g.across] = None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    unit = next((g.unit for g in found if g.unit), None)  # a card that prices in an amount: its column
    writer.writerow(["tool", "model", *params, "credits" if unit is None else unit, "reason"])
    for g in found:
        for line in g.lines:
            for row in line.cells:
                if row is None:
                    continue
                values = dict(row.params)
                writer.writerow([row.tool, row.model or "", *(_csv_value(values.get(p)) for p in params),
                                 "" if row.credits is None else row.price, row.reason or ""])
    return out.getvalue().rstrip("\n")


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if is_unset(value):
        return "unset"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return show_value(value) if type(value) is Fraction else str(value)
