"""The HR API at /api/v1/hr. Thin: parse, authorise, apply the record rule (through the scoped queries: another
employee's record outside it is a 404), call a service or a query, serialise.

Reading needs hr.view_<model>, writing hr.add_/change_<model>; approving or rejecting leave
hr.approve_leaverequest (and being HR or one of the employee's managers); changing an employee's status, or any
field of another employee's profile, hr.manage_all (an employee edits only the personal fields of their own)."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from comptoir.hr import queries
from comptoir.hr.module import APPROVE_LEAVE, MANAGE_ALL
from comptoir.hr.schemas import (
    AccrueIn,
    AccrueOut,
    AttendanceFilters,
    AttendanceIn,
    AttendanceOut,
    AttendancePage,
    AttendancePatch,
    BalanceFilters,
    BalancePage,
    CandidateFilters,
    CandidateIn,
    CandidateOut,
    CandidatePage,
    CandidateStatusIn,
    CertificateOut,
    CheckIn,
    DepartmentFilters,
    DepartmentIn,
    DepartmentOut,
    DepartmentPage,
    DepartmentPatch,
    EmployeeFilters,
    EmployeeIn,
    EmployeeOut,
    EmployeePage,
    EmployeePatch,
    EmployeeStatusIn,
    EnrollmentFilters,
    EnrollmentIn,
    EnrollmentOut,
    EnrollmentPage,
    EnrollmentStatusIn,
    HireIn,
    HolidayFilters,
    HolidayIn,
    HolidayOut,
    HolidayPage,
    LeaveFilters,
    LeaveIn,
    LeaveOut,
    LeavePage,
    PositionFilters,
    PositionIn,
    PositionOut,
    PositionPage,
    PositionPatch,
    PostingFilters,
    PostingIn,
    PostingOut,
    PostingPage,
    PostingPatch,
    PostingStatusIn,
    ProgramFilters,
    ProgramIn,
    ProgramOut,
    ProgramPage,
    ProgramPatch,
    ProgramStatusIn,
    ReasonIn,
    RejectIn,
    ReviewFilters,
    ReviewIn,
    ReviewOut,
    ReviewPage,
    ReviewPatch,
    ReviewStatusIn,
)
from comptoir.hr.services import attendance as attendance_services
from comptoir.hr.services import employees as employee_services
from comptoir.hr.services import leave as leave_services
from comptoir.hr.services import organization, recruitment, reviews, training
from comptoir.platform.access import authorize
from comptoir.platform.errors import PermissionDenied, ValidationFailed
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.pagination import PageParams
from comptoir.platform.services.features import ModuleGuard

router = Router(tags=["hr"], auth=ModuleGuard("hr"))

EMPLOYEE_REF = ("employee", "employee.employee_number")
DEPARTMENT_COLUMNS = [("id", "id"), ("code", "code"), ("name", "name"), ("parent", "parent.code"),
                      ("is_active", "is_active"), ("headcount", "headcount")]  # fmt: skip
POSITION_COLUMNS = [("id", "id"), ("code", "code"), ("title", "title"), ("department", "department.code"),
                    ("level", "level"), ("min_salary", "min_salary", True), ("max_salary", "max_salary", True)]  # fmt: skip  # noqa: E501
HOLIDAY_COLUMNS = [("id", "id"), ("date", "date"), ("name", "name")]
EMPLOYEE_COLUMNS = [("id", "id"), ("employee_number", "employee_number"), ("first_name", "first_name"),
                    ("last_name", "last_name"), ("email", "email"), ("department", "department.code"),
                    ("position", "position.code"), ("reports_to", "reports_to.employee_number"),
                    ("hire_date", "hire_date"), ("termination_date", "termination_date"),
                    ("employment_type", "employment_type"), ("status", "status"),
                    ("party_number", "party.party_number")]  # fmt: skip
ATTENDANCE_COLUMNS = [("id", "id"), EMPLOYEE_REF, ("date", "date"), ("check_in", "check_in"),
                      ("check_out", "check_out"), ("hours_worked", "hours_worked"),
                      ("overtime_hours", "overtime_hours"), ("status", "status")]  # fmt: skip
LEAVE_COLUMNS = [("id", "id"), EMPLOYEE_REF, ("leave_type", "leave_type"), ("start_date", "start_date"),
                 ("end_date", "end_date"), ("total_days", "total_days"), ("status", "status")]  # fmt: skip
BALANCE_COLUMNS = [("id", "id"), EMPLOYEE_REF, ("year", "year"), ("leave_type", "leave_type"),
                   ("total_days", "total_days"), ("carried_over_days", "carried_over_days"),
                   ("used_days", "used_days"), ("reserved_days", "reserved_days"),
                   ("remaining_days", "remaining_days"), ("available_days", "available_days")]  # fmt: skip
REVIEW_COLUMNS = [("id", "id"), EMPLOYEE_REF, ("reviewer", "reviewer.employee_number"),
                  ("period_start", "period_start"), ("period_end", "period_end"), ("rating", "rating"),
                  ("status", "status")]  # fmt: skip
POSTING_COLUMNS = [("id", "id"), ("title", "title"), ("department", "department.code"), ("status", "status"),
                   ("posted_date", "posted_date"), ("closing_date", "closing_date"),
                   ("applications_count", "applications_count")]  # fmt: skip
CANDIDATE_COLUMNS = [("id", "id"), ("job_posting", "job_posting.title"), ("first_name", "first_name"),
                     ("last_name", "last_name"), ("email", "email"), ("status", "status")]  # fmt: skip
PROGRAM_COLUMNS = [("id", "id"), ("title", "title"), ("instructor", "instructor"), ("start_date", "start_date"),
                   ("end_date", "end_date"), ("max_participants", "max_participants"),
                   ("enrolled_count", "enrolled_count"), ("status", "status"), ("cost", "cost", True)]  # fmt: skip
ENROLLMENT_COLUMNS = [("id", "id"), ("program", "program.title"), EMPLOYEE_REF,
                      ("enrollment_date", "enrollment_date"), ("completion_date", "completion_date"),
                      ("grade", "grade"), ("status", "status")]  # fmt: skip


def _own_or(ref: str | None) -> str:
    """The employee named, or the caller's own employee."""
    if ref:
        return ref
    me = queries.my_employee()
    if me is None:
        raise ValidationFailed(_("employee is required"), code="required", field="employee")
    return str(me.pk)


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# ---- departments ---------------------------------------------------------------------------------------------------


