"""A document's PDF, from its frozen content, with the verification QR code."""

from hazardloop.lib.pdf import PdfDocument


def render_pdf(doc, *, verify_url: str) -> bytes:
    """The PDF of `doc` (an EnforcementDocument); `verify_url` is its absolute /d/<token>/ URL."""
    c = doc.content
    unit = c.get("unit", {})
    pdf = PdfDocument(
        title=f"{c['title']} {c['number']}",
        subject=c["title"],
        author=c.get("issuer", ""),
        footer=f"{c['number']}  核验码 {doc.content_hash[:16]}",
    )
    pdf.title_block(c.get("issuer", ""), c["title"], c["number"])
    pdf.paragraph(f"{unit.get('name', '')}：", align="L")
    for text in c.get("body", []):
        pdf.paragraph(text, indent=True)
    rows = [
        ("单位名称", unit.get("name", "")),
        ("统一社会信用代码", unit.get("uscc", "")),
        ("单位地址", unit.get("address", "")),
        ("隐患编号", str(c.get("hazard", {}).get("id", ""))),
        ("隐患等级", c.get("hazard", {}).get("grade", "")),
    ]
    if c.get("rectify_due_on"):
        rows.append(("整改期限", c["rectify_due_on"]))
    if c.get("reply_due_on"):
        rows.append(("书面报告期限", c["reply_due_on"]))
    seal = c.get("seal") or {}
    if seal.get("place"):
        rows.append(("查封部位、场所", seal["place"]))
    if c.get("copy_to"):
        rows.append(("抄送", "、".join(c["copy_to"])))
    pdf.fields(rows, label_width=40)
    penalties = c.get("penalties") or []
    if penalties:
        pdf.heading("法律责任提示", size=12)
        pdf.table(
            ["依据", "违法行为", "对单位", "对个人"],
            [
                (p["citation"], p["offence"], p["unit"], p.get("individual") or "—")
                for p in penalties
            ],
            widths=(34, 50, 50, 40),
            size=9,
        )
    if c.get("note"):
        pdf.paragraph(f"备注：{c['note']}")
    pdf.signature_block([c.get("issuer", ""), c.get("issued_on", ""), "（印章）"])
    pdf.qr(
        verify_url,
        caption=f"扫码核验本文书：{c['number']}\nSHA-256 {doc.content_hash}\n{verify_url}",
    )
    return pdf.output()
