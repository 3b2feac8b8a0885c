"""Reads of HR, scoped to the organization in context and, for people's records, by the record rule (DESIGN §5):
a member holding hr.manage_all (HR) sees every employee; any other member sees the employee linked to their user
and that employee's reports, direct or not (a manager sees their reports); a member linked to no employee sees
none. Without a user in context (a service, a job, the demo) there is no record rule. `access_<noun>` answers
NotFound for a row that is missing, of another organization, or outside the record rule.

Payroll reads through `employees_in_period`, `unpaid_leave_by_employee` (`unpaid_leave_days_by_employee`) and
`employee_account`."""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from comptoir.accounting.queries.budgets import budgets
from comptoir.hr.constants import LEAVE_HOLDING, EmployeeStatus, LeaveStatus, LeaveType
from comptoir.hr.models import (
    Attendance,
    Candidate,
    Department,
    Employee,
    Holiday,
    JobPosting,
    LeaveBalance,
    LeaveRequest,
    PerformanceReview,
    Position,
    TrainingEnrollment,
    TrainingProgram,
)
from comptoir.hr.module import MANAGE_ALL, WORK_WEEK
from comptoir.identity.queries import member_permissions
from comptoir.platform import crypto
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.modules import UnknownModule
from comptoir.platform.queries.attachments import attachments
from comptoir.platform.queries.configuration import get_setting
from comptoir.platform.queries.filters import filter_present, within_dates
from comptoir.platform.services.features import is_feature_enabled
from comptoir.platform.tenancy import current_user_id, require_org_id

_SUBTREE = """
WITH RECURSIVE tree AS (
    SELECT id FROM hr_employee WHERE organization_id = %s AND user_id = %s
    UNION
    SELECT e.id FROM hr_employee e JOIN tree t ON e.reports_to_id = t.id WHERE e.organization_id = %s
)
SELECT id FROM tree
"""


# ---- the record rule --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Scope:
    """Whom the user in context may see: everyone (`ids` None) or the employees in `ids`; `me` is the employee
    linked to the user, if any."""

    ids: frozenset | None
    me: uuid.UUID | None = None

    @property
    def everyone(self) -> bool:
        return self.ids is None

    def sees(self, employee_id) -> bool:
        return self.ids is None or employee_id in self.ids


def scope() -> Scope:
    """The record rule of the user in context (two statements: the permissions, the user's subtree)."""
    user_id = current_user_id()
    if user_id is None:
        return Scope(None)
    org_id = require_org_id()
    me = Employee.objects.filter(user_id=user_id).values_list("id", flat=True).first()
    if MANAGE_ALL in member_permissions(org_id, user_id):
        return Scope(None, me)
    if me is None:
        return Scope(frozenset())
    with connection.cursor() as cursor:
        cursor.execute(_SUBTREE, [org_id, user_id, org_id])
        return Scope(frozenset(row[0] for row in cursor.fetchall()), me)


def _scoped(qs, field: str = "employee_id", rule: Scope | None = None):
    rule = rule or scope()
    return qs if rule.everyone else qs.filter(**{f"{field}__in": list(rule.ids)})


def my_employee() -> Employee | None:
    """The employee linked to the user in context."""
    user_id = current_user_id()
    if user_id is None:
        return None
    return Employee.objects.select_related("department", "position").filter(user_id=user_id).first()


def _by_id_or_code(qs, ref, field: str, code_field: str, missing: str):
    if ref is None or str(ref).strip() == "":
        raise ValidationFailed(_("%(field)s is required") % {"field": field}, code="required", field=field)
    try:
        key = {"pk": uuid.UUID(str(ref))}
    except ValueError:
        key = {code_field: str(ref).strip()}
    row = qs.filter(**key).first()
    if row is None:
        raise ValidationFailed(missing % {"ref": ref}, code="unknown", field=field)
    return row


# ---- departments, positions, holidays --------------------------------------------------------------------------


