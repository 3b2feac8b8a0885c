"""HR in the desk (DESIGN §9): departments, positions, employees (their page with the year's leave balances and
links to their attendance and leave), attendance, leave requests (approve, reject, cancel buttons), holidays,
reviews, job postings, candidates and training. Every list runs the API's scoped list query, so the record rule
holds here too. Purpose-built pages (pages/): the leave calendar, the recruitment board, the self-service page."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import Field as SchemaField

from comptoir.desk.declarations import (
    Action,
    Choice,
    Column,
    Desk,
    DeskView,
    Field,
    FormSpec,
    LineTable,
    SearchHit,
    SearchSource,
    blank_is_none,
    choices_of,
)
from comptoir.desk.registry import record_url
from comptoir.hr import queries
from comptoir.hr.constants import (
    AttendanceStatus,
    CandidateStatus,
    EmployeeStatus,
    EmploymentType,
    EnrollmentStatus,
    LeaveStatus,
    LeaveType,
    PostingStatus,
    ProgramStatus,
    ReviewStatus,
)
from comptoir.hr.module import APPROVE_LEAVE, MANAGE_ALL
from comptoir.hr.schemas import (
    AttendanceFilters,
    AttendanceIn,
    CandidateFilters,
    CandidateIn,
    DepartmentFilters,
    DepartmentIn,
    DepartmentPatch,
    EmployeeFilters,
    EmployeeIn,
    EnrollmentFilters,
    EnrollmentIn,
    HolidayFilters,
    HolidayIn,
    LeaveFilters,
    LeaveIn,
    PositionFilters,
    PositionIn,
    PositionPatch,
    PostingFilters,
    PostingIn,
    PostingPatch,
    ProgramFilters,
    ProgramIn,
    ProgramPatch,
    RejectIn,
    ReviewFilters,
    ReviewIn,
    ReviewPatch,
)
from comptoir.hr.services import attendance as attendance_services
from comptoir.hr.services import employees as employee_services
from comptoir.hr.services import leave as leave_services
from comptoir.hr.services import organization, recruitment, reviews, training
from comptoir.platform.errors import PermissionDenied


def _of_employee(slug: str, employee) -> str:
    return f"{reverse('desk:list', args=('hr', slug))}?employee={employee.pk}"


def _code(obj, attr: str = "code") -> str:
    return getattr(obj, attr) if obj is not None else ""


def _initial(*names):
    return lambda row: {name: getattr(row, name) for name in names}


def find_employees(query: str, limit: int) -> list[SearchHit]:
    return [
        SearchHit(
            _("Employee"),
            f"{e.employee_number} {e.name}",
            e.get_status_display(),
            record_url("hr", "employees", e.pk),
            e.employee_number,
        )  # fmt: skip
        for e in queries.employees(q=query).order_by("last_name")[:limit]
    ]


departments = DeskView(
    slug="departments",
    label=_("Departments"),
    singular=_("department"),
    model="hr.department",
    permission="hr.view_department",
    query=queries.departments,
    get=queries.access_department,
    filters=DepartmentFilters,
    columns=(
        Column("code", _("Code"), sort="code", link=True),
        Column("name", _("Name"), sort="name"),
        Column("parent.name", _("Parent")),
        Column("manager.name", _("Head")),
        Column("cost_center.code", _("Cost center")),
        Column("headcount", _("Headcount"), kind="number"),
    ),
    ordering=("code",),
    header=(
        Column("parent.name", _("Parent")),
        Column("manager.name", _("Head")),
        Column("cost_center.code", _("Cost center")),
        Column("headcount", _("Headcount"), kind="number"),
    ),  # fmt: skip
    create=FormSpec(
        schema=DepartmentIn,
        permission="hr.add_department",
        fields=(
            Field("name", _("Name"), required=True),
            Field("code", _("Code")),
            Field("parent", _("Parent"), help=_("A department's code")),
            Field("manager", _("Head"), help=_("An employee's number")),
            Field("cost_center", _("Cost center"), help=_("A cost center's code")),
        ),  # fmt: skip
        save=lambda actor, body, obj: organization.create_department(
            actor=actor.user, data=organization.DepartmentInput(**body.dict())
        ),
    ),
    edit=FormSpec(
        schema=DepartmentPatch,
        permission="hr.change_department",
        fields=(
            Field("name", _("Name"), required=True),
            Field("code", _("Code"), required=True),
            Field("parent", _("Parent"), help=_("A department's code")),
            Field("manager", _("Head"), help=_("An employee's number")),
            Field("cost_center", _("Cost center"), help=_("A cost center's code")),
        ),  # fmt: skip
        initial=lambda d: {
            "name": d.name,
            "code": d.code,
            "parent": _code(d.parent),
            "manager": _code(d.manager, "employee_number"),
            "cost_center": _code(d.cost_center),
        },
        save=lambda actor, body, obj: organization.update_department(
            actor=actor.user, department_id=obj.pk, changes=organization.DepartmentPatch.from_schema(body)
        ),
    ),
    related=lambda d: [
        (_("Employees"), f"{reverse('desk:list', args=('hr', 'employees'))}?department={d.pk}"),
        *(
            [(_("Budgets"), f"{reverse('desk:list', args=('accounting', 'budgets'))}?cost_center={d.cost_center.code}")]
            if d.cost_center_id
            else []
        ),
    ],
    empty=_("No department yet: add the first one."),
)

positions = DeskView(
    slug="positions",
    label=_("Positions"),
    singular=_("position"),
    model="hr.position",
    permission="hr.view_position",
    query=queries.positions,
    get=queries.access_position,
    filters=PositionFilters,
    columns=(
        Column("code", _("Code"), sort="code", link=True),
        Column("title", _("Title"), sort="title"),
        Column("department.name", _("Department")),
        Column("level", _("Level")),
    ),  # fmt: skip
    ordering=("code",),
    create=FormSpec(
        schema=PositionIn,
        permission="hr.add_position",
        fields=(
            Field("code", _("Code"), required=True),
            Field("title", _("Title"), required=True),
            Field("department", _("Department"), required=True),
            Field("level", _("Level")),
            Field("min_salary", _("Minimum salary"), widget="decimal"),
            Field("max_salary", _("Maximum salary"), widget="decimal"),
        ),  # fmt: skip
        save=lambda actor, body, obj: organization.create_position(
            actor=actor.user, data=organization.PositionInput(**body.dict())
        ),
    ),
    edit=FormSpec(
        schema=PositionPatch,
        permission="hr.change_position",
        fields=(
            Field("code", _("Code"), required=True),
            Field("title", _("Title"), required=True),
            Field("department", _("Department"), required=True, help=_("A department's code")),
            Field("level", _("Level")),
            Field("min_salary", _("Minimum salary"), widget="decimal"),
            Field("max_salary", _("Maximum salary"), widget="decimal"),
        ),  # fmt: skip
        initial=lambda p: {
            **_initial("code", "title", "level", "min_salary", "max_salary")(p),
            "department": _code(p.department),
        },  # fmt: skip
        save=lambda actor, body, obj: organization.update_position(
            actor=actor.user, position_id=obj.pk, changes=organization.PositionPatch.from_schema(body)
        ),
    ),
)

EMPLOYEE_FIELDS = (
    Field("first_name", _("First name"), required=True),
    Field("last_name", _("Last name"), required=True),
    Field("hire_date", _("Hire date"), widget="date", required=True),
    Field("email", _("E-mail")),
    Field("phone", _("Phone")),
    Field("department", _("Department"), help=_("A department's code")),
    Field("position", _("Position"), help=_("A position's code")),
    Field("reports_to", _("Manager"), help=_("An employee's number")),
    Field("employment_type", _("Employment type"), widget="select", required=True, choices=choices_of(EmploymentType)),
    Field("status", _("Status"), widget="select", required=True, choices=choices_of(EmployeeStatus)[:2]),
    Field("national_id", _("National id"), help=_("Stored encrypted")),
)


EDIT_FIELDS = (
    Field("phone", _("Phone")),
    Field("address", _("Address"), widget="textarea", wide=True),
    Field("email", _("E-mail"), help=_("HR only")),
    Field("department", _("Department"), help=_("HR only")),
    Field("position", _("Position"), help=_("HR only")),
    Field("reports_to", _("Manager"), help=_("HR only")),
)


def _edit_employee(actor, body, obj):
    """The API's rule: HR changes any field; an employee only the personal fields of their own profile."""
    self_service = not actor.can(MANAGE_ALL)
    if self_service and obj.user_id != actor.user.pk:
        raise PermissionDenied(_("Only HR changes another employee's profile"), code="not_editable_by_employee")
    initial = _employee_initial(obj)
    sent = {k: v for k, v in body.dict(exclude_unset=True).items() if (v or "") != (initial.get(k) or "")}
    changes = employee_services.EmployeePatch(**{k: (v or None) for k, v in sent.items()})
    return employee_services.update_employee(actor=actor.user, employee_id=obj.pk, changes=changes,
                                             self_service=self_service)  # fmt: skip


