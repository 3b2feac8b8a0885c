"""The error codes of the HR app: each is the stable `code` of a problem+json answer (DESIGN §3). The generic
codes (required, unknown, duplicate, invalid, invalid_transition…) are the platform's (`platform.errors`)."""

from enum import StrEnum


class HrError(StrEnum):
    """Codes raised by the HR services, beside the platform's."""

    CYCLE = "cycle"
    DUPLICATE_ATTENDANCE = "duplicate_attendance"
    NOT_CHECKED_IN = "not_checked_in"
    ALREADY_CHECKED_OUT = "already_checked_out"
    OVERLAPPING_LEAVE = "overlapping_leave"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    NO_BALANCE = "no_balance"
    NO_WORKING_DAYS = "no_working_days"
    SPANS_YEARS = "spans_years"
    SELF_APPROVAL = "self_approval"
    NOT_THE_MANAGER = "not_the_manager"
    LEAVE_STARTED = "leave_started"
    SELF_REVIEW = "self_review"
    NOT_THE_EMPLOYEE = "not_the_employee"
    NOT_THE_REVIEWER = "not_the_reviewer"
    POSTING_NOT_OPEN = "posting_not_open"
    POSTING_FULL = "posting_full"
    PROGRAM_FULL = "program_full"
    PROGRAM_NOT_OPEN = "program_not_open"
    NOT_ACTIVE = "not_active"
    NOT_EDITABLE_BY_EMPLOYEE = "not_editable_by_employee"
    NOT_A_MEMBER = "not_a_member"
    SALARY_RANGE = "salary_range"
    USER_TAKEN = "user_taken"
    NOT_COMPLETED = "not_completed"
    IN_USE = "in_use"
    NEGATIVE_AMOUNT = "negative_amount"
