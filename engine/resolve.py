"""AST files -> Card: declarations of tools, groups, models and plans, with their diagnostics.

Prices are lowered in engine.lower; the analysis of prices lives in engine.checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from engine import ast
from engine.diagnostics import Code, Diagnostic, Related, Span, error
from engine.domain import UNSET, Domain, Interval, ValueType, show_value, type_of
from engine.measured import measure_of, money_of, stepped_domain
from engine.model import Measure, Model, NotTaken, Param, Plan, Tool
from engine.money import CREDITS, Money, decimal_text, exact
from engine.plans import PLAN
from engine.names import did_you_mean
from engine.resolve_plans import period_of, tiers_of

_BOUNDS = {
    ast.Cmp.GE: lambda n: Interval(n, None),
    ast.Cmp.GT: lambda n: Interval(n + 1, None),
    ast.Cmp.LE: lambda n: Interval(0, n),
    ast.Cmp.LT: lambda n: Interval(0, n - 1),
}


def domain_of(node: ast.Domain, diagnostics: list[Diagnostic], kind: ValueType | None = None,
              measure: Measure | None = None) -> Domain | None:
    """The Domain an AST domain denotes; None (with a diagnostic) when its values mix types,
    or are decimals for a parameter that takes whole numbers.

    `kind` is the type of the parameter it is written for, when known: `unset`
    alone has no type of its own (engine.domain: unset is a value of every type).
    For a measured parameter, the multiples of its step that the values and
    ranges hold (engine.measured).
    """
    items = [i for i in node.items if type(i) is not ast.Unset]
    if len(items) < len(node.items):
        if not items:
            alone = Domain.unset(kind or ValueType.TEXT)
            if measure is not None and alone.type is ValueType.INT:  # among a measured parameter's amounts
                alone = Domain(ValueType.INT, intervals=alone.intervals, step=measure.step)
            return alone
        rest = domain_of(ast.Domain(items=tuple(items), span=node.span), diagnostics, kind, measure)
        return None if rest is None else rest.with_unset()
    kinds = {type_of(i.value) if isinstance(i, ast.Literal) else ValueType.INT for i in node.items}
    if len(kinds) > 1:
        words = " and ".join(sorted(k.value for k in kinds))
        diagnostics.append(error(Code.TYPE_MISMATCH, f"these values mix {words}", node.span,
                                 hint="every value of a parameter has one type"))
        return None
    (kind,) = kinds
    if kind is not ValueType.INT:
        return Domain.of(i.value for i in node.items)
    if measure is not None:
        return stepped_domain(node, measure, diagnostics)
    decimal = next((i for i in node.items if _has_decimal(i)), None)
    if decimal is not None:
        diagnostics.append(error(Code.TYPE_MISMATCH, "a decimal where this parameter takes whole numbers",
                                 decimal.span, hint="a parameter that takes decimals (seconds, megapixels) says "
                                 "how it is billed in its tool: `billed per 1`"))
        return None
    intervals = []
    for item in node.items:
        if isinstance(item, ast.Literal):
            intervals.append(Interval(item.value, item.value))
        elif isinstance(item, ast.Range):
            if item.hi < item.lo:
                diagnostics.append(error(Code.BAD_DECLARATION, f"the range {item.lo}..{item.hi} is empty",
                                         item.span, hint=f"write {item.hi}..{item.lo}"))
            intervals.append(Interval(item.lo, item.hi))
        else:
            intervals.append(_BOUNDS[item.cmp](item.limit))
    return Domain.ints(intervals)


def check_within(domain: Domain, allowed: Domain, what: str, node: ast.Domain, unit: str | None,
                 diagnostics: list[Diagnostic]) -> bool:
    """Report values of `domain` outside `allowed`; type first."""
    if domain.type is not allowed.type:
        diagnostics.append(error(Code.TYPE_MISMATCH, f"{what} takes {allowed.type.value}, not "
                                 f"{domain.type.value}", node.span,
                                 hint=f"{what} takes {allowed.describe(unit)}"))
        return False
    outside = domain.subtract(allowed)
    if not outside.is_empty:
        hint = f"{what} takes {allowed.describe(unit)}"
        if outside.has_unset:  # `dur unset` where no request may leave `dur` out
            hint += "; to price a request that leaves it out, add `| unset` to its values where it is declared"
        diagnostics.append(error(Code.OUT_OF_DOMAIN, f"{what} cannot be {outside.describe(unit)}",
                                 node.span, hint=hint))
        return False
    return True


def _has_decimal(item: ast.DomainItem) -> bool:
    if isinstance(item, ast.Literal):
        return type(item.value) is Decimal
    if isinstance(item, ast.Range):
        return type(item.lo) is Decimal or type(item.hi) is Decimal
    return type(item.limit) is Decimal
# Request keys that are not parameters: a parameter of the same name would share the key.
RESERVED = {
    "tool": "it names the tool",
    "model": "it names the model",
    "plan": "it names the customer's plan",
}
_RESERVED_HINTS = {
    "tool": "give the parameter another name",
    "model": "declare models with `model TOOL \"NAME\"`, or give the parameter another name",
    "plan": 'plans are declared with `plan "NAME" allows ...`, and a price depends on one with the plan '
            'syntax, `TOOL "MODEL" plan "NAME" -> ...`; give the parameter another name',
}


class Declarations:
    """Tools, groups, models and plans of a card, gathered from every file."""

    def __init__(self) -> None:
        self.tools: dict[str, Tool] = {}
        self.groups: dict[str, tuple[str, ...]] = {}
        self.models: dict[tuple[str, str | None], Model] = {}
        self.aliases: dict[tuple[str, str], str] = {}
        self.plans: dict[str, Plan] = {}
        self.money: Money = CREDITS
        self.diagnostics: list[Diagnostic] = []
        self._group_spans: dict[str, ast.GroupDecl] = {}
        self._plan_names: dict[str, Span] = {}

    # ------------------------------------------------------------ entry
    def collect(self, files: Iterable[ast.File]) -> None:
        # one pass sorts the statements by kind (a large card is mostly rules, skipped here)
        kinds: dict[type, list] = {ast.ToolDecl: [], ast.GroupDecl: [], ast.ModelDecl: [], ast.PlanDecl: [],
                                   ast.PricesDecl: []}
        for f in files:
            for s in f.statements:
                found = kinds.get(type(s))
                if found is not None:
                    found.append(s)
        self.money = money_of(kinds[ast.PricesDecl], self.diagnostics)
        for s in kinds[ast.ToolDecl]:
            self._tool(s)
        for s in kinds[ast.GroupDecl]:
            self._group(s)
        for s in kinds[ast.PlanDecl]:  # before the models, which offer the plans that allow their tool
            self._plan(s)
        for s in kinds[ast.ModelDecl]:
            self._model(s)
        for tool in self.tools:
            if not any(t == tool for t, _ in self.models):
                t = self.tools[tool]
                offers = {p.name: p.domain for p in t.params}
                self.models[(tool, None)] = Model(tool=tool, name=None, aliases=(),
                                                  offers=self._with_plans(tool, offers), span=t.span)

    def has_models(self, tool: str) -> bool:
        return (tool, None) not in self.models

    def subject(self, name: ast.Name, report: list[Diagnostic]) -> tuple[str, ...] | None:
        """The tools a subject names (a tool or a group); None, reported, when unknown."""
        if name.text in self.tools:
            return (name.text,)
        if name.text in self.groups:
            return self.groups[name.text]
        known = list(self.tools) + list(self.groups)
        suggestion = did_you_mean(name.text, known, "`")
        hint = None if suggestion else f"declare it with `tool {name.text}` or `group {name.text} = ...`"
        report.append(error(Code.UNKNOWN_NAME, f"there is no tool or group `{name.text}`{suggestion}",
                            name.span, hint=hint))
        return None

    # ------------------------------------------------------------ tools
    def _tool(self, decl: ast.ToolDecl) -> None:
        params: list[Param] = []
        seen: dict[str, ast.ParamDecl] = {}
        for p in decl.params:
            if p.name.text in seen:
                self._duplicate(f"parameter `{p.name.text}`", p.name, None, seen[p.name.text].name.span)
                continue
            seen[p.name.text] = p
            param = self._param(p)
            if param is not None:
                params.append(param)
        for name in decl.tools:
            if name.text in self.tools:
                self._duplicate(f"tool `{name.text}`", name, None, self.tools[name.text].span)
                continue
            self.tools[name.text] = Tool(name=name.text, params=tuple(params), span=name.span)

    def _param(self, p: ast.ParamDecl) -> Param | None:
        name = p.name.text
        counted_from = p.counted_from.text if p.counted_from else None
        for at in (p.name, p.counted_from):
            if at is not None and at.text in RESERVED:
                self.diagnostics.append(error(
                    Code.BAD_DECLARATION, f"a request's `{at.text}` is not a parameter: {RESERVED[at.text]}",
                    at.span, hint=_RESERVED_HINTS[at.text]))
                if at is p.name:
                    return None
                counted_from = None  # reported; the parameter itself stands
        if all(type(i) is ast.Unset for i in p.domain.items):
            self.diagnostics.append(error(
                Code.BAD_DECLARATION, f"`{name}` has no value a request can give, only `unset`", p.domain.span,
                hint=f"list its values, such as `{name} >= 1 | unset`"))
            return None
        measure = measure_of(p, self.diagnostics)
        domain = domain_of(p.domain, self.diagnostics, measure=measure)
        if domain is None:
            return None
        if measure is not None and measure.minimum is not None:  # nothing below the minimum is billed
            billed = domain.intersect(Domain.ints([Interval(measure.minimum, None)], measure.step))
            domain = billed.with_unset() if domain.has_unset else billed  # unset is no amount: it stays
        if measure is not None and domain.type is not ValueType.INT:
            self.diagnostics.append(error(Code.BAD_DECLARATION, f"`billed per` and `minimum` are for numbers; "
                                          f"`{p.name.text}` takes {domain.type.value}", p.span))
            measure = None
        default = None
        if p.default is not None:
            default = p.default.value
            if type(default) is Decimal:  # a number, exactly: an int when whole
                default = exact(default)
            if default not in domain:
                shown = decimal_text(default) if type(p.default.value) is Decimal else repr(p.default.value)
                self.diagnostics.append(error(
                    Code.OUT_OF_DOMAIN, f"the default {shown} is not a value of `{p.name.text}`",
                    p.default.span, hint=f"`{p.name.text}` takes {domain.describe(p.unit)}"))
            elif domain.has_unset:
                self.diagnostics.append(_unset_and_default(name, p.default, p.unit))
        if (p.unit is not None or p.counted_from is not None) and domain.type is not ValueType.INT:
            self.diagnostics.append(error(Code.BAD_DECLARATION,
                                          f"`unit` and `from` are for whole-number parameters; "
                                          f"`{p.name.text}` takes {domain.type.value}", p.span))
        left_out: dict[object, ast.NotCounted] = {}
        for item in p.not_counting:
            if item.what in left_out:
                self.diagnostics.append(error(Code.DUPLICATE, f"`{item.what.value}` is named twice", item.span,
                                              related=[Related(left_out[item.what].span, "first named here")],
                                              hint="name it once"))
            left_out.setdefault(item.what, item)
        return Param(name=p.name.text, domain=domain, unit=p.unit, default=default, unpriced=p.unpriced,
                     counted_from=counted_from, measure=measure, span=p.name.span,
                     not_counting=frozenset(left_out))

    # ------------------------------------------------------------ groups
    def _group(self, decl: ast.GroupDecl) -> None:
        name = decl.name.text
        if name in self.tools or name in self.groups:
            other = self.tools[name].span if name in self.tools else self._group_spans[name].name.span
            self._duplicate(f"name `{name}`", decl.name, None, other)
            return
        members = []
        for t in decl.tools:
            if t.text not in self.tools:
                self.diagnostics.append(error(Code.UNKNOWN_NAME, f"there is no tool `{t.text}`"
                                              + did_you_mean(t.text, self.tools, "`"), t.span))
            else:
                members.append(t.text)
        self.groups[name] = tuple(dict.fromkeys(members))
        self._group_spans[name] = decl

    # ------------------------------------------------------------ models
    def _model(self, decl: ast.ModelDecl) -> None:
        tools = self.subject(decl.subject, self.diagnostics)
        if tools is None:
            return
        for offer in decl.offers:
            for t in offer.tools:
                if t.text not in tools:
                    self.diagnostics.append(error(
                        Code.UNKNOWN_NAME, f"`{t.text}` is not one of the tools of `{decl.subject.text}`",
                        t.span, hint=f"`{decl.subject.text}` is {', '.join(tools)}"))
        for tool in tools:
            self._model_for(decl, self.tools[tool])

    def _model_for(self, decl: ast.ModelDecl, tool: Tool) -> None:
        key = (tool.name, decl.name)
        if key in self.models or (tool.name, decl.name) in self.aliases:
            other = self.models[key].span if key in self.models else decl.name_span
            self._duplicate(f'model "{decl.name}" of {tool.name}', None, decl.name_span, other)
            return
        offers: dict[str, Domain | NotTaken] = {p.name: p.domain for p in tool.params}
        defaults: dict[str, object] = {}
        for offer in decl.offers:
            if offer.tools and tool.name not in {t.text for t in offer.tools}:
                continue
            param = tool.param(offer.param.text)
            if param is None:
                self.diagnostics.append(error(
                    Code.UNKNOWN_NAME, f"{tool.name} has no parameter `{offer.param.text}`"
                    + did_you_mean(offer.param.text, [p.name for p in tool.params], "`"), offer.param.span))
                continue
            if offer.not_taken:
                offers[param.name] = NotTaken(reason=offer.reason)
                continue
            if offer.domain is None:  # `quality default "auto"`: the tool's values, but for unset
                domain = param.domain.without_unset()
            else:
                domain = domain_of(offer.domain, self.diagnostics, param.domain.type, param.measure)
                if domain is None:
                    continue
                what = f"`{param.name}` of {tool.name}"
                if not check_within(domain, param.domain, what, offer.domain, param.unit, self.diagnostics):
                    continue
            offers[param.name] = domain
            if offer.default is not None:
                value = offer.default.value
                if value not in domain:
                    self.diagnostics.append(error(
                        Code.OUT_OF_DOMAIN, f'the default {show_value(value)} is not a value "{decl.name}" '
                        f"offers for `{param.name}`", offer.default.span,
                        hint=f'"{decl.name}" offers {param.name} {domain.describe(param.unit)}'))
                elif domain.has_unset:
                    self.diagnostics.append(_unset_and_default(param.name, offer.default, param.unit))
                else:
                    defaults[param.name] = value
        self.models[key] = Model(tool=tool.name, name=decl.name, aliases=decl.aliases,
                                 offers=self._with_plans(tool.name, offers), span=decl.name_span,
                                 defaults=defaults)
        for alias in decl.aliases:
            taken = (tool.name, alias) in self.models or (tool.name, alias) in self.aliases
            if taken:
                self._duplicate(f'name "{alias}" for a model of {tool.name}', None, decl.name_span, None)
                continue
            self.aliases[(tool.name, alias)] = decl.name

    # ------------------------------------------------------------ plans
    def _plan(self, decl: ast.PlanDecl) -> None:
        if decl.name in self.plans:
            self._duplicate(f'plan "{decl.name}"', None, decl.name_span, self._plan_names[decl.name])
            return
        if decl.tools is None:
            tools = frozenset(self.tools)
        else:
            resolved: set[str] = set()
            for name in decl.tools:
                found = self.subject(name, self.diagnostics)
                resolved.update(found or ())
            tools = frozenset(resolved)
        self._plan_names[decl.name] = decl.name_span
        self.plans[decl.name] = Plan(name=decl.name, tools=tools, period=period_of(decl, self.diagnostics),
                                     tiers=tiers_of(decl, self.diagnostics), span=decl.span)

    def _with_plans(self, tool: str, offers: dict[str, Domain | NotTaken]) -> dict[str, Domain | NotTaken]:
        """A model's offers, with the plans a request for it may name when the card declares plans:
        those that allow its tool, and `unset` for a request that names none."""
        if self.plans:
            allowed = [name for name, plan in self.plans.items() if tool in plan.tools]
            offers[PLAN] = Domain(ValueType.TEXT, values=(*allowed, UNSET))
        return offers

    # ------------------------------------------------------------ helpers
    def _duplicate(self, what: str, name: ast.Name | None, span=None, first=None) -> None:
        where = name.span if name is not None else span
        related = [Related(first, "first defined here")] if first is not None else []
        self.diagnostics.append(error(Code.DUPLICATE, f"{what} is defined twice", where, related=related,
                                      hint="remove one of the two, or give them different names"))


def _unset_and_default(name: str, default: ast.Literal, unit: str | None) -> Diagnostic:
    return error(Code.BAD_DECLARATION, f"`{name}` is never unset: a request that leaves it out gets its "
                 f"default {show_value(default.value)}", default.span,
                 hint=f"remove `default {show_value(default.value)}` to price `{name} unset`, "
                      "or remove `unset` from its values")