def _employee_initial(employee) -> dict:
    return {
        "phone": employee.phone,
        "address": employee.address,
        "email": employee.email,
        "department": employee.department.code if employee.department_id else "",
        "position": employee.position.code if employee.position_id else "",
        "reports_to": employee.reports_to.employee_number if employee.reports_to_id else "",
    }


class EmployeeDeskPatch(Schema):
    """The desk's edit form: an employee sends only the personal fields (the others are left as they are)."""

    phone: str | None = SchemaField(None, max_length=50)
    address: str | None = SchemaField(None, max_length=10_000)
    email: str | None = SchemaField(None, max_length=254)
    department: str | None = SchemaField(None, max_length=100)
    position: str | None = SchemaField(None, max_length=100)
    reports_to: str | None = SchemaField(None, max_length=100)


def _employee_status(name: str, label, target: str) -> Action:
    sources = {a for a, b in employee_services.Employee.TRANSITIONS if b == target}
    return Action(
        name,
        label,
        MANAGE_ALL,
        run=lambda actor, obj, body: employee_services.change_employee_status(
            actor=actor.user, employee_id=obj.pk, status=target
        ),
        when=lambda e: e.status in sources,
        style="danger" if target == EmployeeStatus.TERMINATED else "",
    )


employees = DeskView(
    slug="employees",
    label=_("Employees"),
    singular=_("employee"),
    model="hr.employee",
    permission="hr.view_employee",
    query=queries.employees,
    get=queries.access_employee,
    filters=EmployeeFilters,
    columns=(
        Column("employee_number", _("Number"), sort="employee_number", link=True),
        Column("name", _("Name"), sort="last_name"),
        Column("department.name", _("Department")),
        Column("position.title", _("Position")),
        Column("hire_date", _("Hire date"), kind="date", sort="hire_date"),
        Column("status", _("Status"), kind="badge"),
    ),
    ordering=("employee_number",),
    title=lambda e: f"{e.employee_number} {e.name}",
    status="status",
    header=(
        Column("department.name", _("Department")),
        Column("position.title", _("Position")),
        Column("reports_to.name", _("Manager")),
        Column("hire_date", _("Hire date"), kind="date"),
        Column("termination_date", _("Termination date"), kind="date"),
        Column("employment_type", _("Employment type"), kind="choice"),
        Column("email", _("E-mail")),
        Column("phone", _("Phone")),
        Column("party.party_number", _("Party")),
        Column("national_id_last4", _("National id ends with")),
    ),
    lines=LineTable(
        _("Leave balance"),
        rows=lambda e: list(queries.leave_balances(employee=e.pk, year=timezone.localdate().year)),
        columns=(
            Column("leave_type", _("Type"), kind="choice"),
            Column("total_days", _("Total"), kind="number"),
            Column("used_days", _("Used"), kind="number"),
            Column("reserved_days", _("Reserved"), kind="number"),
            Column("available_days", _("Available"), kind="number"),
        ),
    ),
    create=FormSpec(
        schema=EmployeeIn,
        permission="hr.add_employee",
        fields=EMPLOYEE_FIELDS,
        save=lambda actor, body, obj: employee_services.create_employee(
            actor=actor.user, data=employee_services.EmployeeInput(**{**body.dict(), "user": None})
        ),
    ),
    edit=FormSpec(
        schema=EmployeeDeskPatch,
        permission="hr.change_employee",
        fields=EDIT_FIELDS,
        initial=_employee_initial,
        save=_edit_employee,
    ),
    actions=(
        _employee_status("activate", _("Activate"), EmployeeStatus.ACTIVE),
        _employee_status("deactivate", _("Deactivate"), EmployeeStatus.INACTIVE),
        _employee_status("terminate", _("Terminate"), EmployeeStatus.TERMINATED),
    ),
    related=lambda e: [
        (_("Attendance"), _of_employee("attendance", e)),
        (_("Leave requests"), _of_employee("leave-requests", e)),
        (_("Party"), record_url("parties", "parties", e.party_id)),
        *([(_("Payslips"), url)] if (url := queries.payslips_url(e.pk)) else []),
    ],
    empty=_("No employee yet: hire the first one."),
)

