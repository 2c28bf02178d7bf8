"""Every dashboard figure against the hand-counted data set of stats_data.py, the API and the
scheduling report against the dashboard, and the query budgets."""

import datetime as dt

import pytest

from hazardloop.accounts.access import Scope, scope_for
from hazardloop.regions.models import Region
from hazardloop.reports import aggregates
from hazardloop.reports.models import ReportKind
from hazardloop.reports.scheduling import build_report, generate_report, render_pdf
from hazardloop.reports.stats import region_stats
from hazardloop.reports.tests import stats_data as data
from hazardloop.testing import api_client, web_client

pytestmark = pytest.mark.django_db

NANGUAN = {
    "units_in_scope": 4,
    "units_inspected": 2,
    "inspections": 3,
    "leader_led": 1,
    "unannounced": 1,
    "self_inspected": 1,
    "hazards_found": 4,
    "general": 3,
    "major": 1,
    "rectified": 2,
    "on_time": 1,
    "overdue": 1,
    "majors_listed": 1,
    "enforcement_actions": 1,
    "coverage": 50.0,
    "rectification_rate": 50.0,
    "on_time_rate": 33.3,
    "self_inspection_rate": 25.0,
    "overdue_per_100_units": 25.0,
    "hazards_per_100_units": 100.0,
    "hazards_per_inspection": 1.3,
}
KUANCHENG = {
    "units_in_scope": 2,
    "units_inspected": 1,
    "inspections": 1,
    "leader_led": 0,
    "unannounced": 0,
    "self_inspected": 0,
    "hazards_found": 1,
    "general": 1,
    "major": 0,
    "rectified": 1,
    "on_time": 1,
    "overdue": 0,
    "majors_listed": 0,
    "enforcement_actions": 0,
    "coverage": 50.0,
    "rectification_rate": 100.0,
    "on_time_rate": 100.0,
    "self_inspection_rate": 0.0,
    "overdue_per_100_units": 0.0,
}
EMPTY = {
    "units_in_scope": 0,
    "hazards_found": 0,
    "coverage": None,
    "rectification_rate": None,
    "on_time_rate": None,
    "rank": None,
}


def _stats(scope, indicator="coverage"):
    return region_stats(
        scope,
        Region.objects.get(code="220100"),
        start=data.START,
        end=data.END,
        now=data.NOW,
        indicator=indicator,
    )


def _check(row, expected):
    for key, value in expected.items():
        assert row[key] == value, f"{row['code']} {key}: {row[key]} != {value}"


def test_every_figure_against_the_hand_counted_set(cast):
    data.build(cast)
    stats = _stats(Scope(everything=True))
    rows = {r["code"]: r for r in stats.row_dicts()}
    _check(rows["220102"], NANGUAN)
    assert rows["220102"]["inspections_by_mode"] == {
        "leader_led": 1,
        "routine": 1,
        "self_inspection": 1,
        "unannounced": 1,
    }
    _check(rows["220103"], KUANCHENG)
    _check(rows["220104"], EMPTY)  # Chaoyang: a region with zero units
    # Ties share a rank; the empty region is not ranked.
    assert rows["220102"]["rank"] == rows["220103"]["rank"] == 1
    total = stats.total.as_dict()
    assert total["units_in_scope"] == 6 and total["hazards_found"] == 5
    assert total["rectification_rate"] == 60.0
    by_rect = {
        r["code"]: r["rank"]
        for r in _stats(Scope(everything=True), "rectification_rate").row_dicts()
    }
    assert by_rect["220103"] == 1 and by_rect["220102"] == 2


def test_figures_are_counted_inside_the_scope(cast):
    data.build(cast)
    rows = {r["code"]: r for r in _stats(scope_for(cast.regulator, "stats.view")).row_dicts()}
    _check(rows["220102"], NANGUAN)
    assert rows["220103"]["units_in_scope"] == 0 and rows["220103"]["hazards_found"] == 0


def test_api_returns_the_dashboard_figures(cast):
    data.build(cast)
    response = api_client(cast.city_regulator).get(
        "/api/v1/stats/regions?parent=220100&from=2022-10-01&to=2022-10-07"
    )
    assert response.status_code == 200
    rows = {r["code"]: r for r in response.json()["rows"]}
    for key in (
        "units_in_scope",
        "units_inspected",
        "hazards_found",
        "major",
        "rectified",
        "enforcement_actions",
        "self_inspected",
    ):
        assert rows["220102"][key] == NANGUAN[key]
    bad = api_client(cast.city_regulator).get("/api/v1/stats/regions?parent=220100&from=yesterday")
    assert bad.status_code == 422
    hidden = api_client(cast.regulator).get("/api/v1/stats/regions?parent=220100")
    assert hidden.status_code == 404


def test_report_figures_equal_the_dashboards(cast):
    data.build(cast)
    city = Region.objects.get(code="220100")
    report = build_report(city, data.END, kind=ReportKind.WEEKLY, now=data.NOW)
    dashboard = {r["code"]: r for r in _stats(Scope(everything=True)).row_dicts()}
    for row in report["period"]:
        expected = {k: v for k, v in dashboard[row["code"]].items() if k != "rank"}
        assert {k: v for k, v in row.items() if k != "rank"} == expected
    assert [h["title"] for h in report["new_majors"]] == ["测试隐患"]
    assert len(report["overdue"]["listed"]) == 1
    assert any("南关区" in line for line in report["summary"])
    pdf = render_pdf(report)
    assert pdf.startswith(b"%PDF")
    archived = generate_report(city, data.END, kind=ReportKind.WEEKLY, now=data.NOW)
    assert generate_report(city, data.END, kind=ReportKind.WEEKLY, now=data.NOW).pk == archived.pk
    client = web_client(cast.city_regulator)
    download = client.get(f"/stats/reports/{archived.pk}/xlsx/")
    assert download.status_code == 200
    assert web_client(cast.regulator).get(f"/stats/reports/{archived.pk}/xlsx/").status_code == 404


