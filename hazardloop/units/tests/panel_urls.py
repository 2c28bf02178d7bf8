"""The project's URLs plus a stand-in timeline panel (kwarg unit_id), as later features add."""

from django.http import HttpResponse
from django.urls import include, path

from hazardloop.urls import urlpatterns as project

panel_patterns = (
    [path("panel/<int:unit_id>/", lambda r, unit_id: HttpResponse(""), name="unit_panel")],
    "testpanels",
)
urlpatterns = [*project, path("", include(panel_patterns))]
