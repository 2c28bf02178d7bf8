from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from hazardloop.api.router import api

urlpatterns = [
    # First: an API request (the hot paths) is matched by one pattern instead of after every
    # app's pages (about 20 failed resolvers each time). No page lives under api/.
    path("api/v1/", api.urls),
    path("", include("hazardloop.workbench.urls")),
    path("", include("hazardloop.reports.urls")),
    path("", include("hazardloop.accounts.urls")),
    path("", include("hazardloop.regions.urls")),
    path("", include("hazardloop.units.urls")),
    path("", include("hazardloop.evidence.urls")),
    path("", include("hazardloop.checklists.urls")),
    path("", include("hazardloop.notifications.urls")),
    path("", include("hazardloop.hazards.urls")),
    path("", include("hazardloop.supervision.urls")),
    path("", include("hazardloop.inspections.urls")),
    path("", include("hazardloop.obligations.urls")),
    path("", include("hazardloop.training.urls")),
    path("", include("hazardloop.campaigns.urls")),
    path("", include("hazardloop.drills.urls")),
    path("", include("hazardloop.publicity.urls")),
    path("", include("hazardloop.permits.urls")),
    path("", include("hazardloop.accidents.urls")),
    path("", include("hazardloop.tips.urls")),
    path("", include("hazardloop.accountability.urls")),
    path("", include("hazardloop.duty.urls")),
    path("", include("hazardloop.training.urls_certificates")),
    path("", include("hazardloop.reports.stats_urls")),
    path("", include("hazardloop.reports.audit_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]
