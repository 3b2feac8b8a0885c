"""HR (entities §12): departments, positions, employees (each a party of type EMPLOYEE with its payable account),
holidays, attendance, leave requests and balances, performance reviews, job postings and candidates, training
programs and enrollments."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from comptoir.hr.constants import (
    CANDIDATE_TRANSITIONS,
    EMPLOYEE_TRANSITIONS,
    ENROLLMENT_TRANSITIONS,
    LEAVE_TRANSITIONS,
    POSTING_TRANSITIONS,
    PROGRAM_TRANSITIONS,
    REVIEW_TRANSITIONS,
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
from comptoir.platform.models import TenantDocument, TenantModel
from comptoir.platform.money import AMOUNT_DECIMALS, AMOUNT_DIGITS


def _money(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_DECIMALS, **kwargs)


def _days(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=5, decimal_places=1, **kwargs)


class Department(TenantModel):
    """A node of the organization's tree (no cycles); its budget is the budget of its cost center."""

    code = models.CharField(max_length=50)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    manager = models.ForeignKey(
        "hr.Employee", on_delete=models.SET_NULL, null=True, blank=True, related_name="headed_departments"
    )
    cost_center = models.ForeignKey(
        "accounting.CostCenter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    location = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    email = models.CharField(max_length=254, blank=True)
    is_active = models.BooleanField(default=True)
    settings = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="hr_department_code_unique"),
            models.UniqueConstraint(
                fields=["organization", "parent", "name"], name="hr_department_name_unique", nulls_distinct=False
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="hr_department_not_own_parent"),
        ]
        indexes = [
            models.Index(fields=["organization", "parent"], name="hr_department_parent"),
            models.Index(fields=["organization", "manager"], name="hr_department_manager"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Position(TenantModel):
    code = models.CharField(max_length=50)
    title = models.CharField(max_length=255)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="positions")
    level = models.CharField(max_length=50, blank=True)
    min_salary = _money(null=True, blank=True)
    max_salary = _money(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="hr_position_code_unique"),
            models.UniqueConstraint(fields=["organization", "department", "title"], name="hr_position_title_unique"),
            models.CheckConstraint(
                condition=Q(min_salary__isnull=True) | Q(max_salary__isnull=True) | Q(min_salary__lte=F("max_salary")),
                name="hr_position_salary_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Employee(TenantModel):
    """A person employed by the organization; also a party of type EMPLOYEE whose account is the employee's
    payable (entities C60). National id, bank details and tax information are encrypted."""

    TRANSITIONS = EMPLOYEE_TRANSITIONS

    employee_number = models.CharField(max_length=50)
    user = models.ForeignKey("identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    party = models.OneToOneField("parties.Party", on_delete=models.PROTECT, related_name="employee")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="employees"
    )
    position = models.ForeignKey(Position, on_delete=models.PROTECT, null=True, blank=True, related_name="employees")
    reports_to = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reports")
    hire_date = models.DateField()
    termination_date = models.DateField(null=True, blank=True)
    employment_type = models.CharField(max_length=10, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME)
    status = models.CharField(max_length=10, choices=EmployeeStatus.choices, default=EmployeeStatus.PENDING)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        "identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    work_location = models.CharField(max_length=255, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True)
    emergency_contact = models.JSONField(default=dict, blank=True)
    national_id_encrypted = models.TextField(blank=True, help_text="IIN/SSN/passport, encrypted")
    national_id_hash = models.CharField(max_length=64, blank=True, help_text="HMAC blind index of the national id")
    national_id_last4 = models.CharField(max_length=4, blank=True)
    bank_details_encrypted = models.TextField(blank=True, help_text="JSON, encrypted")
    tax_info_encrypted = models.TextField(blank=True, help_text="JSON, encrypted")
    personal_info = models.JSONField(default=dict, blank=True)
    skills = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    certifications = ArrayField(models.CharField(max_length=255), default=list, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "employee_number"], name="hr_employee_number_unique"),
            models.UniqueConstraint(
                fields=["organization", "user"], condition=Q(user__isnull=False), name="hr_employee_user_unique"
            ),
            models.UniqueConstraint(
                fields=["organization", "email"], condition=~Q(email=""), name="hr_employee_email_unique"
            ),
            models.UniqueConstraint(
                fields=["organization", "national_id_hash"],
                condition=~Q(national_id_hash=""),
                name="hr_employee_national_id_unique",
            ),
            models.CheckConstraint(condition=~Q(reports_to=F("id")), name="hr_employee_not_own_manager"),
            models.CheckConstraint(
                condition=Q(termination_date__isnull=True) | Q(termination_date__gte=F("hire_date")),
                name="hr_employee_termination_after_hire",
            ),
            models.CheckConstraint(
                condition=~Q(status=EmployeeStatus.TERMINATED) | Q(termination_date__isnull=False),
                name="hr_employee_terminated_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "department", "status"], name="hr_employee_dept_status"),
            models.Index(fields=["organization", "reports_to"], name="hr_employee_reports_to"),
            models.Index(fields=["organization", "status", "last_name"], name="hr_employee_status"),
        ]

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_active(self) -> bool:
        return self.status == EmployeeStatus.ACTIVE

    def __str__(self) -> str:
        return f"{self.employee_number} {self.name}"


class Holiday(TenantModel):
    """A public holiday of the organization's calendar: not a working day, shown in the platform calendar."""

    date = models.DateField()
    name = models.CharField(max_length=255)
    calendar_event_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["organization", "date"], name="hr_holiday_date_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Attendance(TenantDocument):
    """One employee's day: check-in/out (timestamps: a night shift crosses midnight), hours computed."""

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="attendance")
    date = models.DateField()
    check_in = models.DateTimeField(null=True, blank=True)
    check_out = models.DateTimeField(null=True, blank=True)
    hours_worked = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    overtime_hours = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT)
    check_in_ip = models.GenericIPAddressField(null=True, blank=True)
    check_out_ip = models.GenericIPAddressField(null=True, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(fields=["organization", "employee", "date"], name="hr_attendance_one_per_day"),
            models.CheckConstraint(
                condition=Q(check_out__isnull=True) | Q(check_in__isnull=False, check_out__gt=F("check_in")),
                name="hr_attendance_out_after_in",
            ),
        ]
        indexes = [models.Index(fields=["organization", "date"], name="hr_attendance_date")]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.date}"


