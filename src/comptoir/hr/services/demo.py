"""The demo organization's people (`comptoir demo`): five departments (each on a cost center of its own), their
positions, 25 employees hired over the past years under a manager chain (the first of each department heads it
and reports to the managing director), the year's holidays, a year of attendance (working days, with a few
absences and late arrivals), the leave balances of last year and this one, leave taken through the year (annual,
sick, unpaid; approved, a few rejected, some pending), a job posting with candidates along the pipeline, a
training program with enrollments, and a review cycle. Written through the real services; deterministic;
skipped when the organization already has an employee."""

from __future__ import annotations

import datetime
import unicodedata
from decimal import Decimal

from django.db import transaction

from comptoir.accounting.services.chart import CostCenterInput, create_cost_center
from comptoir.hr import queries
from comptoir.hr.constants import AttendanceStatus
from comptoir.hr.models import Employee
from comptoir.hr.services import attendance, employees, leave, organization, recruitment, reviews, training
from comptoir.platform.errors import DomainError

# (code, name, cost center, positions)
DEPARTMENTS = (
    ("MGMT", "Management", "CC-MGMT", (("MD", "Managing director"),)),
    ("SALES", "Sales", "CC-SALES", (("SREP", "Sales representative"), ("SMGR", "Sales manager"))),
    ("OPS", "Operations", "CC-OPS", (("WHS", "Warehouse operative"), ("OMGR", "Operations manager"))),
    ("FIN", "Finance", "CC-FIN", (("ACC", "Accountant"), ("FMGR", "Finance manager"))),
    ("HR", "People", "CC-HR", (("HRO", "HR officer"),)),
)
FIRST = ("Alice", "Bruno", "Chloé", "David", "Emma", "Farid", "Gaëlle", "Hugo", "Inès", "Jules", "Karim", "Léa",
         "Marc", "Nadia", "Olivier", "Pauline", "Quentin", "Rose", "Samir", "Théo", "Ursula", "Victor", "Wendy",
         "Xavier", "Yasmine")  # fmt: skip
LAST = ("Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
        "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard", "Bonnet",
        "Dupont", "Lambert", "Fontaine", "Rousseau")  # fmt: skip
# department of each of the 25 employees (the first of each heads it)
PLACES = ("MGMT",) + ("SALES",) * 7 + ("OPS",) * 9 + ("FIN",) * 5 + ("HR",) * 3
HOLIDAYS = (
    (1, 1, "New Year's Day"),
    (5, 1, "Labour Day"),
    (5, 8, "Victory in Europe Day"),
    (7, 14, "Bastille Day"),
    (8, 15, "Assumption"),
    (11, 1, "All Saints' Day"),
    (11, 11, "Armistice Day"),
    (12, 25, "Christmas"),
)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _aware(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=datetime.UTC)


