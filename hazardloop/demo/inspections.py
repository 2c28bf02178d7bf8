"""Demo inspections: a few thousand over the last 60 days by the demo inspectors.

Every inspection goes through `inspections.services.submit_inspections` (the batch form of
`submit_inspection`: answers, signatures, photo claims and the hazards of failed items), in
batches of BATCH, with device times spread over 60 days. The server cannot receive in the past,
so afterwards the demo moves each `received_at` to a few minutes after its device time — the
only write here that bypasses the service. Idempotent: keyed by deterministic client ids.
"""

import datetime as dt
import functools
import io
import random
import uuid

from django.db.models import Case, When
from django.utils import timezone
from PIL import Image, ImageDraw

from hazardloop.accounts.models import User
from hazardloop.checklists.models import ChecklistTemplate
from hazardloop.checklists.services import load_builtin_templates
from hazardloop.evidence.choices import PhotoKind
from hazardloop.evidence.services import store_photo
from hazardloop.inspections.models import Inspection
from hazardloop.inspections.services import submit_inspections
from hazardloop.regions.models import subtree_filter
from hazardloop.units.models import Unit

NAMESPACE = uuid.UUID("6a1c5a52-8f0e-4d7e-9a52-2d6c1f0b7a10")
TOTAL = 2400
BATCH = 200
DAYS = 60
FAIL_RATE = 0.08
INSPECTORS = {
    # username: (share of the inspections, region prefix of their units, mode choices)
    "inspector@220102": (0.30, "220102", ["routine", "patrol", "campaign", "unannounced"]),
    "inspector@220103": (0.25, "220103", ["routine", "patrol", "campaign", "unannounced"]),
    "regulator@220102": (0.15, "220102", ["routine", "campaign"]),
    "regulator@220100": (0.10, "2201", ["campaign", "unannounced"]),
    "regulator@220000": (0.08, "22", ["campaign", "unannounced"]),
    "expert@220100": (0.07, "2201", ["joint"]),
    "leader@220100": (0.05, "2201", ["leader_led"]),
}
TEMPLATE_BY_GAS = {"bottled_lpg": "restaurant-gas", "pipeline": "restaurant-gas"}
TEMPLATE_BY_SECTOR = {
    "catering": "fire-life-channels",
    "lodging": "fire-patrol-61",
    "retail": "fire-life-channels",
    "entertainment": "gb35181-2017-elements",
    "hazchem": "starter-hazchem",
    "construction": "starter-construction",
    "transport": "starter-transport",
    "mining": "starter-mining",
    "flood_control": "starter-flood",
    "industry_trade": "starter-industry-trade",
}


