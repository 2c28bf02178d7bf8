"""The daily scheduling report (调度日报) and the weekly notice (通报), per level.

`build_report` computes the figures with `stats.region_stats` — the same function the dashboard
uses, so the report's figures are the dashboard's — for the day and cumulatively, ranks the
child regions (each table in its own rank order), lists the new major hazards and the overdue
hazards by rung of the supervision ladder, and writes short sentences from the figures.

Two overdue figures, each labelled: the dashboard's "overdue" (of the hazards found in the
period) and, in the cumulative table, "overdue now" — every open hazard under the region whose
deadline has passed at `now`, whenever it was found. The overdue list is exactly that backlog
(same definition, same scope, same campaign), so its rung counts add up to the "overdue now"
total and each region's "overdue now" counts its entries. Places are printed by name (county,
then township), never by code.

`generate_report` renders it as .xlsx and PDF and archives it; `send_daily_reports_once` is the
morning sweep step.
"""

import datetime as dt
import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from hazardloop.accounts.access import Scope
from hazardloop.audit.services import chain_head, record_event
from hazardloop.campaigns.models import Campaign, claim_daily_run
from hazardloop.hazards.choices import OPEN_STATUSES, Grade, SupervisionLevel
from hazardloop.hazards.models import Hazard
from hazardloop.lib.cells import append_row
from hazardloop.lib.pdf import PdfDocument
from hazardloop.notifications.services import notify
from hazardloop.regions import codes as region_codes
from hazardloop.regions.models import Region, subtree_filter
from hazardloop.reports import accident_counts
from hazardloop.reports.models import ReportKind, ReportSubscription, ScheduledReport
from hazardloop.reports.ranking import ranked
from hazardloop.reports.stats import Row, campaign_tree_ids, period_bounds, region_stats

RUNGS = [
    SupervisionLevel.ACCOUNTABILITY,
    SupervisionLevel.LISTED,
    SupervisionLevel.LETTER,
    SupervisionLevel.REMINDED,
    SupervisionLevel.NONE,
]
LIST_LIMIT = 100
COLUMNS = [
    ("units_in_scope", gettext_noop("Units in scope")),
    ("units_inspected", gettext_noop("Units inspected")),
    ("coverage", gettext_noop("Coverage %")),
    ("inspections", gettext_noop("Inspections")),
    ("hazards_found", gettext_noop("Hazards found")),
    ("major", gettext_noop("Major")),
    ("rectified", gettext_noop("Rectified")),
    ("rectification_rate", gettext_noop("Rectification rate %")),
    ("on_time_rate", gettext_noop("On-time rate %")),
    ("overdue", gettext_noop("Overdue (of those found)")),
    ("majors_listed", gettext_noop("Majors listed")),
    ("enforcement_actions", gettext_noop("Enforcement actions")),
]
# The cumulative table only: the backlog the overdue list below it enumerates.
OVERDUE_NOW = ("overdue_now", gettext_noop("Overdue now (all open)"))
# The cumulative table only: the regulators' own time limits passed at the report's time.
REGULATOR_LATE = [
    ("order_lapsed", gettext_noop("Not ordered in time")),
    ("verify_lapsed", gettext_noop("Not re-checked in time")),
]


def report_scope(region: Region) -> Scope:
    """A report of a level covers the whole region, whoever reads it."""
    return Scope(prefixes=(region.prefix,))