@router.get("/departments", response=DepartmentPage)
def list_departments(request, page: Query[PageParams], filters: Query[DepartmentFilters], export: Query[ExportParams]):
    """The departments with their headcount (active employees)."""
    authorize(request, "hr.view_department")
    return list_or_export(request, queries.departments(**filters.dict()), page, export, columns=DEPARTMENT_COLUMNS,
                          filename="departments", allowed_ordering={"code", "name"}, default_ordering=["code"])  # fmt: skip  # noqa: E501


@router.post("/departments", response={201: DepartmentOut})
def create_department(request, body: DepartmentIn):
    """Create a department (under `parent`, headed by `manager`, on `cost_center`)."""
    actor = authorize(request, "hr.add_department")
    row = organization.create_department(actor=actor.user, data=organization.DepartmentInput(**body.dict()))
    return Status(201, queries.access_department(row.pk))


@router.get("/departments/{department_id}", response=DepartmentOut)
def get_department(request, department_id: uuid.UUID):
    """One department."""
    authorize(request, "hr.view_department")
    return queries.access_department(department_id)


@router.patch("/departments/{department_id}", response=DepartmentOut)
def update_department(request, department_id: uuid.UUID, body: DepartmentPatch):
    """Change the fields sent (a new parent may not be the department or below it)."""
    actor = authorize(request, "hr.change_department")
    queries.access_department(department_id)
    changes = organization.DepartmentPatch.from_schema(body)
    organization.update_department(actor=actor.user, department_id=department_id, changes=changes)
    return queries.access_department(department_id)


