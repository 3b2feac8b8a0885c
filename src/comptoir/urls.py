from django.urls import include, path
from django.utils.translation import gettext as _

from comptoir.api import api
from comptoir.desk.views.home import home
from comptoir.identity.admin import switch_organization
from comptoir.platform import views
from comptoir.platform.admin_site import SWITCH_URL_NAME, site
from comptoir.platform.modules import registry
from comptoir.platform.problems import problem_response


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return problem_response(request, status=404, code="not_found", title=_("Not found"))
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


handler404 = not_found

urlpatterns = [
    path("", home, name=views.HOME_URL_NAME),
    path("favicon.ico", views.favicon, name="favicon"),
    path("switch-organization/", views.switch_organization, name="home_switch_organization"),
    path("notifications/mark-all-read/", views.mark_all_read, name="home_mark_all_read"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    *(path(prefix, include(urls)) for module in registry().modules for prefix, urls in module.urls),
    path("admin/switch-organization/", switch_organization, name=SWITCH_URL_NAME),
    path("admin/", site.urls),
    path("", include("comptoir.desk.urls")),
]
