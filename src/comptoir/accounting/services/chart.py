"""The chart of accounts: a tree of groups (materialized path, a child keeps its parent's nature) whose leaves
are the accounts journal lines post to. System rows cannot be deleted; an account with lines cannot either.

An account is renamed freely; its type changes only while it has no journal lines, and once it has some it moves
only to a group of the same nature (its history keeps its meaning); a system account keeps its type. It is
deactivated only at a zero balance; an inactive account takes no new postings (checked when an entry posts)."""

from __future__ import annotations

import dataclasses
import uuid

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Sum
from django.utils.translation import gettext as _

from comptoir.accounting.constants import REPORT_TYPE_OF_NATURE, AccountType, Nature
from comptoir.accounting.models import Account, AccountBalance, AccountGroup, CostCenter, JournalLine
from comptoir.platform.constants import AuditAction
from comptoir.platform.db import fetch_rows
from comptoir.platform.errors import Conflict, NotFound, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.services.audit import record_audit, snapshot

GROUP_AUDITED = ("code", "name", "parent", "nature", "report_type", "path")
ACCOUNT_AUDITED = ("code", "name", "group", "account_type", "is_cost_center_applicable", "is_bill_wise", "is_active")
ACCOUNT_AUDITED += ("currency",)
MAX_PATH = AccountGroup._meta.get_field("path").max_length


def _by_id_or_code(model, ref, field: str):
    """The row of `model` named by its id or its code (in the organization in context), else a field error."""
    if isinstance(ref, model):
        return ref
    if ref is None or ref == "":
        raise ValidationFailed(_("%(field)s is required") % {"field": field}, code="required", field=field)
    try:
        found = fetch_rows(model, "id = %s", [uuid.UUID(str(ref))])
    except ValueError:
        found = fetch_rows(model, "code = %s", [str(ref)])
    row = found[0] if found else None
    if row is None:
        raise ValidationFailed(
            _("No %(verbose_name)s '%(ref)s'") % {"verbose_name": model._meta.verbose_name, "ref": ref},
            code="unknown",
            field=field,
        )
    return row


def resolve_group(ref, field: str = "group") -> AccountGroup:
    return _by_id_or_code(AccountGroup, ref, field)


def resolve_account(ref, field: str = "account") -> Account:
    return _by_id_or_code(Account, ref, field)


def resolve_cost_center(ref, field: str = "cost_center") -> CostCenter:
    return _by_id_or_code(CostCenter, ref, field)


def _required_text(value: str | None, field: str) -> str:
    """`value` stripped; a blank (or null) one is refused as `required`."""
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(_("%(field)s is required") % {"field": field}, code="required", field=field)
    return text


@dataclasses.dataclass(frozen=True, kw_only=True)
class AccountGroupInput:
    """A new group under `parent` (id or code), or a root group, which needs its `nature`."""

    code: str
    name: str
    nature: str | None = None
    parent: str | uuid.UUID | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class AccountGroupPatch(Patch):
    name: str | _Unset = UNSET
    parent: str | uuid.UUID | None | _Unset = UNSET


@dataclasses.dataclass(frozen=True, kw_only=True)
class AccountInput:
    """A new account (a leaf) in `group`: its id, its code or the group itself."""

    code: str
    name: str
    group: str | uuid.UUID | AccountGroup
    account_type: str = AccountType.GENERAL
    is_cost_center_applicable: bool = False
    is_bill_wise: bool = False


@dataclasses.dataclass(frozen=True, kw_only=True)
class AccountPatch(Patch):
    name: str | _Unset = UNSET
    group: str | uuid.UUID | _Unset = UNSET
    account_type: str | _Unset = UNSET
    is_cost_center_applicable: bool | _Unset = UNSET
    is_bill_wise: bool | _Unset = UNSET
    is_active: bool | _Unset = UNSET


@dataclasses.dataclass(frozen=True, kw_only=True)
class CostCenterInput:
    code: str
    name: str