attendance = DeskView(
    slug="attendance",
    label=_("Attendance"),
    singular=_("attendance record"),
    model="hr.attendance",
    permission="hr.view_attendance",
    query=queries.attendance,
    get=queries.access_attendance,
    filters=AttendanceFilters,
    columns=(
        Column("date", _("Date"), kind="date", sort="date", link=True),
        Column("employee.name", _("Employee")),
        Column("check_in", _("Check-in"), kind="datetime"),
        Column("check_out", _("Check-out"), kind="datetime"),
        Column("hours_worked", _("Hours"), kind="number"),
        Column("overtime_hours", _("Overtime"), kind="number"),
        Column("status", _("Status"), kind="badge"),
    ),
    ordering=("-date",),
    status="status",
    create=FormSpec(
        schema=AttendanceIn,
        permission="hr.add_attendance",
        fields=(
            Field("employee", _("Employee"), required=True, help=_("An employee's number")),
            Field("date", _("Date"), widget="date", required=True),
            Field("check_in", _("Check-in"), help=_("e.g. 2026-03-02T09:00+01:00")),
            Field("check_out", _("Check-out")),
            Field("status", _("Status"), widget="select", choices=choices_of(AttendanceStatus)),
            Field("notes", _("Notes"), widget="textarea", wide=True),
        ),  # fmt: skip
        save=lambda actor, body, obj: attendance_services.record_attendance(
            actor=actor.user, data=attendance_services.AttendanceInput(**body.dict())
        ),
    ),
)