def departments(*, parent=None, is_active=None, q=None):
    """Departments with their headcount (active employees)."""
    qs = filter_present(
        Department.objects.select_related("parent", "manager", "cost_center").annotate(
            headcount=Count("employees", filter=Q(employees__status=EmployeeStatus.ACTIVE))
        ),
        parent=parent,
        is_active=is_active,
    )
    if q and q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(code__icontains=q.strip()))
    return qs


def access_department(department_id) -> Department:
    row = departments().filter(pk=department_id).first()
    if row is None:
        raise NotFound(_("No such department"))
    return row


def resolve_department(ref, field: str = "department") -> Department:
    return _by_id_or_code(Department.objects.all(), ref, field, "code", _("No department “%(ref)s”"))


def department_budgets(department: Department):
    """The department's budgets: those of its cost center (accounting's budgets; none without a cost center)."""
    if department.cost_center_id is None:
        return budgets().none()
    return budgets(cost_center=str(department.cost_center_id))


def positions(*, department=None, is_active=None, q=None):
    qs = filter_present(Position.objects.select_related("department"), department=department, is_active=is_active)
    if q and q.strip():
        qs = qs.filter(Q(title__icontains=q.strip()) | Q(code__icontains=q.strip()))
    return qs


def access_position(position_id) -> Position:
    row = positions().filter(pk=position_id).first()
    if row is None:
        raise NotFound(_("No such position"))
    return row


def resolve_position(ref, field: str = "position") -> Position:
    return _by_id_or_code(Position.objects.all(), ref, field, "code", _("No position “%(ref)s”"))


def holidays(*, year=None, date_from=None, date_to=None):
    qs = within_dates(Holiday.objects.all(), "date", date_from, date_to)
    return qs.filter(date__year=year) if year else qs


def access_holiday(holiday_id) -> Holiday:
    row = Holiday.objects.filter(pk=holiday_id).first()
    if row is None:
        raise NotFound(_("No such holiday"))
    return row


# ---- the work calendar -----------------------------------------------------------------------------------------


def working_days(date_from: datetime.date, date_to: datetime.date) -> list[datetime.date]:
    """The organization's working days in [date_from, date_to]: its work week (setting hr.work_week) less its
    holidays (two statements)."""
    week = set(get_setting(WORK_WEEK))
    off = set(Holiday.objects.filter(date__gte=date_from, date__lte=date_to).values_list("date", flat=True))
    days, day = [], date_from
    while day <= date_to:
        if day.isoweekday() in week and day not in off:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


# ---- employees -------------------------------------------------------------------------------------------------


def employees(*, department=None, position=None, status=None, employment_type=None, reports_to=None, q=None):
    """The employees the record rule shows, filtered; `q` is a part of the name, number or e-mail, or a whole
    national id (through its blind index)."""
    qs = filter_present(
        Employee.objects.select_related("department", "position", "reports_to", "party", "user"),
        department=department,
        position=position,
        status=status,
        employment_type=employment_type,
        reports_to=reports_to,
    )
    text = (q or "").strip()
    if text:
        from comptoir.hr.constants import NATIONAL_ID_PURPOSE

        qs = qs.filter(
            Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
            | Q(employee_number__icontains=text)
            | Q(email__icontains=text)
            | Q(national_id_hash=crypto.blind_index(text.replace(" ", ""), purpose=NATIONAL_ID_PURPOSE))
        )
    return _scoped(qs, "pk")


def access_employee(employee_id) -> Employee:
    row = employees().filter(pk=employee_id).first()
    if row is None:
        raise NotFound(_("No such employee"))
    return row


def resolve_employee(ref, field: str = "employee") -> Employee:
    """The employee named by id or number, within the record rule (one outside it is unknown)."""
    return _by_id_or_code(employees(), ref, field, "employee_number", _("No employee “%(ref)s”"))


