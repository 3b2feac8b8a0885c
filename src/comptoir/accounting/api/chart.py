"""Chart of accounts: account groups and accounts."""

from __future__ import annotations

import uuid

from ninja import Query, Router, Status

from comptoir.accounting.queries import books as queries
from comptoir.accounting.schemas.core import (
    AccountFilters,
    AccountGroupIn,
    AccountGroupOut,
    AccountGroupPage,
    AccountIn,
    AccountOut,
    AccountPage,
)
from comptoir.accounting.services import chart
from comptoir.platform.access import authorize
from comptoir.platform.pagination import PageParams, paginate

router = Router()


@router.get("/account-groups", response=AccountGroupPage)
def list_account_groups(request, page: Query[PageParams]):
    authorize(request, "accounting.view_accountgroup")
    return paginate(queries.account_groups(), page, allowed_ordering={"path", "code"}, default_ordering=["path"])


@router.post("/account-groups", response={201: AccountGroupOut})
def create_account_group(request, body: AccountGroupIn):
    actor = authorize(request, "accounting.add_accountgroup")
    return Status(201, chart.create_account_group(actor=actor.user, data=body.dict()))


@router.get("/account-groups/{group_id}", response=AccountGroupOut)
def get_account_group(request, group_id: uuid.UUID):
    authorize(request, "accounting.view_accountgroup")
    return queries.access_account_group(group_id)


@router.get("/accounts", response=AccountPage)
def list_accounts(request, page: Query[PageParams], filters: Query[AccountFilters]):
    authorize(request, "accounting.view_account")
    return paginate(
        queries.accounts(**filters.dict()), page, allowed_ordering={"code", "name"}, default_ordering=["code"]
    )


@router.post("/accounts", response={201: AccountOut})
def create_account(request, body: AccountIn):
    actor = authorize(request, "accounting.add_account")
    return Status(201, chart.create_account(actor=actor.user, data=body.dict()))


@router.get("/accounts/{account_id}", response=AccountOut)
def get_account(request, account_id: uuid.UUID):
    authorize(request, "accounting.view_account")
    return queries.access_account(account_id)