def _own_leave_input(body) -> leave_services.LeaveInput:
    data = body.dict()
    if not data.get("employee"):
        me = queries.my_employee()
        data["employee"] = str(me.pk) if me else ""
    return leave_services.LeaveInput(**data)


leave_requests = DeskView(
    slug="leave-requests",
    label=_("Leave requests"),
    singular=_("leave request"),
    model="hr.leaverequest",
    permission="hr.view_leaverequest",
    query=queries.leave_requests,
    get=queries.access_leave_request,
    filters=LeaveFilters,
    columns=(
        Column("employee.name", _("Employee"), link=True),
        Column("leave_type", _("Type"), kind="choice"),
        Column("start_date", _("From"), kind="date", sort="start_date"),
        Column("end_date", _("To"), kind="date"),
        Column("total_days", _("Days"), kind="number"),
        Column("status", _("Status"), kind="badge"),
    ),
    ordering=("-start_date",),
    status="status",
    header=(
        Column("leave_type", _("Type"), kind="choice"),
        Column("start_date", _("From"), kind="date"),
        Column("end_date", _("To"), kind="date"),
        Column("total_days", _("Days"), kind="number"),
        Column("reason", _("Reason")),
        Column("rejection_reason", _("Rejection reason")),
    ),  # fmt: skip
    create=FormSpec(
        schema=LeaveIn,
        permission="hr.add_leaverequest",
        fields=(
            Field("employee", _("Employee"), help=_("Empty: yourself")),
            Field("leave_type", _("Type"), widget="select", required=True, choices=choices_of(LeaveType)),
            Field("start_date", _("From"), widget="date", required=True),
            Field("end_date", _("To"), widget="date", required=True),
            Field("reason", _("Reason"), widget="textarea", wide=True),
        ),  # fmt: skip
        save=lambda actor, body, obj: leave_services.submit_leave(actor=actor.user, data=_own_leave_input(body)),
    ),
    actions=(
        Action(
            "approve",
            _("Approve"),
            APPROVE_LEAVE,
            run=lambda actor, obj, body: leave_services.approve_leave(actor=actor.user, leave_id=obj.pk),
            when=lambda lv: lv.status == LeaveStatus.PENDING,
        ),  # fmt: skip
        Action(
            "reject",
            _("Reject"),
            APPROVE_LEAVE,
            run=lambda actor, obj, body: leave_services.reject_leave(
                actor=actor.user, leave_id=obj.pk, reason=body.reason
            ),
            when=lambda lv: lv.status == LeaveStatus.PENDING,
            style="danger",
            fields=(Field("reason", _("Reason"), required=True, wide=True),),
            schema=RejectIn,
        ),  # fmt: skip
        Action(
            "cancel",
            _("Cancel"),
            "hr.change_leaverequest",
            run=lambda actor, obj, body: leave_services.cancel_leave(actor=actor.user, leave_id=obj.pk),
            when=lambda lv: lv.status in (LeaveStatus.PENDING, LeaveStatus.APPROVED),
        ),  # fmt: skip
    ),
    related=lambda lv: [(_("Leave calendar"), reverse("hr_leave_calendar") + f"?month={lv.start_date:%Y-%m}")],
)