# ---- positions -----------------------------------------------------------------------------------------------------


@router.get("/positions", response=PositionPage)
def list_positions(request, page: Query[PageParams], filters: Query[PositionFilters], export: Query[ExportParams]):
    """The positions."""
    authorize(request, "hr.view_position")
    return list_or_export(request, queries.positions(**filters.dict()), page, export, columns=POSITION_COLUMNS,
                          filename="positions", allowed_ordering={"code", "title"}, default_ordering=["code"])  # fmt: skip  # noqa: E501


@router.post("/positions", response={201: PositionOut})
def create_position(request, body: PositionIn):
    """Create a position in a department."""
    actor = authorize(request, "hr.add_position")
    row = organization.create_position(actor=actor.user, data=organization.PositionInput(**body.dict()))
    return Status(201, queries.access_position(row.pk))


@router.get("/positions/{position_id}", response=PositionOut)
def get_position(request, position_id: uuid.UUID):
    """One position."""
    authorize(request, "hr.view_position")
    return queries.access_position(position_id)


@router.patch("/positions/{position_id}", response=PositionOut)
def update_position(request, position_id: uuid.UUID, body: PositionPatch):
    """Change the fields sent."""
    actor = authorize(request, "hr.change_position")
    queries.access_position(position_id)
    organization.update_position(actor=actor.user, position_id=position_id,
                                 changes=organization.PositionPatch.from_schema(body))  # fmt: skip
    return queries.access_position(position_id)


# ---- holidays ------------------------------------------------------------------------------------------------------


@router.get("/holidays", response=HolidayPage)
def list_holidays(request, page: Query[PageParams], filters: Query[HolidayFilters], export: Query[ExportParams]):
    """The organization's holidays (not working days)."""
    authorize(request, "hr.view_holiday")
    return list_or_export(request, queries.holidays(**filters.dict()), page, export, columns=HOLIDAY_COLUMNS,
                          filename="holidays", allowed_ordering={"date"}, default_ordering=["date"])  # fmt: skip


@router.post("/holidays", response={201: HolidayOut})
def create_holiday(request, body: HolidayIn):
    """Add a holiday; it shows in the platform calendar of the employees who sign in."""
    actor = authorize(request, "hr.add_holiday")
    row = organization.create_holiday(actor=actor.user, data=organization.HolidayInput(**body.dict()))
    return Status(201, queries.access_holiday(row.pk))


@router.delete("/holidays/{holiday_id}", response={204: None})
def delete_holiday(request, holiday_id: uuid.UUID):
    """Remove a holiday (refused while approved leave was counted around it)."""
    actor = authorize(request, "hr.delete_holiday")
    queries.access_holiday(holiday_id)
    organization.delete_holiday(actor=actor.user, holiday_id=holiday_id)
    return Status(204, None)


# ---- employees -----------------------------------------------------------------------------------------------------


@router.get("/employees", response=EmployeePage)
def list_employees(request, page: Query[PageParams], filters: Query[EmployeeFilters], export: Query[ExportParams]):
    """The employees the caller may see: everyone for HR, else themself and their reports."""
    authorize(request, "hr.view_employee")
    return list_or_export(request, queries.employees(**filters.dict()), page, export, columns=EMPLOYEE_COLUMNS,
                          filename="employees", allowed_ordering={"employee_number", "last_name", "hire_date"},
                          default_ordering=["employee_number"])  # fmt: skip


@router.post("/employees", response={201: EmployeeOut})
def create_employee(request, body: EmployeeIn):
    """Hire an employee: numbered, with their party (type EMPLOYEE) and its payable account."""
    actor = authorize(request, "hr.add_employee")
    data = employee_services.EmployeeInput(**{**body.dict(), "user": str(body.user) if body.user else None})
    row = employee_services.create_employee(actor=actor.user, data=data)
    return Status(201, queries.access_employee(row.pk))