def create_account_group(*, actor, data: AccountGroupInput, is_system: bool = False) -> AccountGroup:
    """A group under `parent` or a root. A child takes its parent's nature (giving another one is refused); the
    report type follows the nature (assets/liabilities/equity → BS, income/expense → PL)."""
    code = _required_text(data.code, "code")
    name = _required_text(data.name, "name")
    with transaction.atomic():
        parent = resolve_group(data.parent, "parent") if data.parent else None
        nature = data.nature or (parent.nature if parent else None)
        if nature is None:
            raise ValidationFailed(_("A root group needs its nature"), code="invalid", field="nature")
        if parent is not None and nature != parent.nature:
            raise ValidationFailed(
                _("A child group keeps its parent's nature (%(nature)s)") % {"nature": parent.nature},
                code="nature_mismatch",
                field="nature",
            )
        path = f"{parent.path if parent else '/'}{code}/"
        if len(path) > MAX_PATH:
            raise ValidationFailed(_("The group tree is too deep"), code="too_deep", field="parent")
        try:
            with transaction.atomic():
                group = AccountGroup.objects.create(
                    code=code,
                    name=name,
                    parent=parent,
                    nature=nature,
                    report_type=REPORT_TYPE_OF_NATURE[Nature(nature)],
                    path=path,
                    is_system=is_system,
                    created_by=actor,
                    updated_by=actor,
                )
        except IntegrityError as exc:
            raise ValidationFailed(
                _("A group with code '%(code)s' exists") % {"code": code}, code="duplicate", field="code"
            ) from exc
        record_audit(actor=actor, action=AuditAction.CREATE, obj=group, new=snapshot(group, GROUP_AUDITED))
    return group


def update_account_group(*, actor, group_id, changes: AccountGroupPatch) -> AccountGroup:
    """Rename a group or move it under another parent (never under itself or one of its descendants; a moved group
    must have its new parent's nature). The paths of its subtree follow."""
    given = changes.provided()
    with transaction.atomic():
        group = AccountGroup.objects.select_for_update().filter(pk=group_id).first()
        if group is None:
            raise NotFound(_("No such account group"))
        before = snapshot(group, GROUP_AUDITED)
        if "name" in given:
            group.name = _required_text(given["name"], "name")
        if "parent" in given:
            parent = resolve_group(given["parent"], "parent") if given["parent"] else None
            if parent is not None and parent.path.startswith(group.path):
                raise ValidationFailed(
                    _("A group cannot be moved under itself or its descendants"), code="cycle", field="parent"
                )
            if parent is not None and parent.nature != group.nature:
                raise ValidationFailed(
                    _("A child group keeps its parent's nature (%(nature)s)") % {"nature": parent.nature},
                    code="nature_mismatch",
                    field="parent",
                )
            old_path = group.path
            new_path = f"{parent.path if parent else '/'}{group.code}/"
            group.parent = parent
            group.path = new_path
            for child in (
                AccountGroup.objects.select_for_update().filter(path__startswith=old_path).exclude(pk=group.pk)
            ):
                child.path = new_path + child.path[len(old_path) :]
                if len(child.path) > MAX_PATH:
                    raise ValidationFailed(_("The group tree is too deep"), code="too_deep", field="parent")
                child.save(update_fields=["path", "updated_at"])
        group.updated_by = actor
        group.save()
        after = snapshot(group, GROUP_AUDITED)
        if after != before:
            record_audit(actor=actor, action=AuditAction.UPDATE, obj=group, old=before, new=after)
    return group


def create_account(*, actor, data: AccountInput, is_system: bool = False) -> Account:
    """A ledger account (a leaf) in `data.group`."""
    code = _required_text(data.code, "code")
    name = _required_text(data.name, "name")
    with transaction.atomic():
        group = resolve_group(data.group)
        try:
            with transaction.atomic():
                account = Account.objects.create(
                    code=code,
                    name=name,
                    group=group,
                    account_type=data.account_type,
                    is_cost_center_applicable=data.is_cost_center_applicable,
                    is_bill_wise=data.is_bill_wise,
                    is_system=is_system,
                    created_by=actor,
                    updated_by=actor,
                )
        except IntegrityError as exc:
            raise ValidationFailed(
                _("An account with code '%(code)s' exists") % {"code": code}, code="duplicate", field="code"
            ) from exc
        record_audit(actor=actor, action=AuditAction.CREATE, obj=account, new=snapshot(account, ACCOUNT_AUDITED))
    return account


def _lock_account(account_id) -> Account:
    account = Account.objects.select_for_update().select_related("group").filter(pk=account_id).first()
    if account is None:
        raise NotFound(_("No such account"))
    return account