def manager_chain(employee_id) -> list[uuid.UUID]:
    """The ids of the employee's managers, nearest first (one statement)."""
    sql = """
    WITH RECURSIVE chain(id, depth) AS (
        SELECT reports_to_id, 1 FROM hr_employee WHERE id = %s AND organization_id = %s
        UNION ALL
        SELECT e.reports_to_id, c.depth + 1 FROM hr_employee e JOIN chain c ON e.id = c.id
        WHERE c.id IS NOT NULL AND c.depth < 1000 AND e.organization_id = %s
    )
    SELECT id FROM chain WHERE id IS NOT NULL ORDER BY depth
    """
    org_id = require_org_id()
    with connection.cursor() as cursor:
        cursor.execute(sql, [employee_id, org_id, org_id])
        return [row[0] for row in cursor.fetchall()]


def department_ancestors(department_id) -> list[uuid.UUID]:
    """The ids of the department's parents, nearest first (one statement)."""
    sql = """
    WITH RECURSIVE up(id, depth) AS (
        SELECT parent_id, 1 FROM hr_department WHERE id = %s AND organization_id = %s
        UNION ALL
        SELECT d.parent_id, u.depth + 1 FROM hr_department d JOIN up u ON d.id = u.id
        WHERE u.id IS NOT NULL AND u.depth < 1000 AND d.organization_id = %s
    )
    SELECT id FROM up WHERE id IS NOT NULL ORDER BY depth
    """
    org_id = require_org_id()
    with connection.cursor() as cursor:
        cursor.execute(sql, [department_id, org_id, org_id])
        return [row[0] for row in cursor.fetchall()]


# ---- attendance and leave --------------------------------------------------------------------------------------


def attendance(*, employee=None, status=None, date_from=None, date_to=None):
    qs = filter_present(Attendance.objects.select_related("employee"), employee=employee, status=status)
    return _scoped(within_dates(qs, "date", date_from, date_to))


def access_attendance(attendance_id) -> Attendance:
    row = attendance().filter(pk=attendance_id).first()
    if row is None:
        raise NotFound(_("No such attendance record"))
    return row


def leave_requests(*, employee=None, status=None, leave_type=None, date_from=None, date_to=None):
    """Leave requests; `date_from`/`date_to` keep those overlapping the range."""
    qs = filter_present(
        LeaveRequest.objects.select_related("employee", "approved_by"),
        employee=employee,
        status=status,
        leave_type=leave_type,
    )
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed(_("date_from must not be after date_to"), code="invalid_range", field="date_to")
    qs = filter_present(qs, end_date__gte=date_from, start_date__lte=date_to)
    return _scoped(qs)


def access_leave_request(leave_id) -> LeaveRequest:
    row = leave_requests().filter(pk=leave_id).first()
    if row is None:
        raise NotFound(_("No such leave request"))
    return row


def leave_balances(*, employee=None, year=None, leave_type=None):
    qs = filter_present(
        LeaveBalance.objects.select_related("employee"), employee=employee, year=year, leave_type=leave_type
    )
    return _scoped(qs)


def overlapping_leave(employee_id, start, end, *, exclude=None):
    """The employee's pending or approved requests overlapping [start, end]."""
    qs = LeaveRequest.objects.filter(
        employee_id=employee_id, status__in=LEAVE_HOLDING, start_date__lte=end, end_date__gte=start
    )
    return qs.exclude(pk=exclude) if exclude else qs


def leave_calendar(date_from, date_to) -> dict:
    """The approved leave (within the record rule) and the holidays in [date_from, date_to]."""
    leave = leave_requests(status=LeaveStatus.APPROVED, date_from=date_from, date_to=date_to).order_by("start_date")
    return {"leave": list(leave), "holidays": list(holidays(date_from=date_from, date_to=date_to))}


# ---- reviews, recruitment, training ----------------------------------------------------------------------------


def reviews(*, employee=None, reviewer=None, status=None):
    """Reviews of the employees the record rule shows, and those the user in context writes as reviewer."""
    qs = filter_present(
        PerformanceReview.objects.select_related("employee", "reviewer"),
        employee=employee,
        reviewer=reviewer,
        status=status,
    )
    rule = scope()
    if rule.everyone:
        return qs
    return qs.filter(Q(employee_id__in=list(rule.ids)) | Q(reviewer_id=rule.me))