@router.get("/employees/me", response=EmployeeOut)
def get_my_employee(request):
    """The caller's own employee record."""
    authorize(request, "hr.view_employee")
    me = queries.my_employee()
    if me is None:
        from comptoir.platform.errors import NotFound

        raise NotFound(_("You are not linked to an employee"))
    return queries.access_employee(me.pk)


@router.get("/employees/{employee_id}", response=EmployeeOut)
def get_employee(request, employee_id: uuid.UUID):
    """One employee (within the record rule)."""
    authorize(request, "hr.view_employee")
    return queries.access_employee(employee_id)


@router.patch("/employees/{employee_id}", response=EmployeeOut)
def update_employee(request, employee_id: uuid.UUID, body: EmployeePatch):
    """Change the fields sent; an employee changes only the personal fields of their own profile."""
    actor = authorize(request, "hr.change_employee")
    employee = queries.access_employee(employee_id)
    self_service = not actor.can(MANAGE_ALL)
    if self_service and employee.user_id != actor.user.pk:
        raise PermissionDenied(_("Only HR changes another employee's profile"), code="not_editable_by_employee")
    changes = employee_services.EmployeePatch.from_schema(body)
    if "user" in changes.provided() and changes.user is not None:
        changes = employee_services.EmployeePatch(**{**changes.provided(), "user": str(changes.user)})
    employee_services.update_employee(actor=actor.user, employee_id=employee_id, changes=changes,
                                      self_service=self_service)  # fmt: skip
    return queries.access_employee(employee_id)


@router.post("/employees/{employee_id}/status", response=EmployeeOut)
def change_employee_status(request, employee_id: uuid.UUID, body: EmployeeStatusIn):
    """Move the employee (PENDING → ACTIVE ↔ INACTIVE → TERMINATED, with the termination date)."""
    authorize(request, "hr.change_employee")
    actor = authorize(request, MANAGE_ALL)
    queries.access_employee(employee_id)
    employee_services.change_employee_status(actor=actor.user, employee_id=employee_id, status=body.status,
                                             termination_date=body.termination_date, reason=body.reason)  # fmt: skip
    return queries.access_employee(employee_id)


# ---- attendance ----------------------------------------------------------------------------------------------------


@router.get("/attendance", response=AttendancePage)
def list_attendance(request, page: Query[PageParams], filters: Query[AttendanceFilters], export: Query[ExportParams]):
    """Attendance records within the record rule, newest first."""
    authorize(request, "hr.view_attendance")
    return list_or_export(request, queries.attendance(**filters.dict()), page, export, columns=ATTENDANCE_COLUMNS,
                          filename="attendance", allowed_ordering={"date", "created_at"}, default_ordering=["-date"])  # fmt: skip  # noqa: E501


@router.post("/attendance", response={201: AttendanceOut})
def record_attendance(request, body: AttendanceIn):
    """Record an employee's day (one per employee and day); hours from check-in to check-out."""
    actor = authorize(request, "hr.add_attendance")
    row = attendance_services.record_attendance(actor=actor.user,
                                                data=attendance_services.AttendanceInput(**body.dict()))  # fmt: skip
    return Status(201, queries.access_attendance(row.pk))


@router.post("/attendance/check-in", response={201: AttendanceOut})
def check_in(request, body: CheckIn):
    """Check in now (the caller's own employee unless named)."""
    actor = authorize(request, "hr.add_attendance")
    row = attendance_services.check_in(actor=actor.user, employee=_own_or(body.employee), ip=_client_ip(request))
    return Status(201, queries.access_attendance(row.pk))


@router.post("/attendance/check-out", response=AttendanceOut)
def check_out(request, body: CheckIn):
    """Check out now of the open record (today's, or yesterday's for a night shift)."""
    actor = authorize(request, "hr.change_attendance")
    row = attendance_services.check_out(actor=actor.user, employee=_own_or(body.employee), ip=_client_ip(request))
    return queries.access_attendance(row.pk)


