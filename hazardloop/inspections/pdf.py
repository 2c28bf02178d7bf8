"""The printable on-site inspection record (现场检查记录) as PDF, through lib.pdf.

Always in Chinese: it is the official record handed to the unit. A failed item states the
violation found (the item's violation wording); the basis column prints only what
`checklists.basis` lets an official document cite. Photos are the stored thumbnails; signatures
are their stored images.
"""

import io

from django.core.files.storage import default_storage
from django.utils import timezone

from hazardloop.checklists.basis import item_basis
from hazardloop.lib.pdf import SANS, PdfDocument

RESULT_ZH = {"pass": "合格", "fail": "不合格", "na": "不适用", "recorded": "已记录"}
ROLE_ZH = {"inspector": "检查人员", "unit": "被检查单位代表"}
TEAM_ZH = {"cadre": "干部", "expert": "专家", "leader": "带队领导"}
MODE_ZH = {
    "routine": "日常检查",
    "patrol": "防火巡查",
    "campaign": "专项行动检查",
    "self_inspection": "单位自查",
    "unannounced": "四不两直暗查暗访",
    "leader_led": "领导带队检查",
    "joint": "干部专家联合检查",
}


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y年%m月%d日 %H:%M") if value else "—"


def _image(doc: PdfDocument, name: str, *, width: float, height: float) -> bool:
    try:
        with default_storage.open(name, "rb") as fh:
            data = fh.read()
    except (FileNotFoundError, OSError):
        return False
    pdf = doc.pdf
    if pdf.get_y() + height > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.image(
        io.BytesIO(data), x=pdf.get_x(), y=pdf.get_y(), w=width, h=height, keep_aspect_ratio=True
    )
    return True


def answer_detail(a) -> str:
    """The record's "说明" cell for one answer: what was found, how it was dealt with."""
    detail = "；".join(x for x in (a.text_value, a.note) if x)
    if a.result == "fail" and a.item.finding_title:
        # The record states what was found wrong, in the notice's words.
        detail = "；".join(x for x in (f"存在问题：{a.item.finding_title}", detail) if x)
    if a.corrected_on_spot:
        # 消防监督检查规定 Art. 19: a violation corrected on the spot is noted in the
        # record; it is no hazard and counts toward no determination.
        detail = (detail + "；" if detail else "") + "已当场改正（附改正后照片），不登记隐患"
    if a.hazard_id:
        detail = (detail + "；" if detail else "") + f"已登记隐患 #{a.hazard_id}"
    if getattr(a, "amended", None):
        change = a.amended
        detail += f"；更正{change['number']}：{RESULT_ZH.get(change['result'], change['result'])}"
    return detail


def render_record(context: dict) -> bytes:
    inspection = context["inspection"]
    unit = inspection.unit
    version = inspection.template_version
    doc = PdfDocument(
        title="现场检查记录",
        subject=f"{unit.name} {_when(inspection.received_at)}",
        footer=f"现场检查记录 · 编号 {inspection.pk} · {inspection.client_id}",
    )
    doc.title_block(
        unit.region.name_zh if hasattr(unit, "region") else "",
        "现场检查记录",
        f"第{inspection.pk}号",
    )
    team = "、".join(f"{m.name}（{TEAM_ZH.get(m.role, m.role)}）" for m in context["team"]) or "—"
    location = (
        f"{inspection.latitude}, {inspection.longitude}"
        + (f"（±{inspection.location_accuracy_m}米）" if inspection.location_accuracy_m else "")
        if inspection.latitude is not None
        else "—"
    )
    doc.fields(
        [
            ("被检查单位", unit.name),
            ("地址", unit.address or "—"),
            ("检查方式", MODE_ZH.get(inspection.mode, inspection.mode)),
            ("检查表", f"{version.template.title_zh} 第{version.number}版"),
            ("检查人员", team),
            ("开始时间（设备）", _when(inspection.started_at)),
            ("提交时间（设备）", _when(inspection.device_time)),
            ("服务器接收时间", _when(inspection.received_at)),
            ("位置（设备）", location),
            (
                "检查结果",
                f"共{inspection.n_items}项，不合格{inspection.n_failed}项"
                + (f"（其中当场改正{inspection.n_corrected}项）" if inspection.n_corrected else "")
                + f"，形成隐患{inspection.n_hazards}条",
            ),
        ],
        label_width=42,
    )
    # Only verified national or Jilin citations in force on the inspection day are printed.
    on = timezone.localtime(inspection.found_at or inspection.received_at).date()
    for section, answers in context["sections"]:
        doc.heading(section, size=12)
        rows = []
        for a in answers:
            value = RESULT_ZH.get(a.result, a.result)
            if a.number_value is not None:
                value += f"（实测 {a.number_value.normalize()} {a.item.number_unit}）"
            detail = answer_detail(a)
            rows.append([a.code, a.item.text_zh, value, detail, item_basis(a.item, on=on) or "—"])
        doc.table(
            ["编号", "检查项目", "结果", "说明", "依据"], rows, widths=(12, 55, 25, 40, 38), size=8
        )
    photos = [(a, p, "") for a in context["answers"] for p in a.photos.all()] + [
        (a, p, "改正后") for a in context["answers"] for p in a.after_photos.all()
    ]
    if photos:
        doc.heading("现场照片", size=12)
        pdf = doc.pdf
        x0, size, gap = pdf.l_margin, 38.0, 4.0
        per_row = int((pdf.epw + gap) // (size + gap))
        for n, (answer, photo, caption) in enumerate(photos):
            if n % per_row == 0:
                if n:
                    pdf.set_y(pdf.get_y() + size + 8)
                if pdf.get_y() + size + 8 > pdf.h - pdf.b_margin:
                    pdf.add_page()
                row_y = pdf.get_y()
            pdf.set_xy(x0 + (n % per_row) * (size + gap), row_y)
            _image(doc, photo.thumbnail.name, width=size, height=size)
            pdf.set_xy(x0 + (n % per_row) * (size + gap), row_y + size + 1)
            pdf.set_font(SANS, size=7)
            label = f"{answer.code}{caption} · {_when(photo.taken_at or photo.uploaded_at)}"
            pdf.cell(size, 4, label)
        pdf.set_y(pdf.get_y() + 8)
        pdf.set_x(pdf.l_margin)
    doc.heading("签名", size=12)
    for s in context["signatures"]:
        line = f"{ROLE_ZH.get(s.role, s.role)}：{s.name}    签署时间：{_when(s.signed_at)}"
        if s.refused:
            line += f"    拒绝签字，见证人：{s.witness_name}"
        doc.paragraph(line)
        if s.image_id and not s.refused:
            pdf = doc.pdf
            y = pdf.get_y()
            if _image(doc, s.image.file.name, width=60, height=22):
                pdf.set_y(y + 24)
    if context["amendments"]:
        doc.heading("更正记录", size=12)
        for m in context["amendments"]:
            doc.paragraph(f"第{m.number}次更正（{_when(m.created_at)}，{m.author}）：{m.reason}")
    return doc.output()