def access_review(review_id) -> PerformanceReview:
    row = reviews().filter(pk=review_id).first()
    if row is None:
        raise NotFound(_("No such performance review"))
    return row


def job_postings(*, status=None, department=None, q=None):
    qs = filter_present(
        JobPosting.objects.select_related("department", "position").annotate(applications_count=Count("candidates")),
        status=status,
        department=department,
    )
    if q and q.strip():
        qs = qs.filter(title__icontains=q.strip())
    return qs


def access_job_posting(posting_id) -> JobPosting:
    row = job_postings().filter(pk=posting_id).first()
    if row is None:
        raise NotFound(_("No such job posting"))
    return row


def resolve_job_posting(ref, field: str = "job_posting") -> JobPosting:
    return _by_id_or_code(JobPosting.objects.all(), ref, field, "pk", _("No job posting “%(ref)s”"))


def candidates(*, job_posting=None, status=None, q=None):
    qs = filter_present(
        Candidate.objects.select_related("job_posting", "hired_employee"), job_posting=job_posting, status=status
    )
    text = (q or "").strip()
    if text:
        qs = qs.filter(Q(first_name__icontains=text) | Q(last_name__icontains=text) | Q(email__icontains=text))
    return qs


def access_candidate(candidate_id) -> Candidate:
    row = candidates().filter(pk=candidate_id).first()
    if row is None:
        raise NotFound(_("No such candidate"))
    return row


def training_programs(*, status=None, q=None):
    qs = filter_present(
        TrainingProgram.objects.annotate(enrolled_count=Count("enrollments", filter=~Q(enrollments__status="DROPPED"))),
        status=status,
    )
    if q and q.strip():
        qs = qs.filter(title__icontains=q.strip())
    return qs


def access_training_program(program_id) -> TrainingProgram:
    row = training_programs().filter(pk=program_id).first()
    if row is None:
        raise NotFound(_("No such training program"))
    return row


def resolve_training_program(ref, field: str = "program") -> TrainingProgram:
    return _by_id_or_code(TrainingProgram.objects.all(), ref, field, "pk", _("No training program “%(ref)s”"))


def enrollments(*, program=None, employee=None, status=None):
    qs = filter_present(
        TrainingEnrollment.objects.select_related("program", "employee"),
        program=program,
        employee=employee,
        status=status,
    )
    return _scoped(qs)


def access_enrollment(enrollment_id) -> TrainingEnrollment:
    row = enrollments().filter(pk=enrollment_id).first()
    if row is None:
        raise NotFound(_("No such enrollment"))
    return row


def certificates(enrollment: TrainingEnrollment):
    """The certificates (attachments) of an enrollment, oldest first."""
    return attachments(owner_type="hr.trainingenrollment", owner_id=enrollment.pk).order_by("created_at")


# ---- for payroll -----------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class EmployeeInPeriod:
    """An employee employed at some time in a pay period, with the dates payroll pro-rates by."""

    id: uuid.UUID
    employee_number: str
    name: str
    hire_date: datetime.date
    termination_date: datetime.date | None
    status: str
    party_id: uuid.UUID
    account_id: uuid.UUID
    department_id: uuid.UUID | None
    cost_center_id: uuid.UUID | None


def employees_in_period(date_from: datetime.date, date_to: datetime.date) -> list[EmployeeInPeriod]:
    """Every employee (not PENDING) hired on or before `date_to` and not terminated before `date_from`, by number,
    with the hire and termination dates, party, payable account and cost center (one statement; no record rule:
    payroll runs for the whole organization)."""
    rows = (
        Employee.objects.exclude(status=EmployeeStatus.PENDING)
        .filter(hire_date__lte=date_to)
        .filter(Q(termination_date__isnull=True) | Q(termination_date__gte=date_from))
        .select_related("party", "department")
        .order_by("employee_number")
    )
    return [
        EmployeeInPeriod(
            id=e.pk,
            employee_number=e.employee_number,
            name=e.name,
            hire_date=e.hire_date,
            termination_date=e.termination_date,
            status=e.status,
            party_id=e.party_id,
            account_id=e.party.account_id,
            department_id=e.department_id,
            cost_center_id=e.department.cost_center_id if e.department_id else None,
        )
        for e in rows
    ]


