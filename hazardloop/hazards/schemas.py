"""The input of each action of the hazard loop: one schema per action, named in the action table
(`workflow.ACTIONS`).

A schema's fields other than `action` and `version` are exactly the keyword arguments of the
action's service, so the API body, the page form and the service call are one shape. The API's
transitions endpoint takes their discriminated union on `action` (one body per action in
OpenAPI); the hazard page renders its form for an action from the same fields.
"""

from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from hazardloop.core.api import Code, Id, ObjectIn, Text, Version, When

NAME = Text(50)
# Photos sent with one action: more than this is not a photo record but a flood.
PHOTOS_MAX = 50
PhotoIds = Annotated[list[Id], Field(max_length=PHOTOS_MAX)]


class ActionIn(ObjectIn):
    """What every action takes: with `version`, the action is refused (409 `changed`) if the
    hazard changed since it was read."""

    version: Version | None = None


class OrderIn(ActionIn):
    action: Literal["order"]
    due_at: When | None = Field(None, description="Deadline; the province's default when left out.")
    measures: Text() = ""
    responsible_person: NAME = ""
    reason: Text() = ""


class PlanParts(Schema):
    """The six parts of a rectification plan; the parts sent are written, others kept."""

    targets_and_tasks: Text() | None = None
    methods_and_measures: Text() | None = None
    funds_and_materials: Text() | None = None
    organisation_and_people: Text() | None = None
    time_limit_and_requirements: Text() | None = None
    safety_and_contingency: Text() | None = None


class PlanIn(ActionIn):
    action: Literal["plan"]
    parts: PlanParts


class StartIn(ActionIn):
    action: Literal["start"]
    reason: Text() = ""


class SubmitIn(ActionIn):
    action: Literal["submit"]
    note: Text() = Field(description="What was done.")
    photo_ids: PhotoIds = Field(description="After-photos (at least one).")


class TeamMember(Schema):
    name: NAME
    role: NAME = ""


class VerifyIn(ActionIn):
    action: Literal["verify"]
    reason: Text() = ""
    photo_ids: PhotoIds = []
    team: Annotated[list[TeamMember], Field(max_length=20)] = []
    on_site: bool = True
    close: bool = Field(False, description="Close (销号) at once; only for those who may close.")


class RejectIn(ActionIn):
    action: Literal["reject"]
    reason: Text() = Field(description="Why the rectification is not accepted.")
    photo_ids: PhotoIds = []
    team: Annotated[list[TeamMember], Field(max_length=20)] = []
    on_site: bool = True


class CloseIn(ActionIn):
    action: Literal["close"]
    reason: Text() = ""


class RequestExtensionIn(ActionIn):
    action: Literal["request_extension"]
    reason: Text()
    proposed_due_at: When


class ApproveExtensionIn(ActionIn):
    action: Literal["approve_extension"]
    reason: Text() = ""
    due_at: When | None = Field(
        None, description="The new deadline; the requested one when left out."
    )


class RefuseExtensionIn(ActionIn):
    action: Literal["refuse_extension"]
    reason: Text()


class OverrideGradeIn(ActionIn):
    action: Literal["override_grade"]
    grade: Code
    reason: Text()


class AssignExpertIn(ActionIn):
    action: Literal["assign_expert"]
    expert_id: Id


class AdviseIn(ActionIn):
    action: Literal["advise"]
    text: Text()
