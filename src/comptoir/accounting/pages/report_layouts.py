"""What each report page shows, row by row: sections from the chart's group tree (a header, its accounts, its
subgroups, its subtotal), totals at the bottom, an optional comparison column, and drill-down links. Built from
the report queries' results only, and rendered alike by the page, the PDF, and the CSV/XLSX files."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from html import escape
from itertools import groupby
from urllib.parse import quote

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.accounting.constants import Nature
from comptoir.accounting.queries import reports as statements
from comptoir.accounting.queries import reports_ledger as ledger
from comptoir.desk.registry import record_url
from comptoir.desk.templatetags.desk import day, format_amount

ZERO = Decimal("0.00")

AGING_BUCKETS = {
    "not_due": gettext_lazy("Not due"),
    "0-30": gettext_lazy("0–30 days"),
    "31-60": gettext_lazy("31–60 days"),
    "61-90": gettext_lazy("61–90 days"),
    "90+": gettext_lazy("Over 90 days"),
}
CASH_FLOW_ACTIVITIES = {
    "operating": (gettext_lazy("Operating activities"), gettext_lazy("Net cash from operating activities")),
    "investing": (gettext_lazy("Investing activities"), gettext_lazy("Net cash from investing activities")),
    "financing": (gettext_lazy("Financing activities"), gettext_lazy("Net cash from financing activities")),
}
CASH_FLOW_CATEGORIES = {
    "receipts_from_customers": gettext_lazy("Receipts from customers"),
    "income_received": gettext_lazy("Other income received"),
    "payments_to_suppliers": gettext_lazy("Payments to suppliers"),
    "payments_to_employees": gettext_lazy("Payments to employees"),
    "expenses_paid": gettext_lazy("Expenses paid"),
    "taxes": gettext_lazy("Taxes"),
    "inventory": gettext_lazy("Inventory"),
    "fixed_assets": gettext_lazy("Fixed assets"),
    "equity": gettext_lazy("Equity"),
    "other": gettext_lazy("Other"),
}


@dataclass(frozen=True)
class Cell:
    """A value as the files keep it; `text` as the page shows it (amounts with separators, dates in the user's
    language); `code` is an account code shown before the text; `blank_zero` leaves a zero amount blank."""

    value: object = None
    href: str = ""
    code: str = ""
    blank_zero: bool = False

    @property
    def amount(self) -> bool:
        return isinstance(self.value, Decimal)

    @property
    def number(self) -> bool:
        return isinstance(self.value, Decimal | int)

    @property
    def negative(self) -> bool:
        return self.amount and self.value < 0

    @property
    def text(self) -> str:
        if self.amount:
            return "" if self.blank_zero and self.value == 0 else format_amount(self.value)
        if isinstance(self.value, datetime.date):
            return day(self.value)
        return "" if self.value is None else str(self.value)


@dataclass(frozen=True)
class Column:
    header: str
    numeric: bool = False
    heading: str = ""  # a header over several columns (the period a comparison column shows)

    @property
    def file_header(self) -> str:
        return f"{self.header} ({self.heading})" if self.heading else self.header


@dataclass(frozen=True)
class Row:
    """`kind`: group (a section's header), line, subtotal (a section's total), total, note. `path` is the section
    the row sits in ("" at the top): collapsing a section hides the rows whose path starts with the section's."""

    kind: str
    cells: list[Cell]
    depth: int = 0
    path: str = ""
    section: str = ""  # a header row: the path of the section it opens and closes


_TOGGLE = '<button type="button" class="toggle" aria-expanded="true" data-report-toggle="{}"{}>{}</button>'


def _label_html(row: Row, cell: Cell, printing: bool) -> str:
    text = escape(cell.text)
    toggles = row.section and not printing
    if toggles and not cell.href:
        return _TOGGLE.format(escape(row.section), "", text)
    toggle = _TOGGLE.format(escape(row.section), f' aria-label="{text}"', "") if toggles else ""
    label = f'<span class="code">{escape(cell.code)}</span> {text}' if cell.code else text
    return toggle + (f'<a href="{escape(cell.href)}">{label}</a>' if cell.href else label)


