"""Price rules and grids -> PricedRules, one per tool they apply to (and one per grid cell)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from engine import ast
from engine.diagnostics import Code, Diagnostic, Related, Span, error
from engine.domain import Domain, ValueType, show_value
from engine.formula import nodes, with_rounding
from engine.formula_exact import always_whole
from engine.frozen import positional
from engine.model import Final, Param, PricedRule
from engine.names import did_you_mean, listing, nearest
from engine.plans import PLAN
from engine.resolve import Declarations, check_within, domain_of


_priced_rule = positional(PricedRule)  # tool, model, box, outcome, rounding, span, index, final


def lower(files: Iterable[ast.File], decls: Declarations) -> tuple[list[PricedRule], list[Diagnostic]]:
    lowering = _Lowering(decls)
    for file in files:
        lowering.file(file)
    # a line read once per tool of its group says the same of each: once is enough
    return lowering.rules, list(dict.fromkeys(lowering.diagnostics))


_NUMBERS = re.compile(r"\d+")


def _same_version(name: str, names: Iterable[str]) -> list[str]:
    """The names with the same numbers as `name`: a misspelt model keeps its version (`Sora 2 Por`),
    a rule left over from a removed one (`Kling 1.6`) should not be pointed at another (`Kling 2.6 Pro`)."""
    numbers = _NUMBERS.findall(name)
    return [n for n in names if _NUMBERS.findall(n) == numbers]


class _Lowering:
    def __init__(self, decls: Declarations) -> None:
        self.decls = decls
        self.rules: list[PricedRule] = []
        self.diagnostics: list[Diagnostic] = []
        # per tool, each condition already read without a diagnostic: its key (see _box)
        # -> (parameter name, Domain)
        self.known: dict[str, dict[tuple, tuple[str, Domain]]] = {}
        self.params: dict[str, dict[str, Param]] = {}  # each tool's parameters by name
        self.subjects: dict[str, tuple[str, ...]] = {}  # subjects already resolved
        self.told_missing: set[int] = set()
        self.steps: dict[str, dict] = {}  # each tool's measured parameters -> their steps
        self.final_rounding = None  # the file's `round`, for the amount (engine.model.Final)  # rules of a group already said to name a model none of it has

    def file(self, file: ast.File) -> None:
        roundings = [s for s in file.statements if isinstance(s, ast.RoundingDecl)]
        for extra in roundings[1:]:
            self.diagnostics.append(error(Code.DUPLICATE, "this file declares its rounding twice", extra.span,
                                          related=[Related(roundings[0].span, "first declared here")]))
        rounding = roundings[0].mode if roundings else None
        self.final_rounding = rounding
        if not self.decls.money.credits:  # divisions are exact; the amount is rounded once, to its places
            rounding = None
        rule, grid = ast.Rule, ast.Grid
        models, subjects = self.decls.models, self.subjects
        for s in file.statements:
            kind = type(s)
            if kind is rule:
                # the priced rule's span ends with its outcome; the statement's can end after it,
                # at the `)` of a bare formula in parentheses (`t (n + 1)`): then it needs its own
                start, end = s.span, s.outcome.span
                if start.end_column == end.end_column and start.end_line == end.end_line:
                    line = start
                else:
                    line = Span(start.file, start.line, start.column, end.end_line, end.end_column)
                tools = subjects.get(s.subject.text)
                model = s.model
                if tools is None or len(tools) != 1 or model is None or (tools[0], model) not in models:
                    self._rule(s, line, rounding)
                    continue
                self._price(tools[0], model, s, line, rounding)  # the usual line: as _rule, sooner
            elif kind is grid:
                self._cells(s, s.conditions, self._grid_cells(s), rounding)

    def _grid_cells(self, grid: ast.Grid):
        """Each cell as (extra conditions, outcome, span)."""
        cells = []
        for row in grid.rows:
            if len(row.cells) != len(grid.columns):
                self.diagnostics.append(error(
                    Code.BAD_GRID, f"this row has {len(row.cells)} prices for {len(grid.columns)} columns",
                    row.span, hint=f"the header lists `{grid.column.text}` "
                    + " ".join(str(ast_value(c)) for c in grid.columns)))
                continue
            for column, outcome in zip(grid.columns, row.cells):
                header = ast.Condition(param=grid.column,
                                       domain=ast.Domain(items=(column,), span=column.span), span=column.span)
                cells.append((row.conditions + (header,), outcome, outcome.span))
        return cells

    def _subject(self, name: ast.Name) -> tuple[str, ...] | None:
        tools = self.subjects.get(name.text)
        if tools is None:
            tools = self.decls.subject(name, self.diagnostics)
            if tools is not None:
                self.subjects[name.text] = tools
        return tools

    def _rule(self, stmt: ast.Rule, span: Span, rounding) -> None:
        """One line `subject "model" conditions -> outcome`: _cells with one cell, the usual case."""
        tools = self._subject(stmt.subject)
        if tools is None:
            return
        if len(tools) != 1:
            self._cells(stmt, stmt.conditions, [((), stmt.outcome, span)], rounding, tools)
            return
        tool = tools[0]
        model = stmt.model
        if model is None or (tool, model) not in self.decls.models:
            model = self._model(stmt, tool)
            if model is False:
                return
        self._price(tool, model, stmt, span, rounding)

    def _price(self, tool: str, model: str | None, stmt: ast.Rule, span: Span, rounding) -> None:
        """The rule's one PricedRule, for a tool and model already known to exist."""
        box = self._box(tool, stmt.conditions)
        if box is None:
            return
        outcome = stmt.outcome
        final = None
        if type(outcome) is ast.Price and type(outcome.expr) is not ast.Number:
            self._formula(tool, outcome)
            final = self._final(tool, outcome, rounding)
        elif not self.decls.money.credits and isinstance(outcome, ast.Price):  # a constant, or free
            final = Final(self.decls.money, self.final_rounding)
        rules = self.rules
        rules.append(_priced_rule(tool, model, box, outcome, rounding, span, len(rules), final))

    def _cells(self, stmt: ast.Rule | ast.Grid, conditions, cells, rounding, tools=None) -> None:
        if tools is None:
            tools = self._subject(stmt.subject)
            if tools is None:
                return
        read: dict[tuple, dict | None] = {}  # tools declared together share their parameters
        rules = self.rules
        for tool in tools:
            model = self._model(stmt, tool)
            if model is False:
                continue
            params = tuple(map(id, self.decls.tools[tool].params)) if len(tools) > 1 else ()
            for n, (extra, outcome, span) in enumerate(cells):
                if (params, n) in read:
                    box = read[(params, n)]
                else:
                    box = read[(params, n)] = self._box(tool, conditions + extra)
                    if box is not None and type(outcome) is ast.Price and type(outcome.expr) is not ast.Number:
                        self._formula(tool, outcome)
                if box is None:
                    continue
                final = None
                if isinstance(outcome, ast.Price) and (type(outcome.expr) is not ast.Number
                                                       or not self.decls.money.credits):
                    final = self._final(tool, outcome, rounding)
                rules.append(_priced_rule(tool, model, box, outcome, rounding, span, len(rules), final))

    def _model(self, stmt, tool: str):
        """The canonical model name (None for model-less tools); False after a diagnostic."""
        span = stmt.model_span or stmt.subject.span
        if stmt.model is not None and (tool, stmt.model) in self.decls.models:
            return stmt.model  # the common case, before anything that scans every model
        names = sorted(m for t, m in self.decls.models if t == tool and m is not None)
        if stmt.model is None:
            if self.decls.has_models(tool):
                self.diagnostics.append(error(
                    Code.UNKNOWN_NAME, f"{tool} prices depend on the model; this rule names none", span,
                    hint=f'name one after `{stmt.subject.text}`, for example "{names[0]}"'))
                return False
            return None
        if not self.decls.has_models(tool):
            self.diagnostics.append(error(Code.UNKNOWN_NAME, f"{tool} has no models", span,
                                          hint=f"remove \"{stmt.model}\""))
            return False
        if (tool, stmt.model) in self.decls.models:
            return stmt.model
        canonical = self.decls.aliases.get((tool, stmt.model))
        if canonical is not None:
            self.diagnostics.append(error(Code.UNKNOWN_NAME, f'"{stmt.model}" is another spelling of '
                                          f'"{canonical}"', span, hint=f'price the model by its own name, "{canonical}"'))
            return False
        group = self.subjects.get(stmt.subject.text, (tool,))
        if len(group) > 1 and not any((t, stmt.model) in self.decls.models for t in group):
            # no tool of the group has it: said once, of the group as written, not once per tool
            if id(stmt) not in self.told_missing:
                self.told_missing.add(id(stmt))
                names = sorted({m for t, m in self.decls.models if t in group and m is not None})
                suggestion = did_you_mean(stmt.model, _same_version(stmt.model, names), '"')
                self.diagnostics.append(error(
                    Code.UNKNOWN_NAME, f'{stmt.subject.text} has no model "{stmt.model}"{suggestion}', span,
                    hint=None if suggestion else f'declare it with `model {stmt.subject.text} "{stmt.model}"`'))
            return False
        suggestion = did_you_mean(stmt.model, _same_version(stmt.model, names), '"')
        self.diagnostics.append(error(
            Code.UNKNOWN_NAME, f'{tool} has no model "{stmt.model}"{suggestion}', span,
            hint=None if suggestion else f'declare it with `model {tool} "{stmt.model}"`'))
        return False

    def _box(self, tool_name: str, conditions) -> dict[str, Domain] | None:
        known = self.known.get(tool_name)
        if known is None:
            known = self.known[tool_name] = {}
        box: dict[str, Domain] = {}
        ok = True
        literal, range_ = ast.Literal, ast.Range
        for cond in conditions:
            # the condition's key: what it says, as a plain tuple, equal for `audio yes` on
            # any line; the value's type keeps yes apart from 1 (written out rather than a
            # function: this loop runs for every condition of every line)
            items = cond.domain.items
            item = items[0] if len(items) == 1 else None
            kind = type(item)
            if kind is literal:
                value = item.value
                key = (cond.param.text, type(value), value)
            elif kind is range_:
                key = (cond.param.text, "..", item.lo, item.hi)
            else:
                key = (cond.param.text, _domain_key(items))
            hit = known.get(key)
            if hit is not None and hit[0] not in box:  # read before, without a diagnostic
                box[hit[0]] = hit[1]
                continue
            domain = self._condition(tool_name, cond, box, key)
            if domain is None:
                ok = False
        return box if ok else None

    def _condition(self, tool_name: str, cond: ast.Condition, box: dict[str, Domain], key: tuple):
        """Add the condition to `box`; None after a diagnostic.

        The same condition written on many lines (`audio yes`) is read once and
        shares one Domain, which also lets the analysis recognise it by identity.
        """
        if type(cond.param) is ast.PlanKey:
            return self._plan_condition(tool_name, cond, box, key)
        tool = self.decls.tools[tool_name]
        params = self.params.get(tool_name)
        if params is None:
            params = self.params[tool_name] = {p.name: p for p in tool.params}
        param = params.get(cond.param.text)
        if param is None:
            names = [p.name for p in tool.params]
            if self.decls.plans and nearest(cond.param.text, [*names, PLAN]) == PLAN:  # `plans "Pro"`
                self.diagnostics.append(error(
                    Code.UNKNOWN_NAME, f"{tool_name} has no parameter `{cond.param.text}`; did you mean `plan`?",
                    cond.param.span, hint='a price for some plans only is written `plan "NAME"`'))
                return None
            self.diagnostics.append(error(
                Code.UNKNOWN_NAME, f"{tool_name} has no parameter `{cond.param.text}`"
                + did_you_mean(cond.param.text, names, "`"), cond.param.span,
                hint=f"{tool_name} takes {listing(names, '`') or 'no parameters'}"))
            return None
        if param.unpriced:
            self.diagnostics.append(error(Code.BAD_DECLARATION, f"`{param.name}` does not change the price, "
                                          "so a rule cannot depend on it", cond.param.span,
                                          hint="remove the condition, or drop `unpriced` from the tool"))
            return None
        if param.name in box:
            self.diagnostics.append(error(Code.DUPLICATE, f"`{param.name}` is given twice in this rule",
                                          cond.span))
            return None
        known = self.known[tool_name]
        hit = known.get(key)
        if hit is not None:
            box[param.name] = hit[1]
            return hit[1]
        before = len(self.diagnostics)
        domain = domain_of(cond.domain, self.diagnostics, param.domain.type, param.measure)
        if domain is None or not check_within(domain, param.domain, f"`{param.name}`", cond.domain,
                                              param.unit, self.diagnostics):
            return None
        if len(self.diagnostics) == before:
            known[key] = (param.name, domain)
        box[param.name] = domain
        return domain

    def _final(self, tool_name: str, outcome: ast.Price, rounding) -> Final | None:
        """How the price becomes an amount: None when it is whole credits as it stands (every
        price of a card in credits that the language could write before decimals)."""
        money = self.decls.money
        if money.credits:
            steps = self.steps.get(tool_name)
            if steps is None:
                steps = self.steps[tool_name] = {p.name: p.measure.step for p in self.decls.tools[tool_name].params
                                                 if p.measure is not None}
            if always_whole(with_rounding(outcome.expr, rounding), steps):
                return None
        return Final(money, self.final_rounding)

    def _plan_condition(self, tool_name: str, cond: ast.Condition, box: dict[str, Domain], key: tuple):
        """`plan "AI Suite" | unset`: the plans a price holds for, each one the card declares."""
        if PLAN in box:
            self.diagnostics.append(error(Code.DUPLICATE, "`plan` is given twice in this rule", cond.span,
                                          hint='name every plan in one condition: `plan "A" | "B"`'))
            return None
        plans = self.decls.plans
        if not plans:
            self.diagnostics.append(error(
                Code.UNKNOWN_NAME, "this card declares no plans, so a price cannot depend on one", cond.param.span,
                hint='declare each plan first, such as `plan "Pro" allows all`'))
            return None
        known = self.known[tool_name]
        hit = known.get(key)
        if hit is not None:
            box[PLAN] = hit[1]
            return hit[1]
        domain = domain_of(cond.domain, self.diagnostics, ValueType.TEXT)
        if domain is None:
            return None
        names = listing(plans, '"')
        if domain.type is not ValueType.TEXT:
            self.diagnostics.append(error(Code.TYPE_MISMATCH, f"a plan is named in quotes, not by "
                                          f"{domain.type.value}", cond.domain.span, hint=f"the plans are {names}"))
            return None
        ok = True
        for item in cond.domain.items:
            if type(item) is ast.Literal and item.value not in plans:
                ok = False
                near = did_you_mean(item.value, plans, '"')
                self.diagnostics.append(error(Code.UNKNOWN_NAME, f'there is no plan "{item.value}"{near}',
                                              item.span, hint=None if near else f"the plans are {names}"))
        if not ok:
            return None
        known[key] = (PLAN, domain)
        box[PLAN] = domain
        return domain

    def _formula(self, tool_name: str, outcome) -> None:
        if not isinstance(outcome, ast.Price):
            return
        tool = self.decls.tools[tool_name]
        for ref in param_refs(outcome.expr):
            param = tool.param(ref.name)
            if param is None:
                self.diagnostics.append(error(
                    Code.UNKNOWN_NAME, f"{tool_name} has no parameter `{ref.name}`"
                    + did_you_mean(ref.name, [p.name for p in tool.params], "`"), ref.span))
            elif param.domain.type is not ValueType.INT:
                self.diagnostics.append(error(Code.TYPE_MISMATCH, f"`{ref.name}` is {param.domain.type.value}, "
                                              "not a number, so a price cannot use it", ref.span))
            elif param.unpriced:
                self.diagnostics.append(error(Code.BAD_DECLARATION, f"`{param.name}` does not change the price, "
                                              "so a price cannot use it", ref.span,
                                              hint="remove it from the price, or drop `unpriced` from the tool"))


def param_refs(expr: ast.Expr) -> Iterator[ast.ParamRef]:
    """Each use of a parameter in a formula, left to right."""
    return (n for n in nodes(expr) if isinstance(n, ast.ParamRef))


def _domain_key(items) -> tuple:
    """What a written domain says, as a plain tuple (the type keeps yes apart from 1)."""
    out = []
    for item in items:
        kind = type(item)
        if kind is ast.Literal:
            out.append((type(item.value), item.value))
        elif kind is ast.Range:
            out.append(("..", item.lo, item.hi))
        elif kind is ast.Unset:
            out.append(("unset",))
        else:
            out.append((item.cmp, item.limit))
    return tuple(out)


def ast_value(literal: ast.Literal | ast.Unset) -> str:
    return "unset" if type(literal) is ast.Unset else show_value(literal.value)
