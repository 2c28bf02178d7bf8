import datetime as dt

from hazardloop.campaigns import services
from hazardloop.regions.models import Region

START, END = dt.date(2022, 9, 28), dt.date(2022, 10, 31)


def make_campaign(actor, region_code="220102", **fields):
    values = {
        "title": fields.pop("title", f"国庆消防安全专项整治 {region_code}"),
        "starts_on": START,
        "ends_on": END,
        "document_number": "吉安办〔2022〕58号",
    }
    values.update(fields)
    return services.create_campaign(
        actor=actor, region=Region.objects.get(code=region_code), **values
    )
