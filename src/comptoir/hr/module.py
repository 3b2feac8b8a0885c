"""The HR module's declaration: departments, positions, employees (each a party with its payable account),
holidays, attendance, leave, performance reviews, recruitment and training (entities §12, issue 11 §1)."""

from django.utils.translation import gettext_lazy as _

from comptoir.platform.constants import SettingType
from comptoir.platform.modules import MenuEntry, ModuleSpec, Series, SettingSpec

EMPLOYEE_HIRED = "hr.employee.hired"
EMPLOYEE_UPDATED = "hr.employee.updated"
EMPLOYEE_STATUS_CHANGED = "hr.employee.status_changed"
EMPLOYEE_TERMINATED = "hr.employee.terminated"
DEPARTMENT_CREATED = "hr.department.created"
ATTENDANCE_RECORDED = "hr.attendance.recorded"
LEAVE_SUBMITTED = "hr.leave_request.submitted"
LEAVE_APPROVED = "hr.leave_request.approved"
LEAVE_REJECTED = "hr.leave_request.rejected"
LEAVE_CANCELLED = "hr.leave_request.cancelled"
LEAVE_ACCRUED = "hr.leave_balance.accrued"
REVIEW_STATUS_CHANGED = "hr.performance_review.status_changed"
POSTING_STATUS_CHANGED = "hr.job_posting.status_changed"
CANDIDATE_APPLIED = "hr.candidate.applied"
CANDIDATE_STATUS_CHANGED = "hr.candidate.status_changed"
CANDIDATE_HIRED = "hr.candidate.hired"
PROGRAM_STATUS_CHANGED = "hr.training_program.status_changed"
ENROLLMENT_STATUS_CHANGED = "hr.training_enrollment.status_changed"

# Employee numbers (EMP-000001…), never reset.
EMPLOYEE_SERIES = "EMPLOYEE"
MANAGE_ALL = "hr.manage_all"
APPROVE_LEAVE = "hr.approve_leaverequest"

WORK_WEEK = "hr.work_week"
STANDARD_DAY_HOURS = "hr.standard_day_hours"
LEAVE_ENTITLEMENTS = "hr.leave_entitlements"
CARRY_OVER_MAX_DAYS = "hr.carry_over_max_days"


def _work_week(days) -> None:
    if not isinstance(days, list) or not days or any(d not in range(1, 8) for d in days) or len(set(days)) != len(days):
        raise ValueError("must list distinct ISO weekdays, 1 (Monday) to 7 (Sunday)")


def _positive(value) -> None:
    if not isinstance(value, int | float) or value <= 0 or value > 24:
        raise ValueError("must be more than 0 and at most 24")


def _not_negative(value) -> None:
    if not isinstance(value, int | float) or value < 0:
        raise ValueError("must not be negative")


def _entitlements(value) -> None:
    from comptoir.hr.constants import UNPAID_TYPES, LeaveType

    if not isinstance(value, dict):
        raise ValueError("must map leave types to days per year")
    for key, days in value.items():
        if key not in LeaveType.values or key in UNPAID_TYPES:
            raise ValueError("unknown or unpaid leave type")
        if not isinstance(days, int | float) or days < 0 or days > 366:
            raise ValueError("days must be between 0 and 366")


_EMPLOYEE_SELF = (
    "hr.view_employee",
    "hr.change_employee",
    "hr.view_department",
    "hr.view_position",
    "hr.view_holiday",
    "hr.view_attendance",
    "hr.add_attendance",
    "hr.change_attendance",
    "hr.view_leaverequest",
    "hr.add_leaverequest",
    "hr.change_leaverequest",
    "hr.view_leavebalance",
    "hr.view_performancereview",
    "hr.change_performancereview",
    "hr.view_jobposting",
    "hr.view_trainingprogram",
    "hr.view_trainingenrollment",
)

