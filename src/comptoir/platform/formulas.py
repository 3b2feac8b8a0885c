"""Formulas that members write (a pay head's `(BASIC + HRA) * 0.10`), evaluated safely: parsed by Python's `ast`
and walked over a closed set of nodes, never `eval`.

What a formula may hold: decimal numbers, the names it is given values for (upper case codes like `BASIC`),
`+ - * / %`, parentheses, unary minus, comparisons (`<`, `<=`, `>`, `>=`, `==`, `!=`), `and`, `or`, `not`,
`a if condition else b`, and the functions `min`, `max`, `abs`, `round(x, places)`. Arithmetic is Decimal with 28
significant digits; the caller rounds the result to its currency. Anything else (attributes, calls of other
functions, strings, subscripts, lambdas, powers) is refused when the formula is parsed, with a message that says
why, so a formula is checked when it is saved, not when it is first evaluated."""

from __future__ import annotations

import ast
import decimal
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

MAX_LENGTH = 500
MAX_NODES = 200
_CONTEXT = decimal.Context(prec=28, rounding=ROUND_HALF_UP, traps=[decimal.InvalidOperation, decimal.DivisionByZero])

_BINARY: dict[type, Callable[[Decimal, Decimal], Decimal]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Mod: operator.mod,
}
_COMPARE: dict[type, Callable[[Decimal, Decimal], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


def _round(value: Decimal, places: Decimal = Decimal(0)) -> Decimal:
    if places != places.to_integral_value() or not 0 <= places <= 10:
        raise FormulaError(_("round() takes a whole number of places from 0 to 10"))
    return value.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)


_FUNCTIONS: dict[str, tuple[Callable[..., Decimal], int, int]] = {  # name: (function, fewest, most arguments)
    "min": (min, 1, 20),
    "max": (max, 1, 20),
    "abs": (abs, 1, 1),
    "round": (_round, 1, 2),
}


class FormulaError(ValueError):
    """A formula that cannot be parsed or evaluated; its message is for the member who wrote it."""


@dataclass(frozen=True)
class Formula:
    """A parsed formula: `names` are the codes it reads; `evaluate(values)` computes it."""

    text: str
    tree: ast.Expression
    names: frozenset[str]

    def evaluate(self, values: Mapping[str, Decimal]) -> Decimal:
        missing = sorted(self.names - values.keys())
        if missing:
            raise FormulaError(_("No value for %(names)s") % {"names": ", ".join(missing)})
        try:
            with decimal.localcontext(_CONTEXT):
                result = _value(self.tree.body, values)
        except decimal.DivisionByZero as exc:
            raise FormulaError(_("The formula divides by zero")) from exc
        except decimal.InvalidOperation as exc:
            raise FormulaError(_("The formula has no numeric result")) from exc
        if isinstance(result, bool):
            raise FormulaError(_("The formula gives a condition, not an amount"))
        return result


def parse_formula(text: str, *, allowed: frozenset[str] | set[str] | None = None) -> Formula:
    """The formula `text`, checked: only the nodes above, and only names among `allowed` when given."""
    text = (text or "").strip()
    if not text:
        raise FormulaError(_("The formula is empty"))
    if len(text) > MAX_LENGTH:
        raise FormulaError(_("A formula has at most %(count)d characters") % {"count": MAX_LENGTH})
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        message = _("The formula is not well formed (at character %(offset)s)") % {"offset": exc.offset}
        raise FormulaError(message) from exc
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise FormulaError(_("The formula is too long"))
    names: set[str] = set()
    called = {id(node.func) for node in nodes if isinstance(node, ast.Call)}
    for node in nodes:
        _check(node, names, called)
    if allowed is not None:
        unknown = sorted(names - set(allowed))
        if unknown:
            raise FormulaError(_("Unknown code in the formula: %(names)s") % {"names": ", ".join(unknown)})
    return Formula(text=text, tree=tree, names=frozenset(names))


_ALLOWED = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.USub,
    ast.UAdd,
    ast.Not,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    *_BINARY,
    *_COMPARE,
)


def _check(node: ast.AST, names: set[str], called: set[int]) -> None:
    if not isinstance(node, _ALLOWED):
        raise FormulaError(_("A formula cannot contain %(what)s") % {"what": type(node).__name__})
    if isinstance(node, ast.Constant) and (isinstance(node.value, bool) or not isinstance(node.value, int | float)):
        raise FormulaError(_("A formula holds numbers and codes only"))
    if isinstance(node, ast.Call):
        function = node.func.id if isinstance(node.func, ast.Name) else ""
        if function not in _FUNCTIONS or node.keywords:
            raise FormulaError(_("Unknown function in the formula: %(name)s") % {"name": function or "?"})
        fewest, most = _FUNCTIONS[function][1:]
        if not fewest <= len(node.args) <= most:
            message = _("The function %(name)s takes %(fewest)d to %(most)d values")
            raise FormulaError(message % {"name": function, "fewest": fewest, "most": most})
    elif isinstance(node, ast.Name) and id(node) not in called:
        names.add(node.id)


def _value(node: ast.AST, values: Mapping[str, Decimal]):
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        return Decimal(values[node.id])
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_value(node.left, values), _value(node.right, values))
    if isinstance(node, ast.UnaryOp):
        operand = _value(node.operand, values)
        if isinstance(node.op, ast.Not):
            return not operand
        return -operand if isinstance(node.op, ast.USub) else +operand
    if isinstance(node, ast.BoolOp):
        results = (_value(v, values) for v in node.values)
        return all(results) if isinstance(node.op, ast.And) else any(results)
    if isinstance(node, ast.Compare):
        left = _value(node.left, values)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _value(right_node, values)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.IfExp):
        return _value(node.body if _value(node.test, values) else node.orelse, values)
    function = _FUNCTIONS[node.func.id][0]
    return function(*(_value(a, values) for a in node.args))