def _row_html(row: Row, span: int, printing: bool) -> str:
    """One row as HTML; every value goes through html.escape (plain strings: format_html per cell is slow)."""
    colspan = f' colspan="{span}"' if row.kind == "group" else ""
    cells = [f'<th scope="row" class="label"{colspan}>{_label_html(row, row.cells[0], printing)}</th>']
    if row.kind != "group":
        for cell in row.cells[1:]:
            if cell.number:
                cells.append(f'<td class="num{" neg" if cell.negative else ""}">{escape(cell.text)}</td>')
            elif cell.href:
                cells.append(f'<td><a href="{escape(cell.href)}">{escape(cell.text)}</a></td>')
            else:
                cells.append(f"<td>{escape(cell.text)}</td>")
    return f'<tr class="{row.kind} depth-{row.depth}" data-path="{escape(row.path)}">{"".join(cells)}</tr>\n'


@dataclass
class Layout:
    title: str
    subtitle: str
    columns: list[Column]
    rows: list[Row]
    truncated: bool = False

    @property
    def body_html(self) -> str:
        return self._body(printing=False)

    @property
    def print_html(self) -> str:
        return self._body(printing=True)

    def _body(self, *, printing: bool) -> str:
        """The table's rows, built here rather than cell by cell in the template: a statement has hundreds."""
        span = len(self.columns)
        return mark_safe("".join(_row_html(row, span, printing) for row in self.rows))  # noqa: S308 (escaped)

    @property
    def headings(self) -> list[tuple[str, int]]:
        """The header row over the columns, (text, span), when some columns have a heading."""
        if not any(c.heading for c in self.columns):
            return []
        return [(text, len(list(run))) for text, run in groupby(c.heading for c in self.columns)]

    @property
    def wide(self) -> bool:
        """Too many columns for a portrait page."""
        return len(self.columns) > 6

    @property
    def empty(self) -> bool:
        """No line to show: only the totals (zero)."""
        return not any(row.kind == "line" for row in self.rows)

    @property
    def collapsible(self) -> bool:
        return any(row.kind == "group" for row in self.rows)

    def file_table(self) -> tuple[list[tuple[str, str]], list[dict]]:
        """(columns, rows) for a CSV/XLSX file with the page's rows: the first column's text indented by depth,
        account codes in a column of their own, amounts as numbers."""
        codes = any(row.cells[0].code for row in self.rows)
        columns = [(self.columns[0].file_header, "label")]
        columns += [(_("Account code"), "code")] if codes else []
        columns += [(column.file_header, f"c{i}") for i, column in enumerate(self.columns[1:], start=1)]
        rows = []
        for row in self.rows:
            first = row.cells[0].value
            data = {"label": "  " * row.depth + str(first) if isinstance(first, str) else first}
            data["code"] = row.cells[0].code
            data.update({f"c{i}": cell.value for i, cell in enumerate(row.cells[1:], start=1)})
            rows.append(data)
        return columns, rows


@cache
def _ledger_page() -> str:
    return reverse("accounting_report", args=("general-ledger",))


def ledger_link(code: str, lo: datetime.date, hi: datetime.date) -> str:
    """The general ledger page of account `code` over [lo, hi]."""
    return f"{_ledger_page()}?account={quote(code, safe='')}&date_from={lo.isoformat()}&date_to={hi.isoformat()}"


def entry_link(entry_id) -> str:
    return record_url("accounting", "journal-entries", entry_id)


def _amounts(values, *, blank_zero: bool = False) -> list[Cell]:
    return [Cell(value, blank_zero=blank_zero) for value in values]


def _parent(path: str) -> str:
    parts = path.strip("/").split("/")
    return "/" + "/".join(parts[:-1]) + "/" if len(parts) > 1 else ""


def _add(into: list[Decimal], values) -> None:
    for i, value in enumerate(values):
        into[i] += value


@dataclass(frozen=True)
class Item:
    """An account line of a statement: the section it sits in and its figures, one per amount column."""

    path: str
    code: str
    name: str
    nature: str
    figures: tuple[Decimal, ...]
    href: str = ""