holidays = DeskView(
    slug="holidays",
    label=_("Holidays"),
    singular=_("holiday"),
    model="hr.holiday",
    permission="hr.view_holiday",
    query=queries.holidays,
    get=queries.access_holiday,
    filters=HolidayFilters,
    columns=(Column("date", _("Date"), kind="date", sort="date", link=True), Column("name", _("Name"))),
    ordering=("date",),
    create=FormSpec(
        schema=HolidayIn,
        permission="hr.add_holiday",
        fields=(Field("date", _("Date"), widget="date", required=True), Field("name", _("Name"), required=True)),
        save=lambda actor, body, obj: organization.create_holiday(
            actor=actor.user, data=organization.HolidayInput(**body.dict())
        ),
    ),
)

REVIEW_TEXT_FIELDS = (
    Field("rating", _("Rating"), widget="decimal", help=_("From 1 to 5")),
    Field("strengths", _("Strengths"), widget="textarea", wide=True),
    Field("goals_achieved", _("Goals achieved"), widget="textarea", wide=True),
    Field("areas_for_improvement", _("Areas for improvement"), widget="textarea", wide=True),
    Field("next_goals", _("Next goals"), widget="textarea", wide=True),
    Field("recommendations", _("Recommendations"), widget="textarea", wide=True),
)


def _create_review(actor, body, obj):
    queries.resolve_employee(body.employee)
    return reviews.create_review(actor=actor.user, data=reviews.ReviewInput(**body.dict()))


def _edit_review(actor, body, obj):
    """The API's rule: HR or the reviewer writes a draft review."""
    if not actor.can(MANAGE_ALL) and obj.reviewer.user_id != actor.user.pk:
        raise PermissionDenied(_("Only the reviewer writes the review"), code="not_the_reviewer")
    return reviews.update_review(actor=actor.user, review_id=obj.pk, changes=reviews.ReviewPatch.from_schema(body))


class AcknowledgeIn(Schema):
    """The employee's sign-off: their comments, if any."""

    comments: str = SchemaField("", max_length=5000)


def _move_review(name: str, label, target: str, **more) -> Action:
    sources = {a for a, b in reviews.PerformanceReview.TRANSITIONS if b == target}
    return Action(
        name,
        label,
        "hr.change_performancereview",
        run=lambda actor, obj, body: reviews.move_review(
            actor=actor.user, review_id=obj.pk, status=target, comments=getattr(body, "comments", "") or ""
        ),
        when=lambda r: r.status in sources,
        **more,
    )


performance_reviews = DeskView(
    slug="reviews",
    label=_("Performance reviews"),
    singular=_("performance review"),
    model="hr.performancereview",
    permission="hr.view_performancereview",
    query=queries.reviews,
    get=queries.access_review,
    filters=ReviewFilters,
    columns=(
        Column("employee.name", _("Employee"), link=True),
        Column("reviewer.name", _("Reviewer")),
        Column("period_start", _("From"), kind="date", sort="period_start"),
        Column("period_end", _("To"), kind="date", sort="period_end"),
        Column("rating", _("Rating"), kind="number"),
        Column("status", _("Status"), kind="badge"),
    ),  # fmt: skip
    ordering=("-period_end",),
    title=lambda r: f"{r.employee.name} {r.period_start:%Y-%m-%d} – {r.period_end:%Y-%m-%d}",
    status="status",
    header=(
        Column("employee.name", _("Employee")),
        Column("reviewer.name", _("Reviewer")),
        Column("review_date", _("Review date"), kind="date"),
        Column("rating", _("Rating"), kind="number"),
        Column("strengths", _("Strengths")),
        Column("goals_achieved", _("Goals achieved")),
        Column("areas_for_improvement", _("Areas for improvement")),
        Column("next_goals", _("Next goals")),
        Column("recommendations", _("Recommendations")),
        Column("employee_comments", _("Employee's comments")),
    ),  # fmt: skip
    create=FormSpec(
        schema=ReviewIn,
        permission="hr.add_performancereview",
        fields=(
            Field("employee", _("Employee"), required=True, help=_("An employee's number")),
            Field("reviewer", _("Reviewer"), required=True, help=_("An employee's number")),
            Field("period_start", _("From"), widget="date", required=True),
            Field("period_end", _("To"), widget="date", required=True),
            Field("review_date", _("Review date"), widget="date"),
            *REVIEW_TEXT_FIELDS,
        ),  # fmt: skip
        save=_create_review,
    ),
    edit=FormSpec(
        schema=ReviewPatch,
        permission="hr.change_performancereview",
        fields=(Field("review_date", _("Review date"), widget="date"), *REVIEW_TEXT_FIELDS),
        initial=_initial("review_date", *(f.name for f in REVIEW_TEXT_FIELDS)),
        save=_edit_review,
    ),
    actions=(
        _move_review("submit", _("Submit"), ReviewStatus.SUBMITTED),
        _move_review(
            "acknowledge",
            _("Acknowledge"),
            ReviewStatus.ACKNOWLEDGED,
            fields=(Field("comments", _("Comments"), widget="textarea", wide=True),),
            schema=AcknowledgeIn,
        ),
        _move_review("close", _("Close"), ReviewStatus.CLOSED),
    ),
    related=lambda r: [(_("Employee"), record_url("hr", "employees", r.employee_id))],
    empty=_("No performance review yet."),
)

