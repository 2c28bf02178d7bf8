"""Demo staff lists and training: every demo unit gets a few staff (one of them new), a
training about two months ago and a pre-job training for the new person last week, and about
half of its staff pass the 四个能力 check (a passed quiz and practical check). Written in bulk,
without an audit event per row. Idempotent: units that already have staff are skipped."""

import datetime as dt
import random

from django.utils import timezone

from hazardloop.accounts.models import Membership
from hazardloop.regions import codes
from hazardloop.training import quiz
from hazardloop.training.choices import Post, SignedBy, TrainingItem
from hazardloop.training.models import (
    PracticalCheck,
    QuizAttempt,
    StaffMember,
    Training,
    TrainingAttendance,
)
from hazardloop.units.models import Unit

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红春梅海燕"
POSTS = [Post.SAFETY_OFFICER, Post.STAFF, Post.STAFF, Post.SECURITY, Post.ELECTRICIAN]
TRAINERS = ["区消防救援大队 李教官", "本单位消防安全管理人", "消防安全培训机构 王老师"]
BATCH = 2000


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _i in range(rng.choice((1, 2))))


def load_training(rng: random.Random, now=None) -> int:
    """Write the staff lists, trainings and checks of demo units without staff; return how
    many trainings were written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    have = set(StaffMember.objects.values_list("unit_id", flat=True).distinct())
    units = [u for u in Unit.objects.order_by("pk").only("pk", "region_id") if u.pk not in have]
    if not units:
        return 0
    recorder = dict(
        Membership.objects.filter(unit__isnull=False, is_active=True)
        .order_by("-unit_id", "-id")
        .values_list("unit_id", "user_id")
    )
    staff = []
    for u in units:
        for i in range(rng.randint(3, 5)):
            hired = today - dt.timedelta(days=rng.randint(400, 3000))
            staff.append(StaffMember(unit_id=u.pk, name=_name(rng), post=POSTS[i], hired_on=hired))
        # One new person, hired within the training window.
        hired = today - dt.timedelta(days=rng.randint(8, 40))
        staff.append(StaffMember(unit_id=u.pk, name=_name(rng), post=Post.STAFF, hired_on=hired))
    StaffMember.objects.bulk_create(staff, batch_size=BATCH)
    by_unit: dict[int, list[StaffMember]] = {}
    for m in StaffMember.objects.filter(unit__in=units).order_by("unit_id", "hired_on", "id"):
        by_unit.setdefault(m.unit_id, []).append(m)
    trainings = []
    for u in units:
        regular = timezone.localtime(now) - dt.timedelta(days=rng.randint(30, 90))
        trainings.append(
            Training(
                unit_id=u.pk,
                topic="员工消防安全培训（四个能力）",
                items=TrainingItem.values,
                trainer=rng.choice(TRAINERS),
                held_at=regular.replace(hour=15, minute=0),
                duration_minutes=rng.choice((60, 90, 120)),
                created_by_id=recorder.get(u.pk),
            )
        )
        pre_job = timezone.localtime(now) - dt.timedelta(days=rng.randint(1, 6))
        trainings.append(
            Training(
                unit_id=u.pk,
                topic="新员工岗前消防安全培训",
                pre_job=True,
                items=[TrainingItem.LAWS, TrainingItem.HAZARDS, TrainingItem.ESCAPE],
                trainer="本单位消防安全管理人",
                held_at=pre_job.replace(hour=9, minute=30),
                duration_minutes=45,
                created_by_id=recorder.get(u.pk),
            )
        )
    Training.objects.bulk_create(trainings, batch_size=BATCH)
    region_of = {u.pk: u.region_id for u in units}
    province_bank = {}
    attendance, quizzes, practicals = [], [], []
    for regular, pre_job in zip(trainings[::2], trainings[1::2], strict=True):
        people = by_unit[regular.unit_id]
        old, new = people[:-1], people[-1]
        for m in old:
            if rng.random() < 0.9:
                way = SignedBy.PHONE if rng.random() < 0.5 else SignedBy.LISTED
                signed_at = regular.held_at + dt.timedelta(minutes=rng.randint(1, 20))
                attendance.append(
                    TrainingAttendance(
                        training=regular,
                        staff=m,
                        signed=way,
                        signed_at=signed_at if way == SignedBy.PHONE else None,
                    )
                )
        attendance.append(TrainingAttendance(training=pre_job, staff=new))
        province = codes.ancestor_at(region_of[regular.unit_id], "province")
        if province not in province_bank:
            province_bank[province] = list(quiz.bank(province).values_list("pk", "answer"))
        bank = province_bank[province]
        for m in old:
            if rng.random() < 0.55:
                asked = rng.sample(bank, min(5, len(bank)))
                wrong = rng.choice((0, 0, 1))
                taken = regular.held_at + dt.timedelta(minutes=rng.randint(30, 60))
                quizzes.append(
                    QuizAttempt(
                        staff=m,
                        taken_at=taken,
                        asked=[pk for pk, _a in asked],
                        answers=[
                            a if i >= wrong else int(a == 0) for i, (_pk, a) in enumerate(asked)
                        ],
                        correct=len(asked) - wrong,
                        total=len(asked),
                        passed=True,
                    )
                )
                practicals.append(
                    PracticalCheck(
                        staff=m,
                        checked_at=taken + dt.timedelta(minutes=20),
                        trainer=regular.trainer,
                        extinguisher=True,
                        exits=True,
                        reports_119=True,
                        passed=True,
                        recorded_by_id=regular.created_by_id,
                    )
                )
    TrainingAttendance.objects.bulk_create(attendance, batch_size=BATCH)
    QuizAttempt.objects.bulk_create(quizzes, batch_size=BATCH)
    PracticalCheck.objects.bulk_create(practicals, batch_size=BATCH)
    return len(trainings)