def _sections(
    groups: dict[str, dict],
    items: list[Item],
    width: int,
    *,
    blank_zero: bool = False,
    sole_subtotal: bool = True,
    extras: tuple[tuple[str, tuple[Decimal, ...]], ...] = (),
) -> tuple[list[Row], list[Decimal]]:
    """The rows of the sections holding `items`, in the order of `groups` (path → name, and optionally the label
    of its total): each section's header, its accounts, its subsections, then its subtotal; and the total of the
    items and of the `extras` (label, figures), lines of no account shown after the sections. With `sole_subtotal`
    false, a single top section has no subtotal (the caller's total row follows) and holds the extras."""
    inside: dict[str, list[Item]] = defaultdict(list)
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * width)
    grand = [ZERO] * width
    for item in items:
        inside[item.path].append(item)
        path = item.path
        while path:
            _add(totals[path], item.figures)
            path = _parent(path)
        _add(grand, item.figures)
    for _label, figures in extras:
        _add(grand, figures)
    children: dict[str, list[str]] = defaultdict(list)
    for path in groups:
        if path in totals:
            children[_parent(path)].append(path)
    rows: list[Row] = []

    def extra_rows(depth: int, path: str) -> list[Row]:
        return [Row("line", [Cell(label), *_amounts(figures)], depth, path) for label, figures in extras]

    def emit(path: str, depth: int, sole: bool) -> None:
        group, parent = groups[path], _parent(path)
        rows.append(Row("group", [Cell(group["name"])] + [Cell()] * width, depth, parent, section=path))
        for item in sorted(inside[path], key=lambda i: i.code):
            cells = [Cell(item.name, href=item.href, code=item.code), *_amounts(item.figures, blank_zero=blank_zero)]
            rows.append(Row("line", cells, depth + 1, path))
        for child in children[path]:
            emit(child, depth + 1, False)
        if sole:
            rows.extend(extra_rows(depth + 1, path))
        else:
            label = group.get("total") or _("Total %(name)s") % {"name": group["name"]}
            rows.append(Row("subtotal", [Cell(label), *_amounts(totals[path])], depth, parent))

    tops = children[""]
    sole = len(tops) == 1 and not sole_subtotal
    for path in tops:
        emit(path, 0, sole)
    if not sole:
        rows.extend(extra_rows(0, ""))
    return rows, grand


def _chart() -> dict[str, dict]:
    """The chart's groups by path, in tree order."""
    return {group["path"]: group for group in statements.chart_groups()}


def _statement_items(
    reports: list[dict], chart: dict[str, dict], figures: Callable[[dict], tuple], href: Callable[[str], str]
) -> list[Item]:
    """One item per account found in any of `reports` (the current one first, then the comparison's), its figures
    side by side, zeros where a report has no row for it (no balance then)."""
    path_of = {group["code"]: path for path, group in chart.items()}
    accounts: dict[str, dict] = {}  # code → its row in the first report that has it
    figures_of: dict[str, dict[int, tuple]] = defaultdict(dict)  # code → report index → figures
    for i, report in enumerate(reports):
        for row in report["rows"]:
            accounts.setdefault(row["account"], row)
            figures_of[row["account"]][i] = figures(row)
    items = []
    for code, row in accounts.items():
        zeros = (ZERO,) * len(figures(row))
        values = tuple(v for i in range(len(reports)) for v in figures_of[code].get(i, zeros))
        items.append(Item(path_of[row["group"]], code, row["name"], row["nature"], values, href(code)))
    return items


def _span(lo: datetime.date, hi: datetime.date) -> str:
    return _("%(start)s – %(end)s") % {"start": day(lo), "end": day(hi)}


def _as_of(when: datetime.date) -> str:
    return _("As of %(date)s") % {"date": day(when)}


@dataclass(frozen=True)
class Compared:
    """A statement's query results: the current one, then the comparison's when asked; the heading of each."""

    reports: list[dict]
    headings: list[str]


def _at_day(query: Callable[..., dict], as_of, compare: str) -> Compared:
    current = query(as_of=as_of)
    if not compare:
        return Compared([current], [_as_of(current["as_of"])])
    before = statements.comparison_day(current["as_of"], compare)
    return Compared([current, query(as_of=before)], [_as_of(current["as_of"]), _as_of(before)])


def _over_range(query: Callable[..., dict], date_from, date_to, compare: str) -> Compared:
    current = query(date_from=date_from, date_to=date_to)
    lo, hi = current["date_from"], current["date_to"]
    if not compare:
        return Compared([current], [_span(lo, hi)])
    before = statements.comparison_range(lo, hi, compare)
    return Compared([current, query(date_from=before[0], date_to=before[1])], [_span(lo, hi), _span(*before)])


def _statement(title: str, compared: Compared, columns: list[Column], rows: list[Row]) -> Layout:
    """The layout of a statement: the account column, then `columns` once, or once per period under its heading
    when there is a comparison."""
    if len(compared.reports) > 1:
        columns = [Column(c.header, c.numeric, text) for text in compared.headings for c in columns]
    return Layout(title, compared.headings[0], [Column(_("Account")), *columns], rows)