POSTING_EDIT_FIELDS = (
    Field("title", _("Title"), required=True),
    Field("description", _("Description"), widget="textarea", required=True, wide=True),
    Field("requirements", _("Requirements"), widget="textarea", wide=True),
    Field("location", _("Location")),
    Field("salary_range_min", _("Minimum salary"), widget="decimal"),
    Field("salary_range_max", _("Maximum salary"), widget="decimal"),
    Field("closing_date", _("Closing date"), widget="date"),
    Field("max_applications", _("Maximum applications"), widget="number"),
)

job_postings = DeskView(
    slug="job-postings",
    label=_("Job postings"),
    singular=_("job posting"),
    model="hr.jobposting",
    permission="hr.view_jobposting",
    query=queries.job_postings,
    get=queries.access_job_posting,
    filters=PostingFilters,
    columns=(
        Column("title", _("Title"), sort="title", link=True),
        Column("department.name", _("Department")),
        Column("posted_date", _("Posted"), kind="date", sort="posted_date"),
        Column("applications_count", _("Applications"), kind="number"),
        Column("status", _("Status"), kind="badge"),
    ),  # fmt: skip
    ordering=("-posted_date",),
    status="status",
    create=FormSpec(
        schema=PostingIn,
        permission="hr.add_jobposting",
        fields=(
            Field("title", _("Title"), required=True),
            Field("description", _("Description"), widget="textarea", required=True, wide=True),
            Field("department", _("Department")),
            Field("position", _("Position")),
            Field("closing_date", _("Closing date"), widget="date"),
            Field(
                "employment_type",
                _("Employment type"),
                widget="select",
                required=True,
                choices=choices_of(EmploymentType),
            ),
        ),  # fmt: skip
        save=lambda actor, body, obj: recruitment.create_posting(
            actor=actor.user, data=recruitment.PostingInput(**body.dict())
        ),
    ),
    edit=FormSpec(
        schema=PostingPatch,
        permission="hr.change_jobposting",
        fields=POSTING_EDIT_FIELDS,
        initial=_initial(*(f.name for f in POSTING_EDIT_FIELDS)),
        save=lambda actor, body, obj: recruitment.update_posting(
            actor=actor.user, posting_id=obj.pk, changes=recruitment.PostingPatch.from_schema(body)
        ),
    ),
    actions=tuple(
        Action(
            name,
            label,
            "hr.change_jobposting",
            run=lambda actor, obj, body, target=target: recruitment.change_posting_status(
                actor=actor.user, posting_id=obj.pk, status=target
            ),
            when=lambda p, target=target: (p.status, target) in recruitment.JobPosting.TRANSITIONS,
        )  # fmt: skip
        for name, label, target in (
            ("open", _("Open"), PostingStatus.OPEN),
            ("close", _("Close"), PostingStatus.CLOSED),
            ("fill", _("Mark as filled"), PostingStatus.FILLED),
            ("cancel", _("Cancel"), PostingStatus.CANCELLED),
        )  # fmt: skip
    ),
    related=lambda p: [(_("Candidates"), f"{reverse('desk:list', args=('hr', 'candidates'))}?job_posting={p.pk}")],
)