@router.get("/attendance/{attendance_id}", response=AttendanceOut)
def get_attendance(request, attendance_id: uuid.UUID):
    """One attendance record."""
    authorize(request, "hr.view_attendance")
    return queries.access_attendance(attendance_id)


@router.patch("/attendance/{attendance_id}", response=AttendanceOut)
def update_attendance(request, attendance_id: uuid.UUID, body: AttendancePatch):
    """Correct a record; hours are computed again."""
    actor = authorize(request, "hr.change_attendance")
    queries.access_attendance(attendance_id)
    attendance_services.update_attendance(actor=actor.user, attendance_id=attendance_id,
                                          changes=attendance_services.AttendancePatch.from_schema(body))  # fmt: skip
    return queries.access_attendance(attendance_id)


# ---- leave ---------------------------------------------------------------------------------------------------------


@router.get("/leave-requests", response=LeavePage)
def list_leave(request, page: Query[PageParams], filters: Query[LeaveFilters], export: Query[ExportParams]):
    """Leave requests within the record rule; `date_from`/`date_to` keep those overlapping the range."""
    authorize(request, "hr.view_leaverequest")
    return list_or_export(request, queries.leave_requests(**filters.dict()), page, export, columns=LEAVE_COLUMNS,
                          filename="leave-requests", allowed_ordering={"start_date", "created_at"},
                          default_ordering=["-start_date"])  # fmt: skip


@router.post("/leave-requests", response={201: LeaveOut})
def submit_leave(request, body: LeaveIn):
    """Request leave (the caller's own unless `employee` names one of their reports, or anyone for HR): working
    days counted, no overlap, the days reserved on the balance."""
    actor = authorize(request, "hr.add_leaverequest")
    data = leave_services.LeaveInput(**{**body.dict(), "employee": _own_or(body.employee)})
    row = leave_services.submit_leave(actor=actor.user, data=data)
    return Status(201, queries.access_leave_request(row.pk))


@router.get("/leave-requests/{leave_id}", response=LeaveOut)
def get_leave(request, leave_id: uuid.UUID):
    """One leave request."""
    authorize(request, "hr.view_leaverequest")
    return queries.access_leave_request(leave_id)


@router.post("/leave-requests/{leave_id}/approve", response=LeaveOut)
def approve_leave(request, leave_id: uuid.UUID):
    """Approve (the employee's manager or HR, never the employee): the days are used, the leave is in the
    calendar."""
    actor = authorize(request, APPROVE_LEAVE)
    queries.access_leave_request(leave_id)
    leave_services.approve_leave(actor=actor.user, leave_id=leave_id)
    return queries.access_leave_request(leave_id)


@router.post("/leave-requests/{leave_id}/reject", response=LeaveOut)
def reject_leave(request, leave_id: uuid.UUID, body: RejectIn):
    """Reject with a reason: the reserved days are released."""
    actor = authorize(request, APPROVE_LEAVE)
    queries.access_leave_request(leave_id)
    leave_services.reject_leave(actor=actor.user, leave_id=leave_id, reason=body.reason)
    return queries.access_leave_request(leave_id)


@router.post("/leave-requests/{leave_id}/cancel", response=LeaveOut)
def cancel_leave(request, leave_id: uuid.UUID, body: ReasonIn):
    """Withdraw a pending request, or cancel approved leave before it starts: the days come back."""
    actor = authorize(request, "hr.change_leaverequest")
    queries.access_leave_request(leave_id)
    leave_services.cancel_leave(actor=actor.user, leave_id=leave_id, reason=body.reason)
    return queries.access_leave_request(leave_id)


@router.get("/leave-balances", response=BalancePage)
def list_balances(request, page: Query[PageParams], filters: Query[BalanceFilters], export: Query[ExportParams]):
    """Leave balances within the record rule: total (with the carry-over), used, reserved, remaining, available."""
    authorize(request, "hr.view_leavebalance")
    return list_or_export(request, queries.leave_balances(**filters.dict()), page, export, columns=BALANCE_COLUMNS,
                          filename="leave-balances", allowed_ordering={"year", "created_at"},
                          default_ordering=["-year", "created_at"])  # fmt: skip