def trial_balance(form: dict, compare: str) -> Layout:
    """Accounts with a balance under their groups, debit and credit columns, each group's subtotal, the totals."""
    compared = _at_day(statements.trial_balance, form["as_of"], compare)
    as_of = compared.reports[0]["as_of"]
    start = statements.fiscal_year_start(as_of)
    chart = _chart()
    items = _statement_items(
        compared.reports, chart, lambda r: (r["debit"], r["credit"]), lambda code: ledger_link(code, start, as_of)
    )
    rows, totals = _sections(chart, items, 2 * len(compared.reports), blank_zero=True)
    rows.append(Row("total", [Cell(_("Total")), *_amounts(totals)]))
    return _statement(_("Trial balance"), compared, [Column(_("Debit"), True), Column(_("Credit"), True)], rows)


def _blocks(chart, items, width, blocks, extras=None) -> tuple[list[Row], dict[str, list[Decimal]]]:
    """For each (nature, label) of `blocks`: the sections of that nature (with the nature's `extras` lines) and the
    block's total row. Returns the rows and each nature's totals."""
    rows, totals = [], {}
    for nature, label in blocks:
        block, total = _sections(
            chart,
            [i for i in items if i.nature == nature],
            width,
            sole_subtotal=False,
            extras=(extras or {}).get(nature, ()),
        )
        rows += [*block, Row("total", [Cell(label), *_amounts(total)])]
        totals[nature] = total
    return rows, totals


def profit_and_loss(form: dict, compare: str) -> Layout:
    """Income, then expenses, by group, each with its total; the net profit at the bottom."""
    compared = _over_range(statements.profit_and_loss, form["date_from"], form["date_to"], compare)
    lo, hi = compared.reports[0]["date_from"], compared.reports[0]["date_to"]
    chart = _chart()
    items = _statement_items(compared.reports, chart, lambda r: (r["amount"],), lambda code: ledger_link(code, lo, hi))
    blocks = ((Nature.INCOME, _("Total income")), (Nature.EXPENSE, _("Total expenses")))
    rows, totals = _blocks(chart, items, len(compared.reports), blocks)
    net = [income - expense for income, expense in zip(totals[Nature.INCOME], totals[Nature.EXPENSE], strict=True)]
    rows.append(Row("total", [Cell(_("Net profit")), *_amounts(net)]))
    return _statement(_("Profit and loss"), compared, [Column(_("Amount"), True)], rows)


def balance_sheet(form: dict, compare: str) -> Layout:
    """Assets, liabilities, equity (with the earnings not closed yet) by group, each with its total; at the
    bottom, liabilities and equity together, equal to the assets."""
    compared = _at_day(statements.balance_sheet, form["as_of"], compare)
    as_of = compared.reports[0]["as_of"]
    start = statements.fiscal_year_start(as_of)
    chart = _chart()
    items = _statement_items(
        compared.reports, chart, lambda r: (r["amount"],), lambda code: ledger_link(code, start, as_of)
    )
    earnings = (_("Current earnings (not closed yet)"), tuple(r["current_earnings"] for r in compared.reports))
    blocks = (
        (Nature.ASSET, _("Total assets")),
        (Nature.LIABILITY, _("Total liabilities")),
        (Nature.EQUITY, _("Total equity")),
    )
    rows, totals = _blocks(chart, items, len(compared.reports), blocks, {Nature.EQUITY: (earnings,)})
    both = [a + b for a, b in zip(totals[Nature.LIABILITY], totals[Nature.EQUITY], strict=True)]
    rows.append(Row("total", [Cell(_("Total liabilities and equity")), *_amounts(both)]))
    return _statement(_("Balance sheet"), compared, [Column(_("Amount"), True)], rows)


def general_ledger(form: dict, limit: int | None) -> Layout:
    """The opening balance, each posted line (its entry linked) with the running balance, the totals and the
    closing balance."""
    report = ledger.general_ledger(
        account=form["account"], date_from=form["date_from"], date_to=form["date_to"], limit=limit
    )
    blank = [Cell(), Cell()]
    rows = [Row("note", [Cell(_("Opening balance")), *blank, Cell(), Cell(), Cell(report["opening_balance"])])]
    for line in report["lines"]:
        text = line["narration"] or line["remarks"]
        cells = [Cell(line["date"]), Cell(line["entry_number"], href=entry_link(line["entry_id"])), Cell(text)]
        rows.append(
            Row("line", [*cells, *_amounts((line["debit"], line["credit"]), blank_zero=True), Cell(line["balance"])])
        )
    rows.append(
        Row("total", [Cell(_("Total")), *blank, *_amounts((report["total_debit"], report["total_credit"])), Cell()])
    )
    rows.append(Row("total", [Cell(_("Closing balance")), *blank, Cell(), Cell(), Cell(report["closing_balance"])]))
    columns = [
        Column(_("Date")),
        Column(_("Entry")),
        Column(_("Narration")),
        Column(_("Debit"), True),
        Column(_("Credit"), True),
        Column(_("Balance"), True),
    ]
    subtitle = f"{report['account']} {report['name']} · {_span(report['date_from'], report['date_to'])}"
    return Layout(_("General ledger"), subtitle, columns, rows, truncated=bool(report["next_cursor"]))