def build_report(
    region: Region,
    day: dt.date,
    *,
    kind=ReportKind.DAILY,
    campaign: Campaign | None = None,
    now=None,
) -> dict:
    """The report's figures as plain data (JSON-able): what the files print."""
    tz = timezone.get_default_timezone()
    now = now or timezone.make_aware(
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), tz
    )
    scope = report_scope(region)
    window = 1 if kind == ReportKind.DAILY else 7
    since = day - dt.timedelta(days=window - 1)
    cum_start = campaign.starts_on if campaign is not None else day.replace(day=1)
    period = region_stats(scope, region, campaign=campaign, start=since, end=day, now=now)
    cumulative = region_stats(scope, region, campaign=campaign, start=cum_start, end=day, now=now)
    order = ranked(cumulative)
    lo, hi = period_bounds(since, day)
    hazards = Hazard.objects.filter(subtree_filter("region_code", region.prefix))
    if campaign is not None:
        hazards = hazards.filter(campaign_id__in=campaign_tree_ids(campaign))
    new_majors = list(
        hazards.filter(grade=Grade.MAJOR, found_at__gte=lo, found_at__lt=hi)
        .select_related("unit")
        .order_by("found_at", "id")[:LIST_LIMIT]
    )
    # "Overdue now": every open hazard under the region past its deadline, whenever found.
    overdue_qs = hazards.filter(status__in=OPEN_STATUSES, due_at__lt=now)
    counts = dict(
        overdue_qs.values("supervision_level")
        .annotate(n=Count("pk"))
        .values_list("supervision_level", "n")
    )
    listed = {
        rung: list(
            overdue_qs.filter(supervision_level=rung)
            .select_related("unit")
            .order_by("due_at", "id")[:LIST_LIMIT]
        )
        for rung in RUNGS
        if counts.get(rung.value)
    }
    names = place_names(
        [h.region_code for h in new_majors]
        + [h.region_code for rows in listed.values() for h in rows]
    )
    majors = [
        {
            "id": h.pk,
            "title": h.title,
            "unit": h.unit.name,
            "region": h.region_code,
            **names[h.region_code],
            "found": timezone.localtime(h.found_at, tz).strftime("%Y-%m-%d %H:%M"),
        }
        for h in new_majors
    ]
    overdue = {
        rung.value: [
            {
                "id": h.pk,
                "title": h.title,
                "unit": h.unit.name,
                "region": h.region_code,
                **names[h.region_code],
                "days": (now - h.due_at).days,
            }
            for h in listed.get(rung, [])
        ]
        for rung in RUNGS
    }
    overdue_counts = {rung.value: counts.get(rung.value, 0) for rung in RUNGS}
    cumulative_rows, cumulative_total = _with_overdue_now(cumulative, region, order, overdue_qs)
    return {
        "kind": kind,
        "region": {"code": region.code, "name": region.name_zh},
        "campaign": {"id": campaign.pk, "title": campaign.title} if campaign else None,
        "day": day.isoformat(),
        "since": since.isoformat(),
        "cumulative_since": cum_start.isoformat(),
        "period": [r.as_dict() for r in ranked(period)],
        "cumulative": cumulative_rows,
        "period_total": period.total.as_dict(),
        "cumulative_total": cumulative_total,
        "new_majors": majors,
        "overdue": overdue,
        "overdue_counts": overdue_counts,
        "summary": summary_lines(order),
        "audit_head": _audit_head(),
    }


def _audit_head() -> dict | None:
    """The audit log's head when the report was made (the newest event's number and one hash
    over every chain's head): printed on every report, so the archived reports are one more
    copy of it outside the database."""
    return chain_head()  # every chain's head in one hash (ADR 0003), not chain 1's alone


def _audit_line(data: dict) -> str | None:
    head = data.get("audit_head")
    if not head:
        return None
    return _("Audit log: event #%(seq)s, chain hash %(hash)s.") % head


def _with_overdue_now(stats, region: Region, order: list[Row], overdue_qs):
    """The cumulative rows (in rank order) and the total, each with "overdue_now": the open
    hazards past their deadline under it, counted per region code (few codes, indexed). The
    "directly under" row is added when only the backlog has records at the region's own code."""
    rows = [r.as_dict() for r in order]
    own = next((d for d in rows if d["own"]), None)
    added = own is None
    if added:
        own = Row(region.code, region.own_label, region.level, own=True).as_dict()
        rows.append(own)
    children = [(d, region_codes.prefix(d["code"])) for d in rows if not d["own"]]
    for d in rows:
        d["overdue_now"] = 0
    per_code = overdue_qs.order_by().values("region_code").annotate(n=Count("pk"))
    for code, n in per_code.values_list("region_code", "n"):
        row = next((d for d, p in children if code.startswith(p)), own)
        row["overdue_now"] += n
    if added and not own["overdue_now"]:
        rows.remove(own)
    total = stats.total.as_dict()
    total["overdue_now"] = sum(d["overdue_now"] for d in rows)
    return rows, total