def seed_demo_hr(*, actor, today: datetime.date) -> int:
    """The demo's people; the number of employees made (0 when the organization already has one)."""
    if Employee.objects.exists():
        return 0
    year = today.year
    with transaction.atomic():
        heads: dict[str, Employee] = {}
        for code, name, cost_center, titles in DEPARTMENTS:
            create_cost_center(actor=actor, data=CostCenterInput(code=cost_center, name=name))
            organization.create_department(
                actor=actor,
                data=organization.DepartmentInput(
                    name=name, code=code, cost_center=cost_center, parent=None if code == "MGMT" else "MGMT"
                ),  # fmt: skip
            )
            for position_code, title in titles:
                organization.create_position(actor=actor, data=organization.PositionInput(
                    code=position_code, title=title, department=code))  # fmt: skip
        for month, day, name in HOLIDAYS:
            if datetime.date(year, month, day) <= today + datetime.timedelta(days=366):
                organization.create_holiday(actor=actor, data=organization.HolidayInput(
                    date=datetime.date(year, month, day), name=name))  # fmt: skip
        people = []
        for n, department in enumerate(PLACES):
            head = heads.get(department)
            titles = dict(DEPARTMENTS[[d[0] for d in DEPARTMENTS].index(department)][3])
            position = list(titles)[-1] if head is None else list(titles)[0]
            hired = datetime.date(year - 1 - n % 6, 1 + n % 12, 1 + n % 27)
            if n == 24:  # a joiner this year
                hired = max(datetime.date(year, 1, 1), today - datetime.timedelta(days=60))
            manager = head or heads.get("MGMT")
            employee = employees.create_employee(
                actor=actor,
                data=employees.EmployeeInput(
                    first_name=FIRST[n], last_name=LAST[n], hire_date=hired, status="ACTIVE",
                    email=_ascii(f"{FIRST[n]}.{LAST[n]}@demo.example"),
                    department=department, position=position,
                    reports_to=str(manager.pk) if manager else None,
                ),
            )  # fmt: skip
            if head is None:
                heads[department] = employee
                department_id = queries.resolve_department(department).pk
                changes = organization.DepartmentPatch(manager=str(employee.pk))
                organization.update_department(actor=actor, department_id=department_id, changes=changes)
            people.append(employee)
        for past in range(min(p.hire_date.year for p in people), year + 1):
            leave.accrue_leave(actor=actor, year=past)
        start = max(today - datetime.timedelta(days=365), datetime.date(year - 1, 1, 1))
        for n, person in enumerate(people):
            _leave_year(actor, person, n, today)
            _attendance_year(actor, person, n, max(start, person.hire_date), today)
        _recruitment(actor, today, heads)
        _training(actor, today, people)
        _reviews(actor, year, people, heads)
    return len(people)


def _leave_year(actor, person, n: int, today: datetime.date) -> None:
    """Past annual leave approved, a sick day, some unpaid leave, a future request pending or rejected."""
    year = today.year
    plans = [("ANNUAL", datetime.date(year, 2, 3 + n % 10), 3), ("SICK", datetime.date(year, 4, 6 + n % 15), 1)]
    if n % 5 == 0:
        plans.append(("UNPAID", datetime.date(year, 6, 8 + n % 10), 2))
    ahead = today + datetime.timedelta(days=20 + n)
    if (ahead + datetime.timedelta(days=4)).year == year:
        plans.append(("ANNUAL", ahead, 4))
    else:  # late in the year: a day of unpaid leave early next year (no balance needed)
        plans.append(("UNPAID", datetime.date(year + 1, 1, 5 + n % 20), 1))
    for i, (kind, first, days) in enumerate(plans):
        if first < person.hire_date or first > today + datetime.timedelta(days=366):
            continue
        request = _submit(actor, person, kind, first, days)
        if request is None:
            continue
        approver = actor
        if i == len(plans) - 1 and n % 3 == 0:
            leave.reject_leave(actor=approver, leave_id=request.pk, reason="Peak season")
        elif i < len(plans) - 1 or n % 3 == 1:
            leave.approve_leave(actor=approver, leave_id=request.pk)


def _submit(actor, person, kind: str, first: datetime.date, days: int):
    """The request, or None where the plan is refused (a weekend only, not enough days left)."""
    data = leave.LeaveInput(employee=str(person.pk), leave_type=kind, start_date=first,
                            end_date=first + datetime.timedelta(days=days - 1), reason="Demo")  # fmt: skip
    try:
        return leave.submit_leave(actor=actor, data=data)
    except DomainError:
        return None


def _attendance_year(actor, person, n: int, start: datetime.date, today: datetime.date) -> None:
    on_leave = set()
    for request in queries.leave_requests(employee=person.pk, status="APPROVED"):
        day = request.start_date
        while day <= request.end_date:
            on_leave.add(day)
            day += datetime.timedelta(days=1)
    days = []
    for i, day in enumerate(queries.working_days(start, today - datetime.timedelta(days=1))):
        if day in on_leave:
            days.append(attendance.AttendanceDay(date=day, status=AttendanceStatus.ON_LEAVE))
        elif (i + n) % 97 == 0:
            days.append(attendance.AttendanceDay(date=day, status=AttendanceStatus.ABSENT))
        else:
            late = (i + n) % 23 == 0
            arrive = _aware(day, 9 if late else 8, 20 if late else 5 * (n % 6))
            leave_at = _aware(day, 17 + (i + n) % 3, 10 * (n % 5))
            status = AttendanceStatus.LATE if late else AttendanceStatus.PRESENT
            days.append(attendance.AttendanceDay(date=day, check_in=arrive, check_out=leave_at, status=status))
    if days:
        attendance.import_attendance(actor=actor, employee=str(person.pk), days=days)


