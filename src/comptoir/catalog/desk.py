"""The catalogue in the desk."""

from comptoir.desk.declarations import Desk

DESK = Desk()