def place_names(codes: list[str]) -> dict[str, dict]:
    """For each region code, {"county": the county's name, "place": the county's name followed
    by the township's, when the code is a township or below} — in one query."""
    wanted = set()
    for code in codes:
        wanted.update((code, *region_codes.ancestor_codes(code)))
    found = dict(Region.objects.filter(code__in=wanted).values_list("code", "name_zh"))
    out = {}
    for code in set(codes):
        county = region_codes.ancestor_at(code, region_codes.COUNTY) or region_codes.canonical(code)
        county_name = found.get(county, "—")
        town = region_codes.ancestor_at(code, region_codes.TOWNSHIP)
        town_name = (found.get(town) or found.get(town.ljust(12, "0"), "")) if town else ""
        out[code] = {"county": county_name, "place": county_name + town_name}
    return out


def summary_lines(order) -> list[str]:
    """Short sentences from the figures, e.g. "长春市 coverage 92%, first; 白城市 31 overdue"."""
    lines = []
    ranked_rows = [r for r in order if r.rank is not None]
    if ranked_rows:
        best, worst = ranked_rows[0], ranked_rows[-1]
        lines.append(
            _("%(name)s: coverage %(value)s%%, first.")
            % {"name": best.name, "value": best.rates["coverage"]}
        )
        if worst is not best:
            lines.append(
                _("%(name)s: coverage %(value)s%%, last.")
                % {"name": worst.name, "value": worst.rates["coverage"]}
            )
    most = max(order, key=lambda r: (r.counts["overdue"], r.code), default=None)
    if most is not None and most.counts["overdue"]:
        lines.append(
            _("%(name)s: %(count)s overdue hazards, the most.")
            % {"name": most.name, "count": most.counts["overdue"]}
        )
    empty = [r.name for r in order if not r.own and not r.counts["units_in_scope"]]
    if empty:
        lines.append(_("No units in scope: %(names)s.") % {"names": "、".join(empty)})
    figures = {name: sum(r.counts[name] for r in order) for name in accident_counts.COUNTS}
    if figures["accidents"] or figures["accidents_last_year"]:
        down = accident_counts.rates(figures)["accidents_both_down"]
        lines.append(
            _(
                "Accidents: %(accidents)s (same period last year %(accidents_last_year)s), "
                "deaths %(accident_deaths)s (%(accident_deaths_last_year)s); %(verdict)s"
            )
            % {**figures, "verdict": _("both down.") if down else _("not both down.")}
        )
    return lines


def report_title(data: dict) -> str:
    kind = _("Daily scheduling report") if data["kind"] == ReportKind.DAILY else _("Weekly notice")
    parts = [
        data["region"]["name"],
        data["campaign"]["title"] if data["campaign"] else "",
        kind,
        data["day"],
    ]
    return " ".join(p for p in parts if p)


def _cell(value):
    return "—" if value is None else value