candidates = DeskView(
    slug="candidates",
    label=_("Candidates"),
    singular=_("candidate"),
    model="hr.candidate",
    permission="hr.view_candidate",
    query=queries.candidates,
    get=queries.access_candidate,
    filters=CandidateFilters,
    columns=(
        Column("name", _("Name"), link=True),
        Column("job_posting.title", _("Job posting")),
        Column("email", _("E-mail")),
        Column("status", _("Status"), kind="badge"),
    ),  # fmt: skip
    ordering=("-created_at",),
    status="status",
    create=FormSpec(
        schema=CandidateIn,
        permission="hr.add_candidate",
        fields=(
            Field("job_posting", _("Job posting"), required=True),
            Field("first_name", _("First name"), required=True),
            Field("last_name", _("Last name"), required=True),
            Field("email", _("E-mail"), required=True),
        ),  # fmt: skip
        save=lambda actor, body, obj: recruitment.apply_candidate(
            actor=actor.user, data=recruitment.CandidateInput(**{**body.dict(), "job_posting": str(body.job_posting)})
        ),
    ),
    actions=tuple(
        Action(
            name,
            label,
            "hr.change_candidate",
            run=lambda actor, obj, body, target=target: recruitment.move_candidate(
                actor=actor.user, candidate_id=obj.pk, status=target
            ),
            when=lambda c, target=target: (c.status, target) in recruitment.Candidate.TRANSITIONS,
            style="danger" if target == CandidateStatus.REJECTED else "",
        )  # fmt: skip
        for name, label, target in (
            ("screen", _("Screen"), CandidateStatus.SCREENING),
            ("interview", _("Interview"), CandidateStatus.INTERVIEW),
            ("offer", _("Offer"), CandidateStatus.OFFERED),
            ("reject", _("Reject"), CandidateStatus.REJECTED),
            ("withdraw", _("Withdraw"), CandidateStatus.WITHDRAWN),
        )  # fmt: skip
    ),
    related=lambda c: [(_("Recruitment board"), reverse("hr_recruitment_board"))],
)

PROGRAM_EDIT_FIELDS = (
    Field("title", _("Title"), required=True),
    Field("instructor", _("Instructor")),
    Field("location", _("Location")),
    Field("start_date", _("Start"), widget="date"),
    Field("end_date", _("End"), widget="date"),
    Field("duration_hours", _("Duration (hours)"), widget="number"),
    Field("cost", _("Cost"), widget="decimal"),
    Field("max_participants", _("Capacity"), widget="number"),
    Field("description", _("Description"), widget="textarea", wide=True),
)


def _open_programs() -> list[Choice]:
    """The programs that take enrollments, as a select's options."""
    rows = queries.training_programs().filter(status__in=(ProgramStatus.SCHEDULED, ProgramStatus.IN_PROGRESS))
    return [Choice(str(p.pk), p.title) for p in rows.order_by("start_date", "title")]


training_programs = DeskView(
    slug="training-programs",
    label=_("Training"),
    singular=_("training program"),
    model="hr.trainingprogram",
    permission="hr.view_trainingprogram",
    query=queries.training_programs,
    get=queries.access_training_program,
    filters=ProgramFilters,
    columns=(
        Column("title", _("Title"), sort="title", link=True),
        Column("start_date", _("Start"), kind="date"),
        Column("end_date", _("End"), kind="date"),
        Column("enrolled_count", _("Enrolled"), kind="number"),
        Column("max_participants", _("Capacity"), kind="number"),
        Column("status", _("Status"), kind="badge"),
    ),  # fmt: skip
    ordering=("-start_date", "title"),
    status="status",
    lines=LineTable(
        _("Enrollments"),
        rows=lambda p: list(queries.enrollments(program=p.pk)),
        link="hr.enrollments",
        columns=(
            Column("employee.name", _("Employee")),
            Column("status", _("Status"), kind="choice"),
            Column("grade", _("Grade")),
            Column("completion_date", _("Completed"), kind="date"),
        ),  # fmt: skip
    ),
    create=FormSpec(
        schema=ProgramIn,
        permission="hr.add_trainingprogram",
        fields=(
            Field("title", _("Title"), required=True),
            Field("instructor", _("Instructor")),
            Field("start_date", _("Start"), widget="date"),
            Field("end_date", _("End"), widget="date"),
            Field("max_participants", _("Capacity"), widget="number"),
        ),  # fmt: skip
        save=lambda actor, body, obj: training.create_program(
            actor=actor.user, data=training.ProgramInput(**body.dict())
        ),
    ),
    edit=FormSpec(
        schema=ProgramPatch,
        permission="hr.change_trainingprogram",
        fields=PROGRAM_EDIT_FIELDS,
        initial=_initial(*(f.name for f in PROGRAM_EDIT_FIELDS)),
        save=lambda actor, body, obj: training.update_training_program(
            actor=actor.user, program_id=obj.pk, changes=training.ProgramPatch.from_schema(body)
        ),
    ),
    edit_when=lambda p: p.status in (ProgramStatus.SCHEDULED, ProgramStatus.IN_PROGRESS),
    related=lambda p: [(_("Enroll an employee"), reverse("desk:create", args=("hr", "enrollments")))],
    actions=tuple(
        Action(
            name,
            label,
            "hr.change_trainingprogram",
            run=lambda actor, obj, body, target=target: training.change_program_status(
                actor=actor.user, program_id=obj.pk, status=target
            ),
            when=lambda p, target=target: (p.status, target) in training.TrainingProgram.TRANSITIONS,
        )  # fmt: skip
        for name, label, target in (
            ("start", _("Start"), ProgramStatus.IN_PROGRESS),
            ("complete", _("Complete"), ProgramStatus.COMPLETED),
            ("cancel", _("Cancel"), ProgramStatus.CANCELLED),
        )  # fmt: skip
    ),
)


