"""The demo campaign, modelled on the source document: the province's "National Day
fire-safety special rectification" (restaurants with bottled LPG first), taken up by every
city and, in Changchun, by two districts; task lists and a double-random draw where the level
has moved, nothing yet where it has not — so progress is uneven across cities. Idempotent."""

import contextlib
import datetime as dt

from django.utils import timezone

from hazardloop.accounts.models import User
from hazardloop.campaigns import services
from hazardloop.campaigns.models import Campaign
from hazardloop.regions.models import Region
from hazardloop.reports.models import ReportSubscription

KEY = "demo-national-day-fire-safety"
# Cities that have generated their task lists (the others have only adopted, or not even that).
ACTIVE_CITIES = ["220100", "220200", "222400"]
ADOPTING_CITIES = ["220100", "220200", "220300", "222400", "220700"]


def load_campaigns() -> int:
    if Campaign.objects.filter(idempotency_key=KEY).exists():
        return 0
    province_user = User.objects.get(username="regulator@220000")
    city_user = User.objects.get(username="regulator@220100")
    county_user = User.objects.get(username="regulator@220102")
    today = timezone.localdate()
    campaign = services.create_campaign(
        actor=province_user,
        region=Region.objects.get(code="220000"),
        title="国庆节前消防安全专项整治",
        document_number="吉安委办〔2022〕58号",
        starts_on=today - dt.timedelta(days=20),
        ends_on=today + dt.timedelta(days=20),
        sectors=["catering", "lodging"],
        unit_filters=["bottled_lpg", "alcohol_fuel", "crowded_place"],
        focus_items=[
            "瓶装液化石油气：钢瓶检验、连接软管、报警和切断装置",
            "消防生命通道：安全出口、疏散通道、门窗铁栅栏和广告牌",
            "员工“一懂三会”：报警、扑救初起火灾、组织疏散逃生",
        ],
        target_coverage_pct=100,
        idempotency_key=KEY,
    )
    count = 1
    for code in ADOPTING_CITIES:
        city = services.adopt_campaign(
            campaign,
            actor=province_user if code != "220100" else city_user,
            region=Region.objects.get(code=code),
        )
        count += 1
        if code in ACTIVE_CITIES:
            services.generate_tasks(city, actor=province_user, due_on=campaign.ends_on)
    changchun = Campaign.objects.get(parent=campaign, region_code="220100")
    nanguan = services.adopt_campaign(
        changchun,
        actor=county_user,
        region=Region.objects.get(code="220102"),
        unit_filters=["bottled_lpg"],
        focus_items=["南关区：地下室、半地下室禁用瓶装液化气"],
    )
    services.generate_tasks(nanguan, actor=county_user, due_on=today + dt.timedelta(days=7))
    services.invite_self_inspection(nanguan, actor=county_user, due_on=today + dt.timedelta(days=5))
    # Too few units or inspectors in a demo district: no draw.
    with contextlib.suppress(services.CampaignInputError):
        services.draw_units(
            nanguan,
            actor=county_user,
            unit_count=2,
            inspectors_per_unit=1,
            exclude_same_township=True,
            seed="20220928",
        )
    sub, _created = ReportSubscription.objects.get_or_create(
        region=Region.objects.get(code="220000"), region_code="220000", campaign=campaign
    )
    sub.recipients.add(province_user)
    return count + 1