def _in_use(account: Account) -> bool:
    return JournalLine.objects.filter(account=account).exists()


def _set_active(account: Account, active: bool) -> None:
    """Reactivate, or deactivate: refused while the balance (posted lines) is not zero."""
    if active or not account.is_active:
        account.is_active = active
        return
    totals = AccountBalance.objects.filter(account=account).aggregate(
        debit=Sum("debit_total"), credit=Sum("credit_total")
    )
    balance = (totals["debit"] or 0) - (totals["credit"] or 0)
    if balance:
        raise Conflict(
            _("Account %(code)s has a balance of %(balance)s; bring it to zero first")
            % {"code": account.code, "balance": f"{balance.normalize():f}"},
            code="balance_not_zero",
            field="is_active",
        )
    account.is_active = False


def update_account(*, actor, account_id, changes: AccountPatch) -> Account:
    """Change the name, group, type, flags or `is_active` of an account (see the module's rules)."""
    with transaction.atomic():
        account = _lock_account(account_id)
        before = snapshot(account, ACCOUNT_AUDITED)
        for name, value in changes.provided().items():
            if name == "group":
                group = resolve_group(value)
                if group.nature != account.group.nature and _in_use(account):
                    raise Conflict(
                        _("An account with journal lines stays in a group of nature %(nature)s")
                        % {"nature": account.group.nature},
                        code="account_in_use",
                        field="group",
                    )
                account.group = group
            elif name == "name":
                account.name = _required_text(value, "name")
            elif name == "account_type":
                if value != account.account_type and (account.is_system or _in_use(account)):
                    raise Conflict(
                        _("The type of a system account, or of one with journal lines, cannot change"),
                        code="account_in_use",
                        field="account_type",
                    )
                account.account_type = value
            elif name == "is_active":
                _set_active(account, value)
            else:
                setattr(account, name, value)
        account.updated_by = actor
        account.save()
        after = snapshot(account, ACCOUNT_AUDITED)
        if after != before:
            record_audit(actor=actor, action=AuditAction.UPDATE, obj=account, old=before, new=after)
    return account


def deactivate_account(*, actor, account_id) -> Account:
    """Deactivate an account at a zero balance (see `update_account`); an inactive one is refused."""
    with transaction.atomic():
        if not _lock_account(account_id).is_active:
            raise Conflict(_("The account is already inactive"), code="already_inactive")
        return update_account(actor=actor, account_id=account_id, changes=AccountPatch(is_active=False))


def activate_account(*, actor, account_id) -> Account:
    with transaction.atomic():
        if _lock_account(account_id).is_active:
            raise Conflict(_("The account is already active"), code="already_active")
        return update_account(actor=actor, account_id=account_id, changes=AccountPatch(is_active=True))


def delete_account(*, actor, account_id) -> None:
    """Refused for a system account, for an account that has journal lines, and for one another record keeps as its
    ledger (a bank account, a party): deactivate it instead."""
    with transaction.atomic():
        account = _lock_account(account_id)
        if account.is_system:
            raise Conflict(_("A system account cannot be deleted"), code="system_account")
        if JournalLine.objects.filter(account=account).exists():
            raise Conflict(_("The account has journal lines; deactivate it instead"), code="account_in_use")
        record_audit(actor=actor, action=AuditAction.DELETE, obj=account, old=snapshot(account, ACCOUNT_AUDITED))
        try:
            with transaction.atomic():
                account.delete()
        except ProtectedError as exc:  # a record of another module is kept on it (a bank account, a party…)
            holder = next(iter(exc.protected_objects))._meta.verbose_name
            raise Conflict(
                _("The account is the ledger of a %(holder)s; deactivate it instead") % {"holder": holder},
                code="account_in_use",
            ) from exc


def create_cost_center(*, actor, data: CostCenterInput) -> CostCenter:
    code = _required_text(data.code, "code")
    name = _required_text(data.name, "name")
    with transaction.atomic():
        try:
            with transaction.atomic():
                center = CostCenter.objects.create(code=code, name=name, created_by=actor, updated_by=actor)
        except IntegrityError as exc:
            raise ValidationFailed(
                _("A cost center with code '%(code)s' exists") % {"code": code}, code="duplicate", field="code"
            ) from exc
        record_audit(actor=actor, action=AuditAction.CREATE, obj=center, new=snapshot(center, ("code", "name")))
    return center
