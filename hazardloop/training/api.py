"""`GET/POST /api/v1/trainings` (a unit's training records) and `GET/POST
/api/v1/units/{id}/staff` (its staff list)."""

import datetime as dt
from typing import Annotated

from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from hazardloop.core.api import Day, Error, Id, Pagination, Text, When
from hazardloop.training import services
from hazardloop.training.access import unit_for_training, unit_to_record, visible_trainings
from hazardloop.training.choices import Post, SignedBy, TrainingItem
from hazardloop.training.models import StaffMember, Training
from hazardloop.training.queries import trained_staff

router = Router(tags=["training"])


class AttendeeOut(Schema):
    staff_id: int
    name: str
    signed: SignedBy
    signed_at: dt.datetime | None


class TrainingOut(Schema):
    id: int
    unit_id: int
    topic: str
    items: list[TrainingItem]
    trainer: str
    held_at: dt.datetime
    duration_minutes: int
    pre_job: bool
    attendees: list[AttendeeOut]
    photo_ids: list[int]
    created_at: dt.datetime

    @staticmethod
    def resolve_attendees(obj) -> list[dict]:
        return [
            {"staff_id": a.staff_id, "name": a.staff.name, "signed": a.signed,
             "signed_at": a.signed_at}
            for a in obj.attendance.all()
        ]  # fmt: skip

    @staticmethod
    def resolve_photo_ids(obj) -> list[int]:
        return [p.pk for p in obj.photos.all()]


class TrainingFilter(Schema):
    unit_id: Id | None = None
    since: Day | None = Field(None, description="Held on or after this day.")


@router.get("/trainings", response=list[TrainingOut], summary="Training records")
@paginate(Pagination)
def list_trainings(request, filters: Query[TrainingFilter]):
    """Training records of the units in your scope (a unit's own people: their unit's), latest
    first; filter by `unit_id` and `since`."""
    qs = visible_trainings(request.auth)
    if filters.unit_id:
        qs = qs.filter(unit_id=filters.unit_id)
    if filters.since:
        qs = qs.filter(held_at__date__gte=filters.since)
    return qs.prefetch_related("attendance__staff", "photos").order_by("-held_at", "-id")


class TrainingIn(Schema):
    unit_id: Id
    topic: Text(200)
    items: Annotated[list[TrainingItem], Field(min_length=1, max_length=4)]
    trainer: Text(100)
    held_at: When
    duration_minutes: Annotated[int, Field(ge=1, le=24 * 60)]
    pre_job: bool = False
    staff_ids: Annotated[list[Id], Field(max_length=1000)] = Field(
        [], description="Attendees by staff id (the unit's current staff list)."
    )
    photo_ids: Annotated[list[Id], Field(max_length=10)] = Field(
        [], description="Photos uploaded first with `POST /api/v1/evidence/photos`."
    )


@router.post("/trainings", response={201: TrainingOut, 403: Error}, summary="Record a training")
def create_training(request, payload: TrainingIn):
    """Record a training held at your unit (its own people only), with the attendees from its
    staff list. New staff count as trained only after a pre-job training (`pre_job`)."""
    unit = unit_to_record(request.auth, payload.unit_id)
    training = services.record_training(
        unit, actor=request.auth, topic=payload.topic, items=list(payload.items),
        trainer=payload.trainer, held_at=payload.held_at,
        duration_minutes=payload.duration_minutes, pre_job=payload.pre_job,
        staff_ids=payload.staff_ids, photo_ids=payload.photo_ids,
    )  # fmt: skip
    return 201, Training.objects.prefetch_related("attendance__staff", "photos").get(pk=training.pk)


class StaffOut(Schema):
    id: int
    name: str
    post: Post
    phone: str
    hired_on: dt.date | None
    left_on: dt.date | None
    trained: bool = Field(description="Counts as trained now (new staff: after pre-job).")


class StaffFilter(Schema):
    current: bool = Field(False, description="Only staff who have not left.")


@router.get("/units/{unit_id}/staff", response=list[StaffOut], summary="A unit's staff list")
@paginate(Pagination)
def list_staff(request, unit_id: Id, filters: Query[StaffFilter]):
    """The unit's staff, each with whether they count as trained now."""
    unit = unit_for_training(request.auth, unit_id)
    qs = StaffMember.objects.filter(unit=unit).order_by("name", "id")
    if filters.current:
        qs = qs.filter(left_on__isnull=True)
    return _TrainedList(qs)


class _TrainedList:
    """A staff queryset that marks each page's rows as trained or not (two queries a page)."""

    def __init__(self, qs):
        self.qs = qs

    def count(self):
        return self.qs.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, key):
        rows = list(self.qs[key])
        trained = trained_staff([m.pk for m in rows], timezone.now())
        for m in rows:
            m.trained = m.pk in trained
        return rows


class StaffIn(Schema):
    name: Text(50)
    post: Post = Post.STAFF
    phone: Text(20) = ""
    hired_on: Day | None = None


@router.post(
    "/units/{unit_id}/staff", response={201: StaffOut, 403: Error}, summary="Add a staff member"
)
def add_staff(request, unit_id: Id, payload: StaffIn):
    """Add a person to your unit's staff list (its own people only)."""
    unit = unit_to_record(request.auth, unit_id)
    member = services.add_staff(
        unit, actor=request.auth, name=payload.name, post=payload.post, phone=payload.phone,
        hired_on=payload.hired_on,
    )  # fmt: skip
    member.trained = False
    return 201, member
