"""The input of each action of the hazard loop: one schema per action, named in the action table
(`workflow.ACTIONS`).

A schema's fields other than `action` and `version` are exactly the keyword arguments of the
action's service, so the API body, the page form and the service call are one shape. The API's
transitions endpoint takes their discriminated union on `action` (one body per action in
OpenAPI); the hazard page renders its form for an action from the same fields.
"""

from typing import Literal

from ninja import Schema
from pydantic import AwareDatetime, Field


class ActionIn(Schema):
    """What every action takes: with `version`, the action is refused (409 `changed`) if the
    hazard changed since it was read."""

    version: int | None = None


class OrderIn(ActionIn):
    action: Literal["order"]
    due_at: AwareDatetime | None = Field(
        None, description="Deadline; the province's default when left out."
    )
    measures: str = ""
    responsible_person: str = Field("", max_length=50)
    reason: str = ""


class PlanParts(Schema):
    """The six parts of a rectification plan; the parts sent are written, others kept."""

    targets_and_tasks: str | None = None
    methods_and_measures: str | None = None
    funds_and_materials: str | None = None
    organisation_and_people: str | None = None
    time_limit_and_requirements: str | None = None
    safety_and_contingency: str | None = None


class PlanIn(ActionIn):
    action: Literal["plan"]
    parts: PlanParts


class StartIn(ActionIn):
    action: Literal["start"]
    reason: str = ""


class SubmitIn(ActionIn):
    action: Literal["submit"]
    note: str = Field(description="What was done.")
    photo_ids: list[int] = Field(description="After-photos (at least one).")


class TeamMember(Schema):
    name: str
    role: str = ""


class VerifyIn(ActionIn):
    action: Literal["verify"]
    reason: str = ""
    photo_ids: list[int] = []
    team: list[TeamMember] = []
    on_site: bool = True
    close: bool = Field(False, description="Close (销号) at once; only for those who may close.")


class RejectIn(ActionIn):
    action: Literal["reject"]
    reason: str = Field(description="Why the rectification is not accepted.")
    photo_ids: list[int] = []
    team: list[TeamMember] = []
    on_site: bool = True


class CloseIn(ActionIn):
    action: Literal["close"]
    reason: str = ""


class RequestExtensionIn(ActionIn):
    action: Literal["request_extension"]
    reason: str
    proposed_due_at: AwareDatetime


class ApproveExtensionIn(ActionIn):
    action: Literal["approve_extension"]
    reason: str = ""
    due_at: AwareDatetime | None = Field(
        None, description="The new deadline; the requested one when left out."
    )


class RefuseExtensionIn(ActionIn):
    action: Literal["refuse_extension"]
    reason: str


class OverrideGradeIn(ActionIn):
    action: Literal["override_grade"]
    grade: str
    reason: str


class AssignExpertIn(ActionIn):
    action: Literal["assign_expert"]
    expert_id: int


class AdviseIn(ActionIn):
    action: Literal["advise"]
    text: str
