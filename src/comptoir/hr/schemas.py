"""Request and response shapes of HR. Amounts and days are decimal strings; a reference field takes the target's
id or its code (a department's or position's code, an employee's number). A national id is never returned, only
its last 4 characters; bank details and tax information are never returned."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

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
from comptoir.platform.crypto import masked
from comptoir.platform.schemas.base import AmountString, ClearableText, DecimalString, Input, Page

REF = Field(None, max_length=100, description="an id or a code")
TEXT = Field("", max_length=10_000)


class Ref(Schema):
    id: uuid.UUID
    code: str
    name: str


def _ref(obj, code: str, name: str):
    return None if obj is None else {"id": obj.pk, "code": getattr(obj, code), "name": getattr(obj, name)}


# ---- departments, positions, holidays --------------------------------------------------------------------------


class DepartmentIn(Input):
    name: str = Field(min_length=1, max_length=255)
    code: str | None = Field(None, max_length=50, description="default: from the name")
    description: str = TEXT
    parent: str | None = REF
    manager: str | None = Field(None, max_length=100, description="the head: an employee's id or number")
    cost_center: str | None = Field(None, max_length=100, description="a cost center's id or code")
    location: str = Field("", max_length=255)
    phone: str = Field("", max_length=50)
    email: str = Field("", max_length=254)
    settings: dict | None = None


class DepartmentPatch(Input):
    name: str | None = Field(None, min_length=1, max_length=255)
    code: str | None = Field(None, min_length=1, max_length=50)
    description: ClearableText = Field(None, max_length=10_000)
    parent: str | None = REF
    manager: str | None = REF
    cost_center: str | None = REF
    location: ClearableText = Field(None, max_length=255)
    phone: ClearableText = Field(None, max_length=50)
    email: ClearableText = Field(None, max_length=254)
    is_active: bool | None = None
    settings: dict | None = None


class DepartmentOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    description: str
    parent: Ref | None
    manager: Ref | None
    cost_center: Ref | None
    location: str
    phone: str
    email: str
    is_active: bool
    headcount: int = 0
    created_at: datetime.datetime

    @staticmethod
    def resolve_parent(obj):
        return _ref(obj.parent, "code", "name")

    @staticmethod
    def resolve_manager(obj):
        return _ref(obj.manager, "employee_number", "name")

    @staticmethod
    def resolve_cost_center(obj):
        return _ref(obj.cost_center, "code", "name")


class DepartmentPage(Page):
    items: list[DepartmentOut]


class DepartmentFilters(Schema):
    parent: uuid.UUID | None = None
    is_active: bool | None = None
    q: str | None = Field(None, max_length=100)


class PositionIn(Input):
    code: str = Field(min_length=1, max_length=50)
    title: str = Field(min_length=1, max_length=255)
    department: str = Field(min_length=1, max_length=100)
    level: str = Field("", max_length=50)
    min_salary: Decimal | None = None
    max_salary: Decimal | None = None


class PositionPatch(Input):
    code: str | None = Field(None, min_length=1, max_length=50)
    title: str | None = Field(None, min_length=1, max_length=255)
    department: str | None = REF
    level: ClearableText = Field(None, max_length=50)
    min_salary: Decimal | None = None
    max_salary: Decimal | None = None
    is_active: bool | None = None


class PositionOut(Schema):
    id: uuid.UUID
    code: str
    title: str
    department: Ref
    level: str
    min_salary: AmountString | None
    max_salary: AmountString | None
    is_active: bool

    @staticmethod
    def resolve_department(obj):
        return _ref(obj.department, "code", "name")


class PositionPage(Page):
    items: list[PositionOut]


class PositionFilters(Schema):
    department: uuid.UUID | None = None
    is_active: bool | None = None
    q: str | None = Field(None, max_length=100)


class HolidayIn(Input):
    date: datetime.date
    name: str = Field(min_length=1, max_length=255)


class HolidayOut(Schema):
    id: uuid.UUID
    date: datetime.date
    name: str
    calendar_event_id: uuid.UUID | None


class HolidayPage(Page):
    items: list[HolidayOut]


class HolidayFilters(Schema):
    year: int | None = Field(None, ge=1900, le=2200)


# ---- employees ---------------------------------------------------------------------------------------------------


class EmployeeIn(Input):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    hire_date: datetime.date
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=50)
    department: str | None = REF
    position: str | None = REF
    reports_to: str | None = Field(None, max_length=100, description="the manager: an employee's id or number")
    user: uuid.UUID | None = Field(None, description="the user who signs in as this employee (a member)")
    employment_type: EmploymentType = EmploymentType.FULL_TIME
    status: Literal["PENDING", "ACTIVE"] = "PENDING"
    work_location: str = Field("", max_length=255)
    date_of_birth: datetime.date | None = None
    address: str = TEXT
    emergency_contact: dict | None = None
    national_id: str = Field("", max_length=50, description="IIN, SSN or passport; stored encrypted")
    bank_details: dict | None = Field(None, description="stored encrypted, never returned")
    tax_info: dict | None = Field(None, description="stored encrypted, never returned")
    personal_info: dict | None = None
    skills: list[str] = Field(default_factory=list, max_length=100)
    certifications: list[str] = Field(default_factory=list, max_length=100)


class EmployeePatch(Input):
    first_name: str | None = Field(None, min_length=1, max_length=100)
    last_name: str | None = Field(None, min_length=1, max_length=100)
    email: ClearableText = Field(None, max_length=254)
    phone: ClearableText = Field(None, max_length=50)
    department: str | None = REF
    position: str | None = REF
    reports_to: str | None = REF
    user: uuid.UUID | None = None
    hire_date: datetime.date | None = None
    employment_type: EmploymentType | None = None
    work_location: ClearableText = Field(None, max_length=255)
    date_of_birth: datetime.date | None = None
    address: ClearableText = Field(None, max_length=10_000)
    emergency_contact: dict | None = None
    national_id: ClearableText = Field(None, max_length=50)
    bank_details: dict | None = None
    tax_info: dict | None = None
    personal_info: dict | None = None
    skills: list[str] | None = Field(None, max_length=100)
    certifications: list[str] | None = Field(None, max_length=100)


class EmployeeStatusIn(Input):
    status: EmployeeStatus
    termination_date: datetime.date | None = Field(None, description="TERMINATED: default today")
    reason: str = Field("", max_length=500)


class EmployeeOut(Schema):
    id: uuid.UUID
    employee_number: str
    first_name: str
    last_name: str
    name: str
    email: str
    phone: str
    department: Ref | None
    position: Ref | None
    reports_to: Ref | None
    user: uuid.UUID | None = Field(None, alias="user_id")
    party: uuid.UUID = Field(alias="party_id")
    party_number: str
    account: str = Field(description="the code of the employee's payable account")
    hire_date: datetime.date
    termination_date: datetime.date | None
    employment_type: str
    status: str
    work_location: str
    date_of_birth: datetime.date | None
    address: str
    emergency_contact: dict
    national_id: str = Field(description="masked: its last 4 characters (stored encrypted)")
    personal_info: dict
    skills: list[str]
    certifications: list[str]
    created_at: datetime.datetime

    @staticmethod
    def resolve_department(obj):
        return _ref(obj.department, "code", "name")

    @staticmethod
    def resolve_position(obj):
        return _ref(obj.position, "code", "title")

    @staticmethod
    def resolve_reports_to(obj):
        return _ref(obj.reports_to, "employee_number", "name")

    @staticmethod
    def resolve_party_number(obj):
        return obj.party.party_number

    @staticmethod
    def resolve_account(obj):
        return obj.party.party_number

    @staticmethod
    def resolve_national_id(obj):
        return masked(obj.national_id_last4)


class EmployeePage(Page):
    items: list[EmployeeOut]


class EmployeeFilters(Schema):
    department: uuid.UUID | None = None
    position: uuid.UUID | None = None
    status: EmployeeStatus | None = None
    employment_type: EmploymentType | None = None
    reports_to: uuid.UUID | None = None
    q: str | None = Field(None, max_length=100, description="a part of the name, number or e-mail, or a national id")


# ---- attendance ----------------------------------------------------------------------------------------------------


class AttendanceIn(Input):
    employee: str = Field(min_length=1, max_length=100)
    date: datetime.date
    check_in: datetime.datetime | None = None
    check_out: datetime.datetime | None = None
    status: AttendanceStatus | None = Field(None, description="default: PRESENT, or ON_LEAVE on approved leave")
    notes: str = TEXT


class AttendancePatch(Input):
    check_in: datetime.datetime | None = None
    check_out: datetime.datetime | None = None
    status: AttendanceStatus | None = None
    notes: ClearableText = Field(None, max_length=10_000)


class CheckIn(Input):
    employee: str | None = Field(None, max_length=100, description="default: the caller's own employee")


class AttendanceOut(Schema):
    id: uuid.UUID
    employee: Ref
    date: datetime.date
    check_in: datetime.datetime | None
    check_out: datetime.datetime | None
    hours_worked: DecimalString
    overtime_hours: DecimalString
    status: str
    notes: str

    @staticmethod
    def resolve_employee(obj):
        return _ref(obj.employee, "employee_number", "name")


class AttendancePage(Page):
    items: list[AttendanceOut]


class AttendanceFilters(Schema):
    employee: uuid.UUID | None = None
    status: AttendanceStatus | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


# ---- leave -------------------------------------------------------------------------------------------------------


class LeaveIn(Input):
    employee: str | None = Field(None, max_length=100, description="default: the caller's own employee")
    leave_type: LeaveType
    start_date: datetime.date
    end_date: datetime.date
    reason: str = TEXT
    notes: str = TEXT


class RejectIn(Input):
    reason: str = Field(min_length=1, max_length=2000)


class ReasonIn(Input):
    reason: str = Field("", max_length=2000)


class LeaveOut(Schema):
    id: uuid.UUID
    employee: Ref
    leave_type: str
    start_date: datetime.date
    end_date: datetime.date
    total_days: DecimalString
    reason: str
    status: str
    approved_by: uuid.UUID | None = Field(None, alias="approved_by_id")
    approved_at: datetime.datetime | None
    rejection_reason: str
    notes: str
    calendar_event_id: uuid.UUID | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_employee(obj):
        return _ref(obj.employee, "employee_number", "name")


class LeavePage(Page):
    items: list[LeaveOut]


class LeaveFilters(Schema):
    employee: uuid.UUID | None = None
    status: LeaveStatus | None = None
    leave_type: LeaveType | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class BalanceOut(Schema):
    id: uuid.UUID
    employee: Ref
    year: int
    leave_type: str
    total_days: DecimalString
    carried_over_days: DecimalString
    used_days: DecimalString
    reserved_days: DecimalString
    remaining_days: DecimalString
    available_days: DecimalString

    @staticmethod
    def resolve_employee(obj):
        return _ref(obj.employee, "employee_number", "name")


class BalancePage(Page):
    items: list[BalanceOut]


class BalanceFilters(Schema):
    employee: uuid.UUID | None = None
    year: int | None = Field(None, ge=1900, le=2200)
    leave_type: LeaveType | None = None


class AccrueIn(Input):
    year: int = Field(ge=1900, le=2200)


class AccrueOut(Schema):
    created: int


# ---- reviews -------------------------------------------------------------------------------------------------------


class ReviewIn(Input):
    employee: str = Field(min_length=1, max_length=100)
    reviewer: str = Field(min_length=1, max_length=100)
    period_start: datetime.date
    period_end: datetime.date
    review_date: datetime.date | None = None
    rating: Decimal | None = Field(None, ge=1, le=5, max_digits=3, decimal_places=2)
    strengths: str = TEXT
    goals_achieved: str = TEXT
    areas_for_improvement: str = TEXT
    next_goals: str = TEXT
    recommendations: str = TEXT


class ReviewPatch(Input):
    review_date: datetime.date | None = None
    rating: Decimal | None = Field(None, ge=1, le=5, max_digits=3, decimal_places=2)
    strengths: ClearableText = Field(None, max_length=10_000)
    goals_achieved: ClearableText = Field(None, max_length=10_000)
    areas_for_improvement: ClearableText = Field(None, max_length=10_000)
    next_goals: ClearableText = Field(None, max_length=10_000)
    recommendations: ClearableText = Field(None, max_length=10_000)


class ReviewStatusIn(Input):
    status: ReviewStatus
    comments: str = Field("", max_length=5000, description="the employee's comments when acknowledging")


class ReviewOut(Schema):
    id: uuid.UUID
    employee: Ref
    reviewer: Ref
    period_start: datetime.date
    period_end: datetime.date
    review_date: datetime.date
    rating: DecimalString | None
    strengths: str
    goals_achieved: str
    areas_for_improvement: str
    next_goals: str
    recommendations: str
    employee_comments: str
    status: str

    @staticmethod
    def resolve_employee(obj):
        return _ref(obj.employee, "employee_number", "name")

    @staticmethod
    def resolve_reviewer(obj):
        return _ref(obj.reviewer, "employee_number", "name")


class ReviewPage(Page):
    items: list[ReviewOut]


class ReviewFilters(Schema):
    employee: uuid.UUID | None = None
    reviewer: uuid.UUID | None = None
    status: ReviewStatus | None = None


# ---- recruitment ---------------------------------------------------------------------------------------------------


class PostingIn(Input):
    title: str = Field(min_length=1, max_length=255)
    description: str = Field(min_length=1, max_length=20_000)
    department: str | None = REF
    position: str | None = REF
    requirements: str = TEXT
    salary_range_min: Decimal | None = None
    salary_range_max: Decimal | None = None
    location: str = Field("", max_length=255)
    employment_type: EmploymentType = EmploymentType.FULL_TIME
    status: Literal["DRAFT", "OPEN"] = "OPEN"
    posted_date: datetime.date | None = None
    closing_date: datetime.date | None = None
    max_applications: int | None = Field(None, ge=1)


class PostingPatch(Input):
    title: str | None = Field(None, min_length=1, max_length=255)
    description: str | None = Field(None, min_length=1, max_length=20_000)
    requirements: ClearableText = Field(None, max_length=10_000)
    salary_range_min: Decimal | None = None
    salary_range_max: Decimal | None = None
    location: ClearableText = Field(None, max_length=255)
    closing_date: datetime.date | None = None
    max_applications: int | None = Field(None, ge=1)


class PostingStatusIn(Input):
    status: PostingStatus
    reason: str = Field("", max_length=500)


class PostingOut(Schema):
    id: uuid.UUID
    title: str
    department: Ref | None
    position: Ref | None
    description: str
    requirements: str
    salary_range_min: AmountString | None
    salary_range_max: AmountString | None
    location: str
    employment_type: str
    status: str
    posted_date: datetime.date
    closing_date: datetime.date | None
    max_applications: int | None
    applications_count: int = 0

    @staticmethod
    def resolve_department(obj):
        return _ref(obj.department, "code", "name")

    @staticmethod
    def resolve_position(obj):
        return _ref(obj.position, "code", "title")


class PostingPage(Page):
    items: list[PostingOut]


class PostingFilters(Schema):
    status: PostingStatus | None = None
    department: uuid.UUID | None = None
    q: str | None = Field(None, max_length=100)


class CandidateIn(Input):
    job_posting: uuid.UUID
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    email: str = Field(min_length=3, max_length=254)
    phone: str = Field("", max_length=50)
    cover_letter: str = TEXT
    experience_years: int | None = Field(None, ge=0, le=80)
    education_level: str = Field("", max_length=100)
    skills: list[str] = Field(default_factory=list, max_length=100)
    notes: str = TEXT


class CandidateStatusIn(Input):
    status: CandidateStatus
    reason: str = Field("", max_length=500)
    interview_date: datetime.datetime | None = None


class HireIn(Input):
    hire_date: datetime.date
    department: str | None = REF
    position: str | None = REF
    reports_to: str | None = REF
    employment_type: EmploymentType | None = None
    status: Literal["PENDING", "ACTIVE"] = "ACTIVE"


class CandidateOut(Schema):
    id: uuid.UUID
    job_posting: uuid.UUID = Field(alias="job_posting_id")
    first_name: str
    last_name: str
    email: str
    phone: str
    cover_letter: str
    experience_years: int | None
    education_level: str
    skills: list[str]
    status: str
    interview_date: datetime.datetime | None
    notes: str
    hired_employee: uuid.UUID | None = Field(None, alias="hired_employee_id")


class CandidatePage(Page):
    items: list[CandidateOut]


class CandidateFilters(Schema):
    job_posting: uuid.UUID | None = None
    status: CandidateStatus | None = None
    q: str | None = Field(None, max_length=100)


# ---- training ------------------------------------------------------------------------------------------------------


class ProgramIn(Input):
    title: str = Field(min_length=1, max_length=255)
    description: str = TEXT
    instructor: str = Field("", max_length=255)
    duration_hours: int | None = Field(None, ge=0)
    cost: Decimal | None = None
    max_participants: int | None = Field(None, ge=1)
    location: str = Field("", max_length=255)
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None


class ProgramPatch(Input):
    title: str | None = Field(None, min_length=1, max_length=255)
    description: ClearableText = Field(None, max_length=10_000)
    instructor: ClearableText = Field(None, max_length=255)
    duration_hours: int | None = Field(None, ge=0)
    cost: Decimal | None = None
    max_participants: int | None = Field(None, ge=1)
    location: ClearableText = Field(None, max_length=255)
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None


class ProgramStatusIn(Input):
    status: ProgramStatus
    reason: str = Field("", max_length=500)


class ProgramOut(Schema):
    id: uuid.UUID
    title: str
    description: str
    instructor: str
    duration_hours: int | None
    cost: AmountString | None
    max_participants: int | None
    location: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    status: str
    enrolled_count: int = 0


class ProgramPage(Page):
    items: list[ProgramOut]


class ProgramFilters(Schema):
    status: ProgramStatus | None = None
    q: str | None = Field(None, max_length=100)


class EnrollmentIn(Input):
    program: uuid.UUID
    employee: str | None = Field(None, max_length=100, description="default: the caller's own employee")
    enrollment_date: datetime.date | None = None


class EnrollmentStatusIn(Input):
    status: EnrollmentStatus
    grade: str = Field("", max_length=10)
    completion_date: datetime.date | None = None


class EnrollmentOut(Schema):
    id: uuid.UUID
    program: uuid.UUID = Field(alias="program_id")
    program_title: str
    employee: Ref
    enrollment_date: datetime.date
    completion_date: datetime.date | None
    grade: str
    status: str

    @staticmethod
    def resolve_program_title(obj):
        return obj.program.title

    @staticmethod
    def resolve_employee(obj):
        return _ref(obj.employee, "employee_number", "name")


class EnrollmentPage(Page):
    items: list[EnrollmentOut]


class EnrollmentFilters(Schema):
    program: uuid.UUID | None = None
    employee: uuid.UUID | None = None
    status: EnrollmentStatus | None = None


class CertificateOut(Schema):
    id: uuid.UUID
    file_name: str
    size_bytes: int
