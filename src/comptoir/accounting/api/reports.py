"""To be written (issue 4)."""

from ninja import Router

router = Router()