@router.post("/leave-balances/accrue", response=AccrueOut)
def accrue_leave(request, body: AccrueIn):
    """Accrue the year's balances of every employee (those missing), with last year's carry-over."""
    actor = authorize(request, "hr.accrue_leave")
    return {"created": leave_services.accrue_leave(actor=actor.user, year=body.year)}


# ---- performance reviews -------------------------------------------------------------------------------------------


@router.get("/reviews", response=ReviewPage)
def list_reviews(request, page: Query[PageParams], filters: Query[ReviewFilters], export: Query[ExportParams]):
    """Performance reviews within the record rule, and those the caller writes."""
    authorize(request, "hr.view_performancereview")
    return list_or_export(request, queries.reviews(**filters.dict()), page, export, columns=REVIEW_COLUMNS,
                          filename="reviews", allowed_ordering={"period_end", "created_at"},
                          default_ordering=["-period_end"])  # fmt: skip


@router.post("/reviews", response={201: ReviewOut})
def create_review(request, body: ReviewIn):
    """Open a review of an employee for a period (the reviewer is not the employee)."""
    actor = authorize(request, "hr.add_performancereview")
    queries.resolve_employee(body.employee)
    row = reviews.create_review(actor=actor.user, data=reviews.ReviewInput(**body.dict()))
    return Status(201, queries.access_review(row.pk))


@router.get("/reviews/{review_id}", response=ReviewOut)
def get_review(request, review_id: uuid.UUID):
    """One review."""
    authorize(request, "hr.view_performancereview")
    return queries.access_review(review_id)


@router.patch("/reviews/{review_id}", response=ReviewOut)
def update_review(request, review_id: uuid.UUID, body: ReviewPatch):
    """Change a draft review."""
    actor = authorize(request, "hr.change_performancereview")
    review = queries.access_review(review_id)
    if not actor.can(MANAGE_ALL) and review.reviewer.user_id != actor.user.pk:
        raise PermissionDenied(_("Only the reviewer writes the review"), code="not_the_reviewer")
    reviews.update_review(actor=actor.user, review_id=review_id, changes=reviews.ReviewPatch.from_schema(body))
    return queries.access_review(review_id)


@router.post("/reviews/{review_id}/status", response=ReviewOut)
def move_review(request, review_id: uuid.UUID, body: ReviewStatusIn):
    """SUBMITTED by the reviewer, ACKNOWLEDGED by the employee (sign-off), CLOSED by HR."""
    actor = authorize(request, "hr.change_performancereview")
    queries.access_review(review_id)
    reviews.move_review(actor=actor.user, review_id=review_id, status=body.status, comments=body.comments)
    return queries.access_review(review_id)


# ---- recruitment ---------------------------------------------------------------------------------------------------


@router.get("/job-postings", response=PostingPage)
def list_postings(request, page: Query[PageParams], filters: Query[PostingFilters], export: Query[ExportParams]):
    """Job postings with their number of applications."""
    authorize(request, "hr.view_jobposting")
    return list_or_export(request, queries.job_postings(**filters.dict()), page, export, columns=POSTING_COLUMNS,
                          filename="job-postings", allowed_ordering={"posted_date", "title"},
                          default_ordering=["-posted_date"])  # fmt: skip


@router.post("/job-postings", response={201: PostingOut})
def create_posting(request, body: PostingIn):
    """Post a job (OPEN, or DRAFT)."""
    actor = authorize(request, "hr.add_jobposting")
    row = recruitment.create_posting(actor=actor.user, data=recruitment.PostingInput(**body.dict()))
    return Status(201, queries.access_job_posting(row.pk))


@router.get("/job-postings/{posting_id}", response=PostingOut)
def get_posting(request, posting_id: uuid.UUID):
    """One job posting."""
    authorize(request, "hr.view_jobposting")
    return queries.access_job_posting(posting_id)


