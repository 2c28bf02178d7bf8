"""The REST API under /api/v1. Each app contributes a router from its own api.py."""

from ninja import NinjaAPI

from hazardloop.accounts.api import router as auth_router
from hazardloop.api import errors
from hazardloop.api.auth import api_auth
from hazardloop.regions.api import router as regions_router

api = NinjaAPI(
    title="hazardloop API",
    version="1",
    description="Hidden-danger investigation and rectification (隐患排查整治). "
    "Authenticate with `POST /api/v1/auth/token`, then send `Authorization: Bearer <token>`.",
    auth=api_auth,
    urls_namespace="api",
)
errors.install(api)
api.add_router("/auth", auth_router)
api.add_router("/regions", regions_router)
