"""Platform API: one router per concern, mounted under /api/v1/platform."""

from ninja import Router

from comptoir.platform.api.core import router as core_router

router = Router()
router.add_router("", core_router)
router.add_router("", "comptoir.platform.api.audit.router")
router.add_router("", "comptoir.platform.api.configuration.router")
router.add_router("", "comptoir.platform.api.attachments.router")
router.add_router("", "comptoir.platform.api.notifications.router")
router.add_router("", "comptoir.platform.api.calendar.router")
router.add_router("", "comptoir.platform.api.webhooks.router")
router.add_router("", "comptoir.platform.api.rates.router")