@router.patch("/job-postings/{posting_id}", response=PostingOut)
def update_posting(request, posting_id: uuid.UUID, body: PostingPatch):
    """Change a draft or open posting."""
    actor = authorize(request, "hr.change_jobposting")
    queries.access_job_posting(posting_id)
    recruitment.update_posting(actor=actor.user, posting_id=posting_id,
                               changes=recruitment.PostingPatch.from_schema(body))  # fmt: skip
    return queries.access_job_posting(posting_id)


@router.post("/job-postings/{posting_id}/status", response=PostingOut)
def change_posting_status(request, posting_id: uuid.UUID, body: PostingStatusIn):
    """Open, close, fill or cancel the posting."""
    actor = authorize(request, "hr.change_jobposting")
    queries.access_job_posting(posting_id)
    recruitment.change_posting_status(actor=actor.user, posting_id=posting_id, status=body.status,
                                      reason=body.reason)  # fmt: skip
    return queries.access_job_posting(posting_id)


@router.get("/candidates", response=CandidatePage)
def list_candidates(request, page: Query[PageParams], filters: Query[CandidateFilters], export: Query[ExportParams]):
    """Candidates, newest first."""
    authorize(request, "hr.view_candidate")
    return list_or_export(request, queries.candidates(**filters.dict()), page, export, columns=CANDIDATE_COLUMNS,
                          filename="candidates", allowed_ordering={"created_at", "last_name"},
                          default_ordering=["-created_at"])  # fmt: skip


@router.post("/candidates", response={201: CandidateOut})
def apply_candidate(request, body: CandidateIn):
    """A candidate applies to an open posting."""
    actor = authorize(request, "hr.add_candidate")
    data = recruitment.CandidateInput(**{**body.dict(), "job_posting": str(body.job_posting)})
    row = recruitment.apply_candidate(actor=actor.user, data=data)
    return Status(201, queries.access_candidate(row.pk))


@router.get("/candidates/{candidate_id}", response=CandidateOut)
def get_candidate(request, candidate_id: uuid.UUID):
    """One candidate."""
    authorize(request, "hr.view_candidate")
    return queries.access_candidate(candidate_id)


@router.post("/candidates/{candidate_id}/status", response=CandidateOut)
def move_candidate(request, candidate_id: uuid.UUID, body: CandidateStatusIn):
    """Move the candidate along the pipeline (or reject, withdraw)."""
    actor = authorize(request, "hr.change_candidate")
    queries.access_candidate(candidate_id)
    recruitment.move_candidate(actor=actor.user, candidate_id=candidate_id, status=body.status, reason=body.reason,
                               interview_date=body.interview_date)  # fmt: skip
    return queries.access_candidate(candidate_id)


@router.post("/candidates/{candidate_id}/hire", response=CandidateOut)
def hire_candidate(request, candidate_id: uuid.UUID, body: HireIn):
    """Hire an offered candidate: the employee (and their party) is created."""
    actor = authorize(request, "hr.hire_candidate")
    queries.access_candidate(candidate_id)
    recruitment.hire_candidate(actor=actor.user, candidate_id=candidate_id, data=recruitment.HireInput(**body.dict()))
    return queries.access_candidate(candidate_id)


# ---- training ------------------------------------------------------------------------------------------------------


@router.get("/training-programs", response=ProgramPage)
def list_programs(request, page: Query[PageParams], filters: Query[ProgramFilters], export: Query[ExportParams]):
    """Training programs with their number of participants."""
    authorize(request, "hr.view_trainingprogram")
    return list_or_export(request, queries.training_programs(**filters.dict()), page, export,
                          columns=PROGRAM_COLUMNS, filename="training-programs",
                          allowed_ordering={"start_date", "title"}, default_ordering=["-start_date", "title"])  # fmt: skip  # noqa: E501


@router.post("/training-programs", response={201: ProgramOut})
def create_program(request, body: ProgramIn):
    """Schedule a training program."""
    actor = authorize(request, "hr.add_trainingprogram")
    row = training.create_program(actor=actor.user, data=training.ProgramInput(**body.dict()))
    return Status(201, queries.access_training_program(row.pk))