AGING_PAGE_BILLS = 300


def aging(form: dict, limit: int | None = None) -> Layout:
    """Open bills under their account (the customer's or supplier's ledger), the outstanding amount in the column
    of its age; each account's subtotal, the totals by age at the bottom. A page shows its first `limit` bills
    (the subtotals and totals count them all); the files have every bill."""
    report = ledger.aging_by_account(kind=form["kind"], as_of=form["as_of"], limit=limit)
    as_of, buckets = report["as_of"], list(AGING_BUCKETS)
    bills = {code: list(group) for code, group in groupby(report["rows"], key=lambda r: r["account"])}
    rows = []
    for account in report["accounts"]:
        code, name, path = account["code"], account["name"], f"/{account['code']}/"
        header = Cell(name, href=ledger_link(code, account["first"], as_of), code=code)
        rows.append(Row("group", [header] + [Cell()] * (4 + len(buckets)), 0, "", section=path))
        for bill in bills.get(code, ()):
            ages = [bill["outstanding"] if bill["bucket"] == bucket else ZERO for bucket in buckets]
            overdue = bill["days_overdue"] if bill["days_overdue"] > 0 else None
            cells = [
                Cell(bill["entry_number"], href=entry_link(bill["entry_id"])),
                Cell(bill["date"]),
                Cell(bill["due_date"]),
                Cell(overdue),
                *_amounts(ages, blank_zero=True),
                Cell(bill["outstanding"]),
            ]
            rows.append(Row("line", cells, 1, path))
        subtotal = [account["buckets"][bucket] for bucket in buckets] + [account["total"]]
        label = _("Total %(name)s") % {"name": name}
        rows.append(Row("subtotal", [Cell(label), Cell(), Cell(), Cell(), *_amounts(subtotal)], 0, ""))
    totals = [report["buckets"][bucket] for bucket in buckets]
    rows.append(Row("total", [Cell(_("Total")), Cell(), Cell(), Cell(), *_amounts([*totals, report["total"]])]))
    columns = [Column(_("Entry")), Column(_("Date")), Column(_("Due date")), Column(_("Days overdue"), True)]
    columns += [Column(str(label), True) for label in AGING_BUCKETS.values()] + [Column(_("Outstanding"), True)]
    title = _("Receivables aging") if report["kind"] == "receivable" else _("Payables aging")
    truncated = len(report["rows"]) < report["count"]
    return Layout(title, _as_of(as_of), columns, rows, truncated=truncated)


def cash_flow(form: dict) -> Layout:
    """Cash in (positive) and out by activity and category, each account's share linked to its ledger; at the
    bottom, the net change, the opening and the closing cash."""
    report = ledger.cash_flow(date_from=form["date_from"], date_to=form["date_to"])
    lo, hi = report["date_from"], report["date_to"]
    sections: dict[str, dict] = {}
    for activity, (name, total) in CASH_FLOW_ACTIVITIES.items():
        sections[f"/{activity}/"] = {"name": str(name), "total": str(total)}
        for category, label in CASH_FLOW_CATEGORIES.items():
            sections[f"/{activity}/{category}/"] = {"name": str(label)}
    items = [
        Item(
            f"/{row['activity']}/{row['category']}/",
            row["account"],
            row["name"],
            "",
            (row["amount"],),
            ledger_link(row["account"], lo, hi),
        )
        for row in report["rows"]
    ]
    rows, _total = _sections(sections, items, 1)
    rows += [
        Row("total", [Cell(_("Net change in cash")), Cell(report["net_change"])]),
        Row("note", [Cell(_("Cash at the beginning")), Cell(report["opening_cash"])]),
        Row("total", [Cell(_("Cash at the end")), Cell(report["closing_cash"])]),
    ]
    return Layout(_("Cash flow"), _span(lo, hi), [Column(_("Account")), Column(_("Amount"), True)], rows)