class GradeIn(Schema):
    """A completed or failed enrollment's grade (and its date: default today)."""

    grade: str = SchemaField("", max_length=10)
    completion_date: datetime.date | None = None


def _move_enrollment(name: str, label, target: str, **more) -> Action:
    sources = {a for a, b in training.TrainingEnrollment.TRANSITIONS if b == target}
    return Action(
        name,
        label,
        "hr.change_trainingenrollment",
        run=lambda actor, obj, body: training.move_enrollment(
            actor=actor.user,
            enrollment_id=obj.pk,
            status=target,
            grade=getattr(body, "grade", "") or "",
            completion_date=getattr(body, "completion_date", None),
        ),
        when=lambda e: e.status in sources,
        **more,
    )


GRADE_FIELDS = (Field("grade", _("Grade")), Field("completion_date", _("Completed"), widget="date"))

enrollments = DeskView(
    slug="enrollments",
    label=_("Enrollments"),
    singular=_("enrollment"),
    model="hr.trainingenrollment",
    permission="hr.view_trainingenrollment",
    query=queries.enrollments,
    get=queries.access_enrollment,
    filters=EnrollmentFilters,
    columns=(
        Column("employee.name", _("Employee"), link=True),
        Column("program.title", _("Training program")),
        Column("enrollment_date", _("Enrolled on"), kind="date", sort="enrollment_date"),
        Column("status", _("Status"), kind="badge"),
        Column("grade", _("Grade")),
        Column("completion_date", _("Completed"), kind="date"),
    ),  # fmt: skip
    ordering=("-enrollment_date",),
    title=lambda e: f"{e.employee.name} · {e.program.title}",
    status="status",
    create=FormSpec(
        schema=EnrollmentIn,
        permission="hr.add_trainingenrollment",
        fields=(
            Field("program", _("Training program"), widget="select", required=True, choices=_open_programs),
            Field("employee", _("Employee"), widget="picker", picker="hr.employees", required=True),
            Field("enrollment_date", _("Enrolled on"), widget="date", help=_("Empty: today")),
        ),
        prepare=blank_is_none,
        save=lambda actor, body, obj: training.enroll(
            actor=actor.user, program=str(body.program), employee=body.employee, enrollment_date=body.enrollment_date
        ),
    ),
    header=(
        Column("program.title", _("Training program")),
        Column("enrollment_date", _("Enrolled on"), kind="date"),
        Column("grade", _("Grade")),
        Column("completion_date", _("Completed"), kind="date"),
    ),  # fmt: skip
    actions=(
        _move_enrollment("start", _("Start"), EnrollmentStatus.IN_PROGRESS),
        _move_enrollment("complete", _("Complete"), EnrollmentStatus.COMPLETED, fields=GRADE_FIELDS, schema=GradeIn),
        _move_enrollment(
            "fail", _("Fail"), EnrollmentStatus.FAILED, fields=GRADE_FIELDS, schema=GradeIn, style="danger"
        ),  # fmt: skip
        _move_enrollment("drop", _("Drop"), EnrollmentStatus.DROPPED, style="danger"),
    ),
    related=lambda e: [
        (_("Training program"), record_url("hr", "training-programs", e.program_id)),
        (_("Employee"), record_url("hr", "employees", e.employee_id)),
    ],
)

DESK = Desk(
    views=(
        employees,
        departments,
        positions,
        attendance,
        leave_requests,
        holidays,
        performance_reviews,
        job_postings,
        candidates,
        training_programs,
        enrollments,
    ),  # fmt: skip
    search=(SearchSource("employees", _("Employees"), "hr.view_employee", find_employees),),
)
