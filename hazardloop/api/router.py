"""The REST API under /api/v1. Each app contributes a router from its own api.py."""

from hazardloop.accidents.api import router as accidents_router
from hazardloop.accountability.api import router as accountability_router
from hazardloop.accounts.api import router as auth_router
from hazardloop.accounts.people_api import router as users_router
from hazardloop.api import errors
from hazardloop.api.auth import api_auth
from hazardloop.api.openapi import HazardloopAPI
from hazardloop.api.renderers import OrjsonRenderer
from hazardloop.campaigns.api import router as campaigns_router
from hazardloop.checklists.api import router as checklists_router
from hazardloop.drills.api import router as drills_router
from hazardloop.duty.api import router as duty_router
from hazardloop.evidence.api import router as evidence_router
from hazardloop.hazards.api import router as hazards_router
from hazardloop.hazards.calendar_api import router as calendars_router
from hazardloop.hazards.judging_api import router as grading_router
from hazardloop.inspections.api import router as inspections_router
from hazardloop.obligations.api import router as obligations_router
from hazardloop.permits.api import router as permits_router
from hazardloop.publicity.api import router as publicity_router
from hazardloop.regions.api import router as regions_router
from hazardloop.reports.api import router as stats_router
from hazardloop.supervision.api import router as supervision_router
from hazardloop.tips.api import public_router as public_tips_router
from hazardloop.tips.api import router as tips_router
from hazardloop.training.api import router as training_router
from hazardloop.training.certificates_api import router as certificates_router
from hazardloop.training.certificates_api import shifts_router as control_room_router
from hazardloop.units.api import router as units_router
from hazardloop.workbench.api import router as workbench_router

api = HazardloopAPI(
    title="hazardloop API",
    version="1",
    description="Hidden-danger investigation and rectification (隐患排查整治). "
    "Authenticate with `POST /api/v1/auth/token`, then send `Authorization: Bearer <token>`.",
    auth=api_auth,
    renderer=OrjsonRenderer(),
    urls_namespace="api",
)
errors.install(api)
api.add_router("/auth", auth_router)
api.add_router("/users", users_router)
api.add_router("/regions", regions_router)
api.add_router("/units", units_router)
api.add_router("/evidence", evidence_router)
api.add_router("/checklists", checklists_router)
api.add_router("/inspections", inspections_router)
api.add_router("/hazards", hazards_router)
api.add_router("/grading", grading_router)
api.add_router("/campaigns", campaigns_router)
api.add_router("/accidents", accidents_router)
api.add_router("/accountability", accountability_router)
api.add_router("/duty", duty_router)
api.add_router("/stats", stats_router)
api.add_router("", supervision_router)
api.add_router("/me", workbench_router)
api.add_router("", calendars_router)
api.add_router("/public", public_tips_router)
api.add_router("/tips", tips_router)
api.add_router("/drills", drills_router)
api.add_router("/publicity", publicity_router)
api.add_router("", obligations_router)
api.add_router("", training_router)
api.add_router("/hot-work-permits", permits_router)
api.add_router("/certificates", certificates_router)
api.add_router("/control-room-shifts", control_room_router)