def render_xlsx(data: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("Figures")[:31]
    bold = Font(bold=True)
    append_row(ws, [report_title(data)])
    ws["A1"].font = Font(bold=True, size=14)
    for line in data["summary"]:
        append_row(ws, [line])
    if _audit_line(data):
        append_row(ws, [_audit_line(data)])
    for label, key, total, columns in (
        (_("The period"), "period", "period_total", COLUMNS),
        (
            _("Cumulative"),
            "cumulative",
            "cumulative_total",
            [*COLUMNS, OVERDUE_NOW, *REGULATOR_LATE],
        ),
    ):
        append_row(ws, [])
        append_row(ws, [label])
        ws.cell(ws.max_row, 1).font = bold
        header = [_("Rank"), _("Region")] + [_(c[1]) for c in columns]
        append_row(ws, header)
        for cell in ws[ws.max_row]:
            cell.font = bold
            cell.fill = PatternFill("solid", fgColor="F2DCDB")
        for row in data[key]:
            append_row(ws, [_cell(row["rank"]), row["name"]] + [_cell(row[c]) for c, _l in columns])
        t = data[total]
        append_row(ws, ["", _("Total")] + [_cell(t[c]) for c, _l in columns])
    ws.column_dimensions["B"].width = 22
    majors = wb.create_sheet(_("New majors")[:31])
    append_row(majors, [_("Hazard"), _("Unit"), _("Region"), _("Found")])
    for h in data["new_majors"]:
        append_row(majors, [f"#{h['id']} {h['title']}", h["unit"], h["place"], h["found"]])
    over = wb.create_sheet(_("Overdue")[:31])
    append_row(over, [_("Rung"), _("Hazard"), _("Unit"), _("Region"), _("Days overdue")])
    labels = dict(SupervisionLevel.choices)
    for rung, rows in data["overdue"].items():
        for h in rows:
            append_row(
                over,
                [str(labels[rung]), f"#{h['id']} {h['title']}", h["unit"], h["place"], h["days"]],
            )
        if data["overdue_counts"][rung] > len(rows):
            append_row(over, [str(labels[rung]), _shown(len(rows), data["overdue_counts"][rung])])
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                cell.alignment = Alignment(vertical="top")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _shown(shown: int, count: int) -> str:
    return _("The first %(shown)s of %(count)s are listed.") % {"shown": shown, "count": count}


def render_pdf(data: dict) -> bytes:
    title = report_title(data)
    doc = PdfDocument(
        title=title,
        subject=title,
        orientation="landscape",
        footer=_("hazardloop — generated from the live figures"),
    )
    doc.title_block(
        data["region"]["name"], title, data["campaign"]["title"] if data["campaign"] else ""
    )
    if data["summary"]:
        doc.bullets(data["summary"])
    keys = [
        "units_in_scope",
        "coverage",
        "inspections",
        "hazards_found",
        "major",
        "rectification_rate",
        "on_time_rate",
        "overdue",
        "majors_listed",
    ]
    labels = dict([*COLUMNS, OVERDUE_NOW, *REGULATOR_LATE])
    for heading, key, total, columns in (
        (
            _("The period %(start)s to %(end)s") % {"start": data["since"], "end": data["day"]},
            "period",
            "period_total",
            keys,
        ),
        (
            _("Cumulative since %(start)s") % {"start": data["cumulative_since"]},
            "cumulative",
            "cumulative_total",
            [*keys, OVERDUE_NOW[0], *(k for k, _l in REGULATOR_LATE)],
        ),
    ):
        doc.heading(heading)
        rows = [
            [str(_cell(r["rank"])), r["name"]] + [str(_cell(r[k])) for k in columns]
            for r in data[key]
        ]
        rows.append(["", _("Total")] + [str(_cell(data[total][k])) for k in columns])
        doc.table([_("Rank"), _("Region")] + [_(labels[k]) for k in columns], rows)
    doc.heading(_("New major hazards"))
    if data["new_majors"]:
        doc.table(
            [_("Hazard"), _("Unit"), _("County / township"), _("Found")],
            [
                [f"#{h['id']} {h['title']}", h["unit"], h["place"], h["found"]]
                for h in data["new_majors"]
            ],
        )
    else:
        doc.paragraph(_("None."))
    doc.heading(_("Overdue now (all open hazards), by rung of the supervision ladder"))
    names = dict(SupervisionLevel.choices)
    any_rows = False
    for rung, rows in data["overdue"].items():
        count = data["overdue_counts"][rung]
        if count:
            any_rows = True
            doc.paragraph(f"{names[rung]}（{count}）")
            doc.table(
                [_("Hazard"), _("Unit"), _("County / township"), _("Days overdue")],
                [[f"#{h['id']} {h['title']}", h["unit"], h["place"], str(h["days"])] for h in rows],
            )
            if count > len(rows):
                doc.paragraph(_shown(len(rows), count))
    if not any_rows:
        doc.paragraph(_("None."))
    if _audit_line(data):
        doc.paragraph(_audit_line(data))
    return doc.output()


def generate_report(
    region: Region, day: dt.date, *, kind=ReportKind.DAILY, campaign=None, actor=None, now=None
) -> ScheduledReport:
    """Build, render and archive the report; the same (kind, region, campaign, day) again
    returns the archived one. Rendered in Chinese (the official language of the documents)."""
    existing = ScheduledReport.objects.filter(
        kind=kind, region=region, campaign=campaign, day=day
    ).first()
    if existing is not None:
        return existing
    with translation.override("zh-hans"):
        data = build_report(region, day, kind=kind, campaign=campaign, now=now)
        title = report_title(data)
        xlsx, pdf = render_xlsx(data), render_pdf(data)
    stem = f"{kind}-{region.code}-{campaign.pk if campaign else 'all'}-{day.isoformat()}"
    try:
        with transaction.atomic():
            report = ScheduledReport(
                kind=kind,
                region=region,
                region_code=region.code,
                campaign=campaign,
                day=day,
                title=title[:200],
                summary=data["summary"],
                data=data,
                generated_at=timezone.now(),
                generated_by=actor,
            )
            report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
            report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
            report.save()
            record_event(
                "report.generate", actor=actor, obj=report, region_code=region.code, message=title
            )
    except IntegrityError:
        return ScheduledReport.objects.get(kind=kind, region=region, campaign=campaign, day=day)
    return report


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def email_attachments(report_id: str) -> list[tuple[str, bytes, str]]:
    """The archived PDF and workbook of a report, for its e-mail (settings.
    NOTIFICATION_EMAIL_ATTACHMENTS): the morning report arrives ready to print and to forward,
    without signing in. Named by the report's title."""
    report = ScheduledReport.objects.filter(pk=report_id).first()
    if report is None:
        return []
    out = []
    for field, suffix, mimetype in (
        (report.pdf, "pdf", "application/pdf"),
        (report.xlsx, "xlsx", XLSX_TYPE),
    ):
        if field:
            with field.open("rb") as fh:
                out.append((f"{report.title}.{suffix}", fh.read(), mimetype))
    return out


def send_report(report: ScheduledReport, recipients) -> int:
    """Notify the recipients once per report: in-app, and by e-mail with the PDF and the
    workbook attached (email_attachments)."""
    sent = notify(
        recipients,
        key=f"report.{report.pk}",
        message=gettext_noop("%(title)s is ready."),
        params={"title": report.title},
        link=f"/stats/reports/{report.pk}/pdf/",
        obj=report,
        region_code=report.region_code,
    )
    if report.sent_at is None:
        ScheduledReport.objects.filter(pk=report.pk, sent_at__isnull=True).update(
            sent_at=timezone.now()
        )
    return len(sent)


def send_daily_reports_once(now) -> int:
    """Each morning from SCHEDULING_REPORT_HOUR: yesterday's daily report for every
    subscription, and on SCHEDULING_NOTICE_WEEKDAY the weekly notice. Once a day."""
    local = timezone.localtime(now)
    if local.hour < settings.SCHEDULING_REPORT_HOUR:
        return 0
    if not ReportSubscription.objects.exists():
        return 0
    if not claim_daily_run("scheduling_reports", local.date()):
        return 0
    day = local.date() - dt.timedelta(days=1)
    count = 0
    subs = ReportSubscription.objects.select_related("region", "campaign").prefetch_related(
        "recipients"
    )
    for sub in subs:
        kinds = [ReportKind.DAILY] if sub.daily else []
        if sub.weekly and local.isoweekday() == settings.SCHEDULING_NOTICE_WEEKDAY:
            kinds.append(ReportKind.WEEKLY)
        for kind in kinds:
            report = generate_report(sub.region, day, kind=kind, campaign=sub.campaign, now=now)
            count += send_report(report, list(sub.recipients.all()))
    return count
