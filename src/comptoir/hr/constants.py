"""Statuses, types and the allowed status moves of the HR module, declared as data (entities §12)."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EmploymentType(models.TextChoices):
    FULL_TIME = "FULL_TIME", _("Full time")
    PART_TIME = "PART_TIME", _("Part time")
    CONTRACT = "CONTRACT", _("Contract")
    INTERN = "INTERN", _("Intern")
    TEMPORARY = "TEMPORARY", _("Temporary")


class EmployeeStatus(models.TextChoices):
    PENDING = "PENDING", pgettext_lazy("employee", "Pending")
    ACTIVE = "ACTIVE", pgettext_lazy("employee", "Active")
    INACTIVE = "INACTIVE", pgettext_lazy("employee", "Inactive")
    TERMINATED = "TERMINATED", pgettext_lazy("employee", "Terminated")


_EP, _EA, _EI, _ET = EmployeeStatus.PENDING, EmployeeStatus.ACTIVE, EmployeeStatus.INACTIVE, EmployeeStatus.TERMINATED
# PENDING → ACTIVE ↔ INACTIVE; ACTIVE/INACTIVE → TERMINATED (terminal; sets termination_date).
EMPLOYEE_TRANSITIONS = frozenset({(_EP, _EA), (_EA, _EI), (_EI, _EA), (_EA, _ET), (_EI, _ET)})


class AttendanceStatus(models.TextChoices):
    PRESENT = "PRESENT", pgettext_lazy("attendance", "Present")
    ABSENT = "ABSENT", pgettext_lazy("attendance", "Absent")
    LATE = "LATE", pgettext_lazy("attendance", "Late")
    HALF_DAY = "HALF_DAY", pgettext_lazy("attendance", "Half day")
    ON_LEAVE = "ON_LEAVE", pgettext_lazy("attendance", "On leave")
    HOLIDAY = "HOLIDAY", pgettext_lazy("attendance", "Holiday")
    WEEKEND = "WEEKEND", pgettext_lazy("attendance", "Weekend")


class LeaveType(models.TextChoices):
    ANNUAL = "ANNUAL", _("Annual leave")
    SICK = "SICK", _("Sick leave")
    MATERNITY = "MATERNITY", _("Maternity leave")
    UNPAID = "UNPAID", _("Unpaid leave")
    OTHER = "OTHER", _("Other leave")


class LeaveStatus(models.TextChoices):
    PENDING = "PENDING", pgettext_lazy("leave", "Pending")
    APPROVED = "APPROVED", pgettext_lazy("leave", "Approved")
    REJECTED = "REJECTED", pgettext_lazy("leave", "Rejected")
    CANCELLED = "CANCELLED", pgettext_lazy("leave", "Cancelled")


_LP, _LA, _LR, _LC = LeaveStatus.PENDING, LeaveStatus.APPROVED, LeaveStatus.REJECTED, LeaveStatus.CANCELLED
# PENDING → APPROVED | REJECTED | CANCELLED; APPROVED → CANCELLED before its start date (restores the balance).
LEAVE_TRANSITIONS = frozenset({(_LP, _LA), (_LP, _LR), (_LP, _LC), (_LA, _LC)})
# The statuses that hold days (and may not overlap another request of the employee).
LEAVE_HOLDING = (LeaveStatus.PENDING, LeaveStatus.APPROVED)
# Unpaid leave has no balance (payroll deducts it); the other types draw on the year's balance when the
# organization's entitlements (setting hr.leave_entitlements) name them.
UNPAID_TYPES = frozenset({LeaveType.UNPAID})


class ReviewStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("review", "Draft")
    SUBMITTED = "SUBMITTED", pgettext_lazy("review", "Submitted")
    ACKNOWLEDGED = "ACKNOWLEDGED", pgettext_lazy("review", "Acknowledged")
    CLOSED = "CLOSED", pgettext_lazy("review", "Closed")


_RD, _RS, _RA, _RC = ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, ReviewStatus.ACKNOWLEDGED, ReviewStatus.CLOSED
# DRAFT → SUBMITTED (by the reviewer) → ACKNOWLEDGED (by the employee: the sign-off) → CLOSED (HR).
REVIEW_TRANSITIONS = frozenset({(_RD, _RS), (_RS, _RA), (_RA, _RC)})


class PostingStatus(models.TextChoices):
    DRAFT = "DRAFT", pgettext_lazy("job posting", "Draft")
    OPEN = "OPEN", pgettext_lazy("job posting", "Open")
    CLOSED = "CLOSED", pgettext_lazy("job posting", "Closed")
    FILLED = "FILLED", pgettext_lazy("job posting", "Filled")
    CANCELLED = "CANCELLED", pgettext_lazy("job posting", "Cancelled")


_PD, _PO, _PC, _PF, _PX = (PostingStatus.DRAFT, PostingStatus.OPEN, PostingStatus.CLOSED, PostingStatus.FILLED,
                           PostingStatus.CANCELLED)  # fmt: skip
# DRAFT → OPEN → CLOSED → FILLED; OPEN → FILLED; any non-terminal → CANCELLED.
POSTING_TRANSITIONS = frozenset({(_PD, _PO), (_PO, _PC), (_PC, _PF), (_PO, _PF), (_PD, _PX), (_PO, _PX), (_PC, _PX)})


class CandidateStatus(models.TextChoices):
    APPLIED = "APPLIED", pgettext_lazy("candidate", "Applied")
    SCREENING = "SCREENING", pgettext_lazy("candidate", "Screening")
    INTERVIEW = "INTERVIEW", pgettext_lazy("candidate", "Interview")
    OFFERED = "OFFERED", pgettext_lazy("candidate", "Offered")
    HIRED = "HIRED", pgettext_lazy("candidate", "Hired")
    REJECTED = "REJECTED", pgettext_lazy("candidate", "Rejected")
    WITHDRAWN = "WITHDRAWN", pgettext_lazy("candidate", "Withdrawn")


# The pipeline's stages in order (the recruitment board's columns).
PIPELINE = (CandidateStatus.APPLIED, CandidateStatus.SCREENING, CandidateStatus.INTERVIEW, CandidateStatus.OFFERED,
            CandidateStatus.HIRED)  # fmt: skip
_OPEN_STAGES = PIPELINE[:-1]
# APPLIED → SCREENING → INTERVIEW → OFFERED → HIRED (through the hire service); any non-terminal → REJECTED or
# WITHDRAWN.
CANDIDATE_TRANSITIONS = frozenset(
    {(a, b) for a, b in zip(PIPELINE, PIPELINE[1:], strict=False)}
    | {(s, t) for s in _OPEN_STAGES for t in (CandidateStatus.REJECTED, CandidateStatus.WITHDRAWN)}
)


class ProgramStatus(models.TextChoices):
    SCHEDULED = "SCHEDULED", pgettext_lazy("training", "Scheduled")
    IN_PROGRESS = "IN_PROGRESS", pgettext_lazy("training", "In progress")
    COMPLETED = "COMPLETED", pgettext_lazy("training", "Completed")
    CANCELLED = "CANCELLED", pgettext_lazy("training", "Cancelled")


PROGRAM_TRANSITIONS = frozenset(
    {
        (ProgramStatus.SCHEDULED, ProgramStatus.IN_PROGRESS),
        (ProgramStatus.IN_PROGRESS, ProgramStatus.COMPLETED),
        (ProgramStatus.SCHEDULED, ProgramStatus.CANCELLED),
    }
)


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "ENROLLED", pgettext_lazy("enrollment", "Enrolled")
    IN_PROGRESS = "IN_PROGRESS", pgettext_lazy("enrollment", "In progress")
    COMPLETED = "COMPLETED", pgettext_lazy("enrollment", "Completed")
    DROPPED = "DROPPED", pgettext_lazy("enrollment", "Dropped")
    FAILED = "FAILED", pgettext_lazy("enrollment", "Failed")


_NE, _NI = EnrollmentStatus.ENROLLED, EnrollmentStatus.IN_PROGRESS
ENROLLMENT_TRANSITIONS = frozenset(
    {
        (_NE, _NI),
        (_NI, EnrollmentStatus.COMPLETED),
        (_NI, EnrollmentStatus.FAILED),
        (_NE, EnrollmentStatus.DROPPED),
        (_NI, EnrollmentStatus.DROPPED),
    }  # fmt: skip
)

# The blind index of a national id is keyed for this use only (platform.crypto.blind_index).
NATIONAL_ID_PURPOSE = "employee_national_id"
HALF = Decimal("0.5")
