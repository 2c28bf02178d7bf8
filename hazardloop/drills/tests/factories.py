"""Builders for drill tests: a plan document, a staff member, a drill."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hazardloop.drills.services import record_drill, store_plan
from hazardloop.training.models import StaffMember

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf_upload(name="预案.pdf", data=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def staff(unit, name="张三", **kw) -> StaffMember:
    return StaffMember.objects.create(unit=unit, name=name, **kw)


def make_plan(unit, user):
    return store_plan(unit, pdf_upload(), actor=user, title="灭火和应急疏散预案")


def make_drill(unit, user, *, held_at=None, problems=(), plan=True, **kw):
    fields = {
        "held_at": held_at or timezone.now() - dt.timedelta(hours=2),
        "scenario": "厨房起火，顾客从后门疏散",
        "participant_ids": [staff(unit).pk],
        "others_count": 3,
        "evacuation_seconds": 150,
        "rating": "met",
        "plan_id": make_plan(unit, user).pk if plan else None,
        "problems": list(problems),
    }
    fields.update(kw)
    return record_drill(unit, actor=user, **fields)