def _recruitment(actor, today, heads) -> None:
    posting = recruitment.create_posting(actor=actor, data=recruitment.PostingInput(
        title="Sales representative", description="Sell our products to retailers in the region.",
        department="SALES", position="SREP", salary_range_min=Decimal(32000), salary_range_max=Decimal(40000),
        posted_date=today - datetime.timedelta(days=30), closing_date=today + datetime.timedelta(days=30)))  # fmt: skip
    stages = ("APPLIED", "SCREENING", "INTERVIEW", "OFFERED", "REJECTED", "APPLIED")
    names = (("Anna", "Klein"), ("Boris", "Vidal"), ("Carla", "Mendes"), ("Denis", "Roy"), ("Elsa", "Faure"),
             ("Fabien", "Noël"))  # fmt: skip
    for (first, last), stage in zip(names, stages, strict=True):
        candidate = recruitment.apply_candidate(actor=actor, data=recruitment.CandidateInput(
            job_posting=str(posting.pk), first_name=first, last_name=last, email=_ascii(f"{first}@candidates.example"),
            experience_years=len(last)))  # fmt: skip
        path = {"SCREENING": ("SCREENING",), "INTERVIEW": ("SCREENING", "INTERVIEW"),
                "OFFERED": ("SCREENING", "INTERVIEW", "OFFERED"), "REJECTED": ("SCREENING", "REJECTED")}  # fmt: skip
        for status in path.get(stage, ()):
            recruitment.move_candidate(actor=actor, candidate_id=candidate.pk, status=status)


def _training(actor, today, people) -> None:
    program = training.create_program(actor=actor, data=training.ProgramInput(
        title="Forklift safety", instructor="Safety First SARL", duration_hours=14, cost=Decimal(1200),
        max_participants=8, start_date=today - datetime.timedelta(days=40), end_date=today - datetime.timedelta(days=38)))  # fmt: skip  # noqa: E501
    ops = [p for p in people if p.department.code == "OPS"][:6]
    rows = [training.enroll(actor=actor, program=str(program.pk), employee=str(p.pk),
                            enrollment_date=today - datetime.timedelta(days=50)) for p in ops]  # fmt: skip
    training.change_program_status(actor=actor, program_id=program.pk, status="IN_PROGRESS")
    for i, row in enumerate(rows):
        training.move_enrollment(actor=actor, enrollment_id=row.pk, status="IN_PROGRESS")
        if i < 4:
            training.move_enrollment(actor=actor, enrollment_id=row.pk, status="COMPLETED", grade="A" if i % 2 else "B",
                                     completion_date=today - datetime.timedelta(days=38))  # fmt: skip
    training.change_program_status(actor=actor, program_id=program.pk, status="COMPLETED")
    training.create_program(actor=actor, data=training.ProgramInput(
        title="Negotiation skills", instructor="Cabinet Lumière", duration_hours=7, max_participants=12,
        start_date=today + datetime.timedelta(days=30), end_date=today + datetime.timedelta(days=30)))  # fmt: skip


def _reviews(actor, year, people, heads) -> None:
    for person in people[1:8]:
        manager = person.reports_to
        if manager is None:
            continue
        reviews.create_review(actor=actor, data=reviews.ReviewInput(
            employee=str(person.pk), reviewer=str(manager.pk), period_start=datetime.date(year - 1, 1, 1),
            period_end=datetime.date(year - 1, 12, 31), rating=Decimal("3.5") + Decimal(len(person.last_name) % 3) / 2,
            strengths="Reliable, good with customers", next_goals="Grow the regional accounts"))  # fmt: skip