@functools.cache
def _png(text: str, colour) -> bytes:
    image = Image.new("RGB", (480, 160), "white")
    ImageDraw.Draw(image).line(
        [(20, 120), (120, 40), (220, 120), (320, 40), (440, 110)], fill=colour, width=6
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _jpeg(seed: int) -> bytes:
    return _jpeg_of_colour((seed * 37) % 256, (seed * 91) % 256)


@functools.cache
def _jpeg_of_colour(red: int, green: int) -> bytes:
    image = Image.new("RGB", (640, 480), (red, green, 120))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _answer(item, fail: bool, rng: random.Random, photo) -> dict:
    if item.answer_type == "number":
        low = float(item.number_min) if item.number_min is not None else 0.0
        high = float(item.number_max) if item.number_max is not None else low * 3 + 10
        value = high * 1.4 if fail and item.number_max is not None else rng.uniform(low, high)
        out = {"code": item.code, "number": round(value, 2)}
    elif item.answer_type == "text":
        out = {"code": item.code, "text": "现场核查，情况如实记录"}
    elif item.answer_type == "photo":
        out = {"code": item.code, "photo_ids": [photo().pk]}
    else:
        result = "fail" if fail else ("na" if rng.random() < 0.05 else "pass")
        out = {"code": item.code, "result": result}
    if fail and (item.photo_on_fail or item.answer_type == "number"):
        out["photo_ids"] = [photo().pk]
        out["note"] = "现场发现，已拍照留证"
    return out


def load_inspections(rng: random.Random, total: int = TOTAL) -> int:
    """Create the demo inspections that do not exist yet; returns how many were created."""
    if Inspection.objects.filter(client_id=uuid.uuid5(NAMESPACE, "0")).exists():
        return 0
    load_builtin_templates()
    versions = {
        t.code: t.versions.prefetch_related("items").get(is_current=True)
        for t in ChecklistTemplate.objects.filter(region_code="")
    }
    now = timezone.now()
    created, stamps = 0, {}
    users = {u.username: u for u in User.objects.filter(username__in=INSPECTORS)}
    leader = users.get("leader@220100")
    expert = users.get("expert@220100")
    n = 0
    batch: list[tuple[dict, dt.datetime]] = []
    for username, (share, prefix, modes) in INSPECTORS.items():
        user = users.get(username)
        if user is None:
            continue
        units = list(Unit.objects.filter(subtree_filter("region_id", prefix)).order_by("pk")[:400])
        if not units:
            continue
        signature_cache: dict[int, int] = {}
        for _ in range(int(total * share)):
            unit = rng.choice(units)
            code = TEMPLATE_BY_GAS.get(unit.gas_use) or TEMPLATE_BY_SECTOR.get(
                unit.sector_id, "fire-patrol-61"
            )
            version = versions.get(code) or versions["fire-patrol-61"]
            items = list(version.items.all())
            failing = set()
            if rng.random() < FAIL_RATE:
                failing = {
                    i.code
                    for i in rng.sample(items, k=min(2, len(items)))
                    if i.answer_type in ("pass_fail", "number")
                }
            seed = n

            def photo(unit=unit, user=user, seed=seed):
                return store_photo(
                    _jpeg(seed), actor=user, region_code=unit.region_id, unit_id=unit.pk
                )

            if unit.pk not in signature_cache:
                signature_cache[unit.pk] = store_photo(
                    _png(user.username, (20, 20, 120)), actor=user, region_code=unit.region_id,
                    unit_id=unit.pk, kind=PhotoKind.SIGNATURE,
                ).pk  # fmt: skip
            mode = rng.choice(modes)
            team = [
                {"name": user.get_full_name() or user.username, "role": "cadre", "user_id": user.pk}
            ]
            if mode == "leader_led" and leader:
                team = [
                    {
                        "name": leader.get_full_name() or "领导",
                        "role": "leader",
                        "user_id": leader.pk,
                    }
                ]
            if mode == "joint" and expert:
                team = [
                    {"name": "南关区干部", "role": "cadre", "user_id": None},
                    {
                        "name": expert.get_full_name() or "专家",
                        "role": "expert",
                        "user_id": expert.pk,
                    },
                ]
            when = now - dt.timedelta(days=rng.uniform(0.05, DAYS))
            local = timezone.localtime(when)
            payload = {
                "client_id": str(uuid.uuid5(NAMESPACE, str(n))),
                "mode": mode,
                "started_at": (local - dt.timedelta(minutes=rng.randint(15, 50))).isoformat(),
                "device_time": local.isoformat(),
                "latitude": float(unit.latitude) if unit.latitude is not None else None,
                "longitude": float(unit.longitude) if unit.longitude is not None else None,
                "accuracy_m": rng.randint(5, 40) if unit.latitude is not None else None,
                "team": team,
                "answers": [_answer(i, i.code in failing, rng, photo) for i in items],
                "signatures": [
                    {
                        "role": "inspector",
                        "name": team[0]["name"],
                        "photo_id": signature_cache[unit.pk],
                    },
                    {
                        "role": "unit",
                        "name": unit.principal_name or "负责人",
                        "refused": True,
                        "witness_name": "社区网格员",
                    },
                ],
            }  # fmt: skip
            # drawn here, in the order of the other draws, for the batch submitted below
            received = when + dt.timedelta(minutes=rng.randint(1, 20))
            batch.append(
                ({"payload": payload, "actor": user, "unit": unit, "version": version}, received)
            )
            if len(batch) >= BATCH:
                created += _submit(batch, stamps)
            n += 1
    created += _submit(batch, stamps)
    if stamps:
        pks = list(stamps)
        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            Inspection.objects.filter(pk__in=chunk).update(
                received_at=Case(*[When(pk=pk, then=stamps[pk]) for pk in chunk])
            )
    return created


def _submit(batch: list[tuple[dict, dt.datetime]], stamps: dict) -> int:
    """Submit and empty `batch`; note when each new inspection was received."""
    results = submit_inspections([entry for entry, _received in batch])
    created = 0
    for (inspection, was_created), (_entry, received) in zip(results, batch, strict=True):
        if was_created:
            created += 1
            stamps[inspection.pk] = received
    batch.clear()
    return created
