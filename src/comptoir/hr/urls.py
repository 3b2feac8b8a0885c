"""HR's purpose-built desk pages, included at /hr/ (the generic pages of its declarations, hr/desk.py, are the
desk's): the leave calendar, the recruitment board and the employee's self-service page."""

from django.urls import path

from comptoir.hr.pages import board, calendar, self_service

urlpatterns = [
    path("pages/leave-calendar/", calendar.leave_calendar, name="hr_leave_calendar"),
    path("pages/recruitment-board/", board.recruitment_board, name="hr_recruitment_board"),
    path("pages/me/", self_service.self_service, name="hr_self_service"),
]
