"""The parties' purpose-built desk page, included at /parties/ (the generic pages of its declarations,
parties/desk.py, are the desk's)."""

from django.urls import path

from comptoir.parties.pages import statement

urlpatterns = [path("<uuid:pk>/statement/", statement.statement_page, name="parties_statement")]