def _overlap(start, end, date_from, date_to) -> tuple[datetime.date, datetime.date] | None:
    lo, hi = max(start, date_from), min(end, date_to)
    return (lo, hi) if lo <= hi else None


def unpaid_leave_days(
    employee_id, date_from: datetime.date, date_to: datetime.date, *, working: bool = False
) -> Decimal:
    """The days of the employee's approved UNPAID leave inside [date_from, date_to]: calendar days (payroll
    pro-rates by calendar days), or the organization's working days with `working=True`."""
    rows = LeaveRequest.objects.filter(
        employee_id=employee_id,
        leave_type=LeaveType.UNPAID,
        status=LeaveStatus.APPROVED,
        start_date__lte=date_to,
        end_date__gte=date_from,
    ).values_list("start_date", "end_date")
    total = 0
    for start, end in rows:
        lo, hi = _overlap(start, end, date_from, date_to)
        total += len(working_days(lo, hi)) if working else (hi - lo).days + 1
    return Decimal(total)


def unpaid_leave_by_employee(
    employee_ids, date_from: datetime.date, date_to: datetime.date
) -> dict[uuid.UUID, list[tuple[datetime.date, datetime.date]]]:
    """The ranges of approved UNPAID leave of `employee_ids` inside [date_from, date_to] (clipped to it), by
    employee, oldest first (one statement): payroll counts them in any sub-range of its period."""
    rows = (
        LeaveRequest.objects.filter(
            employee_id__in=list(employee_ids),
            leave_type=LeaveType.UNPAID,
            status=LeaveStatus.APPROVED,
            start_date__lte=date_to,
            end_date__gte=date_from,
        )
        .order_by("employee_id", "start_date")
        .values_list("employee_id", "start_date", "end_date")
    )
    ranges: dict[uuid.UUID, list[tuple[datetime.date, datetime.date]]] = {}
    for employee_id, start, end in rows:
        ranges.setdefault(employee_id, []).append(_overlap(start, end, date_from, date_to))
    return ranges


def leave_days_in(ranges, date_from: datetime.date, date_to: datetime.date) -> Decimal:
    """The calendar days of `ranges` (from `unpaid_leave_by_employee`) inside [date_from, date_to]."""
    total = 0
    for start, end in ranges:
        if (both := _overlap(start, end, date_from, date_to)) is not None:
            total += (both[1] - both[0]).days + 1
    return Decimal(total)


def unpaid_leave_days_by_employee(employee_ids, date_from: datetime.date, date_to: datetime.date) -> dict:
    """{employee id: the calendar days of their approved UNPAID leave inside [date_from, date_to]} for each of
    `employee_ids` (zero for those without any), in one statement."""
    ids = [e if isinstance(e, uuid.UUID) else uuid.UUID(str(e)) for e in employee_ids]
    ranges = unpaid_leave_by_employee(ids, date_from, date_to)
    return {e: leave_days_in(ranges.get(e, ()), date_from, date_to) for e in ids}


def employee_account(employee_id) -> tuple[uuid.UUID, uuid.UUID]:
    """The employee's party and its payable account (the ledger salaries are credited to)."""
    row = Employee.objects.filter(pk=employee_id).values_list("party_id", "party__account_id").first()
    if row is None:
        raise NotFound(_("No such employee"))
    return row


def payslips_url(employee_id) -> str | None:
    """The payroll desk's list of the employee's payslips, for the user in context: None when the payroll module is
    not installed or switched off, or when the member may not view payslips (the URL is built by name: HR does not
    import payroll)."""
    user_id = current_user_id()
    if user_id is None or "payroll.view_payslip" not in member_permissions(require_org_id(), user_id):
        return None
    try:
        if not is_feature_enabled("payroll"):
            return None
    except UnknownModule:
        return None
    return f"{reverse('desk:list', args=('payroll', 'payslips'))}?employee={employee_id}"