MODULE = ModuleSpec(
    name="hr",
    label=_("HR"),
    depends_on=("platform", "identity", "accounting", "parties"),
    permissions={
        MANAGE_ALL: "HR: see and manage every employee's records (others see their own and their reports')",
        APPROVE_LEAVE: "Approve or reject the leave requests of one's reports (of anyone's with hr.manage_all)",
        "hr.accrue_leave": "Accrue the year's leave balances (with the carry-over)",
        "hr.hire_candidate": "Hire a candidate (creates the employee)",
    },
    restricted_permissions=frozenset({MANAGE_ALL}),
    role_grants={
        "HR": ("hr.*", MANAGE_ALL, "parties.view_*"),
        "MANAGER": (APPROVE_LEAVE,),
        "EMPLOYEE": _EMPLOYEE_SELF,
    },
    switchable=True,
    default_enabled=True,
    numbering=(Series(document_type=EMPLOYEE_SERIES, prefix="EMP-", yearly_reset=False),),
    settings=(
        SettingSpec(
            WORK_WEEK,
            SettingType.ARRAY,
            default=[1, 2, 3, 4, 5],
            validator=_work_week,
            description="The working weekdays (ISO: 1 = Monday … 7 = Sunday)",
        ),  # fmt: skip
        SettingSpec(
            STANDARD_DAY_HOURS,
            SettingType.NUMBER,
            default=8,
            validator=_positive,
            description="Hours of a standard working day; beyond them attendance counts overtime",
        ),  # fmt: skip
        SettingSpec(
            LEAVE_ENTITLEMENTS,
            SettingType.OBJECT,
            default={"ANNUAL": 24, "SICK": 10},
            validator=_entitlements,
            description="Days per year of each leave type with a balance",
        ),  # fmt: skip
        SettingSpec(
            CARRY_OVER_MAX_DAYS,
            SettingType.NUMBER,
            default=5,
            validator=_not_negative,
            description="Annual leave days carried over into the next year, at most",
        ),  # fmt: skip
    ),
    events=(
        EMPLOYEE_HIRED,
        EMPLOYEE_UPDATED,
        EMPLOYEE_STATUS_CHANGED,
        EMPLOYEE_TERMINATED,
        DEPARTMENT_CREATED,
        ATTENDANCE_RECORDED,
        LEAVE_SUBMITTED,
        LEAVE_APPROVED,
        LEAVE_REJECTED,
        LEAVE_CANCELLED,
        LEAVE_ACCRUED,
        REVIEW_STATUS_CHANGED,
        POSTING_STATUS_CHANGED,
        CANDIDATE_APPLIED,
        CANDIDATE_STATUS_CHANGED,
        CANDIDATE_HIRED,
        PROGRAM_STATUS_CHANGED,
        ENROLLMENT_STATUS_CHANGED,
    ),
    api=(("/hr", "comptoir.hr.api.router"),),
    urls=(("hr/", "comptoir.hr.urls"),),
    menu=(
        MenuEntry(_("Employees"), "hr.view_employee", view="hr.employees"),
        MenuEntry(_("Departments"), "hr.view_department", view="hr.departments"),
        MenuEntry(_("Leave requests"), "hr.view_leaverequest", view="hr.leave-requests"),
        MenuEntry(_("Leave calendar"), "hr.view_leaverequest", url="hr_leave_calendar"),
        MenuEntry(_("Attendance"), "hr.view_attendance", view="hr.attendance"),
        MenuEntry(_("My HR"), "hr.view_leaverequest", url="hr_self_service"),
        MenuEntry(_("Performance reviews"), "hr.view_performancereview", view="hr.reviews"),
        MenuEntry(_("Recruitment"), "hr.view_candidate", url="hr_recruitment_board"),
        MenuEntry(_("Training"), "hr.view_trainingprogram", view="hr.training-programs"),
    ),
    desk="comptoir.hr.desk.DESK",
    record_rules={  # what an attachment of these rows is reached through (an employee: their own)
        "hr.employee": "comptoir.hr.queries.employees",
        "hr.attendance": "comptoir.hr.queries.attendance",
        "hr.leaverequest": "comptoir.hr.queries.leave_requests",
        "hr.performancereview": "comptoir.hr.queries.reviews",
        "hr.trainingenrollment": "comptoir.hr.queries.enrollments",
    },
)