@router.get("/training-programs/{program_id}", response=ProgramOut)
def get_program(request, program_id: uuid.UUID):
    """One training program."""
    authorize(request, "hr.view_trainingprogram")
    return queries.access_training_program(program_id)


@router.patch("/training-programs/{program_id}", response=ProgramOut)
def update_training_program(request, program_id: uuid.UUID, body: ProgramPatch):
    """Change a scheduled or running program (its capacity not below the places taken)."""
    actor = authorize(request, "hr.change_trainingprogram")
    queries.access_training_program(program_id)
    training.update_training_program(actor=actor.user, program_id=program_id,
                                     changes=training.ProgramPatch.from_schema(body))  # fmt: skip
    return queries.access_training_program(program_id)


@router.post("/training-programs/{program_id}/status", response=ProgramOut)
def change_program_status(request, program_id: uuid.UUID, body: ProgramStatusIn):
    """Start, complete or cancel the program."""
    actor = authorize(request, "hr.change_trainingprogram")
    queries.access_training_program(program_id)
    training.change_program_status(actor=actor.user, program_id=program_id, status=body.status, reason=body.reason)
    return queries.access_training_program(program_id)


@router.get("/enrollments", response=EnrollmentPage)
def list_enrollments(request, page: Query[PageParams], filters: Query[EnrollmentFilters], export: Query[ExportParams]):
    """Training enrollments within the record rule."""
    authorize(request, "hr.view_trainingenrollment")
    return list_or_export(request, queries.enrollments(**filters.dict()), page, export,
                          columns=ENROLLMENT_COLUMNS, filename="enrollments",
                          allowed_ordering={"enrollment_date", "created_at"},
                          default_ordering=["-enrollment_date", "created_at"])  # fmt: skip


@router.post("/enrollments", response={201: EnrollmentOut})
def enroll(request, body: EnrollmentIn):
    """Enroll an employee (the caller unless named) in a program, within its capacity."""
    actor = authorize(request, "hr.add_trainingenrollment")
    row = training.enroll(actor=actor.user, program=str(body.program), employee=_own_or(body.employee),
                          enrollment_date=body.enrollment_date)  # fmt: skip
    return Status(201, queries.access_enrollment(row.pk))


@router.get("/enrollments/{enrollment_id}", response=EnrollmentOut)
def get_enrollment(request, enrollment_id: uuid.UUID):
    """One enrollment (within the record rule)."""
    authorize(request, "hr.view_trainingenrollment")
    return queries.access_enrollment(enrollment_id)


@router.get("/enrollments/{enrollment_id}/certificates", response=list[CertificateOut])
def list_certificates(request, enrollment_id: uuid.UUID):
    """The certificates of an enrollment within the record rule (download them from platform attachments)."""
    authorize(request, "hr.view_trainingenrollment")
    return list(queries.certificates(queries.access_enrollment(enrollment_id)))


@router.post("/enrollments/{enrollment_id}/status", response=EnrollmentOut)
def move_enrollment(request, enrollment_id: uuid.UUID, body: EnrollmentStatusIn):
    """Start, complete (with a grade), fail or drop the enrollment."""
    actor = authorize(request, "hr.change_trainingenrollment")
    queries.access_enrollment(enrollment_id)
    training.move_enrollment(actor=actor.user, enrollment_id=enrollment_id, status=body.status, grade=body.grade,
                             completion_date=body.completion_date)  # fmt: skip
    return queries.access_enrollment(enrollment_id)


@router.post("/enrollments/{enrollment_id}/certificate", response={201: CertificateOut})
def attach_certificate(request, enrollment_id: uuid.UUID, file: File[UploadedFile]):
    """Attach the certificate of a completed enrollment (a platform attachment of the enrollment)."""
    actor = authorize(request, "hr.change_trainingenrollment")
    queries.access_enrollment(enrollment_id)
    return Status(201, training.attach_certificate(actor=actor.user, enrollment_id=enrollment_id, upload=file))
