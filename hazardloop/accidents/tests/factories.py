import datetime as dt

from hazardloop.accidents import services
from hazardloop.hazards.deadlines import LOCAL

# A Tuesday morning in Changchun.
T0 = dt.datetime(2026, 11, 24, 9, 0, tzinfo=LOCAL)


def make_accident(actor, *, unit=None, region_code=None, now=None, **fields):
    values = {
        "occurred_at": T0,
        "region_code": region_code or (unit.region_id if unit else "220102"),
        "accident_type": "fire",
        "summary": "饭店后厨液化气起火",
        "course": "后厨液化气软管脱落起火，员工扑救未果后报警。",
    }
    values.update(fields)
    return services.report_accident(
        actor=actor,
        unit=unit,
        now=now or values["occurred_at"] + dt.timedelta(minutes=20),
        **values,
    )