class LeaveRequest(TenantDocument):
    TRANSITIONS = LEAVE_TRANSITIONS

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="leave_requests")
    leave_type = models.CharField(max_length=10, choices=LeaveType.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    total_days = _days()
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=LeaveStatus.choices, default=LeaveStatus.PENDING)
    approved_by = models.ForeignKey("identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey("identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        "identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    calendar_event_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="hr_leave_end_after_start"),
            models.CheckConstraint(condition=Q(total_days__gt=0), name="hr_leave_days_positive"),
            models.CheckConstraint(
                condition=~Q(status=LeaveStatus.REJECTED) | ~Q(rejection_reason=""), name="hr_leave_rejection_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "employee", "status"], name="hr_leave_employee_status"),
            models.Index(fields=["organization", "start_date"], name="hr_leave_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_leave_type_display()} {self.start_date} – {self.end_date}"


class LeaveBalance(TenantModel):
    """An employee's days of one leave type for one year: accrued (with the days carried over from last year),
    reserved by pending requests, used by approved ones."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="leave_balances")
    year = models.PositiveSmallIntegerField()
    leave_type = models.CharField(max_length=10, choices=LeaveType.choices)
    total_days = _days()
    carried_over_days = _days(default=0)
    used_days = _days(default=0)
    reserved_days = _days(default=0)
    remaining_days = models.GeneratedField(
        expression=F("total_days") - F("used_days"),
        output_field=models.DecimalField(max_digits=6, decimal_places=1),
        db_persist=True,
    )
    available_days = models.GeneratedField(
        expression=F("total_days") - F("used_days") - F("reserved_days"),
        output_field=models.DecimalField(max_digits=6, decimal_places=1),
        db_persist=True,
    )

    class Meta:
        ordering = ["-year", "leave_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "employee", "year", "leave_type"], name="hr_leave_balance_unique"
            ),
            models.CheckConstraint(
                condition=Q(used_days__gte=0, reserved_days__gte=0, carried_over_days__gte=0),
                name="hr_leave_balance_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(leave_type=LeaveType.UNPAID) | Q(total_days__gte=F("used_days") + F("reserved_days")),
                name="hr_leave_balance_not_overdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.year} {self.leave_type}"


class PerformanceReview(TenantDocument):
    TRANSITIONS = REVIEW_TRANSITIONS

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="reviews_given")
    period_start = models.DateField()
    period_end = models.DateField()
    review_date = models.DateField()
    rating = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    strengths = models.TextField(blank=True)
    goals_achieved = models.TextField(blank=True)
    areas_for_improvement = models.TextField(blank=True)
    next_goals = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    employee_comments = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        "identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey("identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "employee", "period_start", "period_end"], name="hr_review_period_unique"
            ),
            models.CheckConstraint(condition=~Q(reviewer=F("employee")), name="hr_review_not_self"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="hr_review_period_order"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="hr_review_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.period_start} – {self.period_end}"


class JobPosting(TenantDocument):
    TRANSITIONS = POSTING_TRANSITIONS

    title = models.CharField(max_length=255)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.TextField()
    requirements = models.TextField(blank=True)
    salary_range_min = _money(null=True, blank=True)
    salary_range_max = _money(null=True, blank=True)
    location = models.CharField(max_length=255, blank=True)
    employment_type = models.CharField(max_length=10, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME)
    status = models.CharField(max_length=10, choices=PostingStatus.choices, default=PostingStatus.OPEN)
    posted_date = models.DateField()
    closing_date = models.DateField(null=True, blank=True)
    max_applications = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-posted_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_range_min__isnull=True)
                | Q(salary_range_max__isnull=True)
                | Q(salary_range_min__lte=F("salary_range_max")),
                name="hr_posting_salary_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Candidate(TenantDocument):
    TRANSITIONS = CANDIDATE_TRANSITIONS

    job_posting = models.ForeignKey(JobPosting, on_delete=models.PROTECT, related_name="candidates")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.CharField(max_length=254)
    phone = models.CharField(max_length=50, blank=True)
    cover_letter = models.TextField(blank=True)
    experience_years = models.PositiveSmallIntegerField(null=True, blank=True)
    education_level = models.CharField(max_length=100, blank=True)
    skills = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    status = models.CharField(max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.APPLIED)
    interview_date = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    hired_employee = models.OneToOneField(
        Employee, on_delete=models.PROTECT, null=True, blank=True, related_name="candidacy"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "job_posting", "email"], name="hr_candidate_unique"),
        ]

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def __str__(self) -> str:
        return self.name


class TrainingProgram(TenantDocument):
    TRANSITIONS = PROGRAM_TRANSITIONS

    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    instructor = models.CharField(max_length=255, blank=True)
    duration_hours = models.PositiveIntegerField(null=True, blank=True)
    cost = _money(null=True, blank=True)
    max_participants = models.PositiveIntegerField(null=True, blank=True)
    location = models.CharField(max_length=255, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=ProgramStatus.choices, default=ProgramStatus.SCHEDULED)

    class Meta:
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="hr_program_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingEnrollment(TenantModel):
    TRANSITIONS = ENROLLMENT_TRANSITIONS

    program = models.ForeignKey(TrainingProgram, on_delete=models.CASCADE, related_name="enrollments")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="enrollments")
    enrollment_date = models.DateField()
    completion_date = models.DateField(null=True, blank=True)
    grade = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=12, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ENROLLED)

    class Meta:
        ordering = ["-enrollment_date"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "program", "employee"], name="hr_enrollment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.employee_id}"
