"""Budgets and the budget-vs-actual report."""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from ninja import Query, Router, Status

from comptoir.accounting.queries import budgets as queries
from comptoir.accounting.schemas.budgets import (
    BudgetFilters,
    BudgetIn,
    BudgetOut,
    BudgetPage,
    BudgetPatch,
    BudgetReport,
)
from comptoir.accounting.services import budgets as services
from comptoir.platform.access import authorize
from comptoir.platform.exports import ExportParams, list_or_export, report_or_export
from comptoir.platform.http import etag, if_match_version
from comptoir.platform.pagination import PageParams

router = Router()

REPORT_COLUMNS = [
    ("name", "name"),
    ("fiscal_year", "fiscal_year.name"),
    ("quarter", "quarter"),
    ("account", "account.code"),
    ("category", "category"),
    ("cost_center", "cost_center.code"),
    ("status", "status"),
    ("currency", "currency.code"),
    ("allocated", "allocated_amount", True),
    ("spent", "spent", True),
    ("remaining", "remaining", True),
    ("utilisation", "utilisation"),
]


@router.get("/budgets", response=BudgetPage)
def list_budgets(request, page: Query[PageParams], filters: Query[BudgetFilters], export: Query[ExportParams]):
    """The budgets with what they spent, filtered by year, status, account, cost center and category."""
    authorize(request, "accounting.view_budget")
    return list_or_export(
        request,
        queries.budgets(**filters.dict()),
        page,
        export,
        allowed_ordering={"name", "created_at", "allocated_amount"},
        default_ordering=["name"],
        schema=BudgetOut,
        filename="budgets",
        totals=("allocated_amount", "spent", "remaining"),
        prepare=queries.with_figures,
    )


@router.post("/budgets", response={201: BudgetOut})
def create_budget(request, body: BudgetIn):
    """Create a budget for a fiscal year or quarter on an account, a category and/or a cost center."""
    actor = authorize(request, "accounting.add_budget")
    budget = services.create_budget(actor=actor.user, data=services.BudgetInput(**body.dict()))
    return Status(201, queries.access_budget(budget.pk))


@router.get("/budgets/report", response=BudgetReport)
def budget_report(request, fiscal_year: str, export: Query[ExportParams]):
    """Budget vs actual of a fiscal year (id or name); `?format=csv|xlsx` downloads the rows."""
    authorize(request, "accounting.view_report")
    report = queries.budget_report(fiscal_year=fiscal_year)
    return report_or_export(
        request,
        report,
        export,
        rows="rows",
        columns=REPORT_COLUMNS,
        filename="budget-vs-actual",
        object_type="accounting.budget",
        report="budget-vs-actual",
        fiscal_year=str(report["fiscal_year"]),
    )


@router.get("/budgets/{budget_id}", response=BudgetOut)
def get_budget(request, budget_id: uuid.UUID, response: HttpResponse):
    """One budget with its allocated, spent and remaining amounts; the ETag is its version."""
    authorize(request, "accounting.view_budget")
    budget = queries.access_budget(budget_id)
    response["ETag"] = etag(budget.version)
    return budget


@router.patch("/budgets/{budget_id}", response=BudgetOut)
def update_budget(request, budget_id: uuid.UUID, body: BudgetPatch, response: HttpResponse):
    """Change a budget; send `If-Match` with the ETag read to refuse a lost update (412)."""
    actor = authorize(request, "accounting.change_budget")
    queries.access_budget(budget_id)
    services.update_budget(
        actor=actor.user,
        budget_id=budget_id,
        changes=services.BudgetPatch.from_schema(body),
        expected_version=if_match_version(request),
    )
    budget = queries.access_budget(budget_id)
    response["ETag"] = etag(budget.version)
    return budget


@router.post("/budgets/{budget_id}/close", response=BudgetOut)
def close_budget(request, budget_id: uuid.UUID):
    """ACTIVE → CLOSED: kept in the report, no longer checked when entries post."""
    actor = authorize(request, "accounting.change_budget")
    queries.access_budget(budget_id)
    services.close_budget(actor=actor.user, budget_id=budget_id)
    return queries.access_budget(budget_id)