def test_dashboard_pages_and_query_budget(cast, django_assert_max_num_queries):
    data.build(cast)
    aggregates.refresh()  # as the sweep does; the budget is the page's reading
    client = web_client(cast.city_regulator)
    # the menu's to-do and unread counts (accident reports and accountability proposals among
    # them), the accidents of both periods once per figure set, and the period's publicity
    with django_assert_max_num_queries(39):
        page = client.get("/stats/?region=220100&from=2022-10-01&to=2022-10-07")
    assert page.status_code == 200
    body = page.content.decode()
    assert "南关区" in body and 'data-testid="method"' in body
    county = client.get("/stats/?region=220102&from=2022-10-01&to=2022-10-07")
    assert cast.unit.name in county.content.decode()
    assert client.get("/stats/?region=220100&from=nonsense").status_code == 400
    # the menu's to-do and unread counts (accident reports and accountability proposals among
    # them), and the accidents of both periods once per figure set
    with django_assert_max_num_queries(38):
        assert client.get("/stats/screen/?region=220100").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/stats/reports/").status_code == 200


def test_morning_sweep_sends_each_subscription_its_report_with_the_files(
    cast, settings, tmp_path, django_capture_on_commit_callbacks, mailoutbox
):
    """From SCHEDULING_REPORT_HOUR the sweep archives yesterday's report for each subscription
    and notifies its recipients once; the e-mail carries the PDF and the workbook."""
    import datetime as dt
    import io

    from django.utils import timezone
    from openpyxl import load_workbook

    from hazardloop.notifications.models import Notification
    from hazardloop.reports.models import ReportSubscription, ScheduledReport
    from hazardloop.reports.scheduling import send_daily_reports_once
    from hazardloop.testing import IMMEDIATE_TASKS

    settings.TASKS = IMMEDIATE_TASKS
    settings.MEDIA_ROOT = tmp_path
    settings.SCHEDULING_REPORT_HOUR = 7
    settings.SCHEDULING_NOTICE_WEEKDAY = 9  # never: the daily report only
    data.build(cast)
    cast.city_regulator.email = "city@example.cn"
    cast.city_regulator.save(update_fields=["email"])
    city = Region.objects.get(code="220100")
    sub = ReportSubscription.objects.create(region=city, region_code=city.code)
    sub.recipients.add(cast.city_regulator, cast.regulator)  # the county one has no address
    morning = timezone.make_aware(dt.datetime.combine(data.END + dt.timedelta(days=1), dt.time(6)))
    assert send_daily_reports_once(morning) == 0  # before the hour
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_reports_once(morning + dt.timedelta(hours=1, minutes=5)) == 2
    report = ScheduledReport.objects.get()
    assert (report.kind, report.day, report.sent_at is not None) == ("daily", data.END, True)
    assert Notification.objects.filter(key=f"report.{report.pk}").count() == 2
    [mail] = mailoutbox
    assert mail.to == ["city@example.cn"] and report.title in mail.subject
    (pdf_name, pdf, pdf_type), (xlsx_name, xlsx, _type) = mail.attachments
    assert (pdf_name, pdf_type) == (f"{report.title}.pdf", "application/pdf")
    assert pdf.startswith(b"%PDF") and pdf == report.pdf.read()
    assert xlsx_name == f"{report.title}.xlsx"
    assert load_workbook(io.BytesIO(xlsx), read_only=True).sheetnames
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_reports_once(morning + dt.timedelta(hours=3)) == 0  # once a day
    assert len(mailoutbox) == 1

    # an archived file that cannot be read: the e-mail still goes, with the link only
    from hazardloop.notifications.services import notify

    report.pdf.storage.delete(report.pdf.name)  # the name stays on the row
    with django_capture_on_commit_callbacks(execute=True):
        notify([cast.city_regulator], key="report.again", message="x", obj=report)
    assert len(mailoutbox) == 2 and mailoutbox[1].attachments == []


def test_dashboard_counts_the_publicity_of_the_region_and_period(cast):
    from django.utils import timezone

    from hazardloop.publicity.tests.factories import make_activity

    day = timezone.localdate() - dt.timedelta(days=1)
    make_activity(cast.regulator, region_code="220102", held_on=day, reach=300)
    make_activity(cast.neighbour_regulator, region_code="220103", held_on=day, reach=50)
    period = f"from={day - dt.timedelta(days=6)}&to={day}"
    county = web_client(cast.regulator).get(f"/stats/?region=220102&{period}").content.decode()
    assert 'data-testid="publicity-count">1<' in county  # the neighbour's is not counted
    city = web_client(cast.city_regulator).get(f"/stats/?region=220100&{period}").content.decode()
    assert 'data-testid="publicity-count">2<' in city
    earlier = f"from={day - dt.timedelta(days=30)}&to={day - dt.timedelta(days=8)}"
    assert 'data-testid="publicity-count">0<' in (
        web_client(cast.city_regulator).get(f"/stats/?region=220100&{earlier}").content.decode()
    )
