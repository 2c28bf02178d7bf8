"""PDF rendering with Chinese set in an embedded font (no Django imports).

Why fpdf2 and the Noto SC fonts of the `pylopdf-fonts-zh-cn` wheel: see docs/adr/0002-pdf.md.
The fonts are installed by pip with the rest of requirements.txt, and only the glyphs a
document uses are embedded (subset), so a PDF renders the same on any machine, printer or
phone, with or without Chinese fonts of its own, and its text can be searched and extracted.

`PdfDocument` is a small layout vocabulary for official documents, records and reports:
a title, numbered headings, paragraphs, label/value fields, tables, a QR code and a footer
line. Callers give it text; it knows nothing of hazards or documents.

    doc = PdfDocument(title="责令限期改正通知书", subject="长南消限字〔2026〕第0001号")
    doc.title_block("长春市南关区消防救援大队", "责令限期改正通知书", "长南消限字〔2026〕第0001号")
    doc.paragraph("南关测试饺子馆：")
    doc.fields([("单位地址", "测试路1号"), ("整改期限", "2026年3月20日")])
    doc.qr("https://example.org/d/abc/", caption="扫码核验")
    pdf_bytes = doc.output()
"""

import io
import logging
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

# fontTools reports every subsetting step at INFO; that is noise in any log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

SERIF = "serif"
SANS = "sans"


class FontMissing(RuntimeError):
    """The CJK font package is not installed (pip install -r requirements.txt)."""


@lru_cache(maxsize=1)
def font_paths() -> dict[str, Path]:
    """The serif (body) and sans (headings) CJK fonts, from the pip-installed font wheel."""
    try:
        import pylopdf_fonts_zh_cn as fonts
    except ImportError as exc:  # pragma: no cover - a broken install
        raise FontMissing(
            "The package pylopdf-fonts-zh-cn is missing: run pip install -r requirements.txt."
        ) from exc
    paths = {SERIF: Path(fonts.serif_path()), SANS: Path(fonts.sans_path())}
    for path in paths.values():
        if not path.is_file():  # pragma: no cover - a broken install
            raise FontMissing(f"Font file {path} is missing: reinstall pylopdf-fonts-zh-cn.")
    return paths


def qr_png(data: str, *, scale: int = 6) -> bytes:
    """A QR code (error correction M) for data, as PNG bytes."""
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


class PdfDocument:
    """An A4 portrait page flow with CJK fonts registered. Sizes are in millimetres."""

    def __init__(
        self,
        *,
        title: str = "",
        subject: str = "",
        author: str = "hazardloop",
        footer: str = "",
        orientation: str = "portrait",
    ):
        pdf = FPDF(orientation=orientation, unit="mm", format="A4")
        paths = font_paths()
        pdf.add_font(SERIF, fname=str(paths[SERIF]))
        pdf.add_font(SANS, fname=str(paths[SANS]))
        pdf.set_title(title)
        pdf.set_subject(subject)
        pdf.set_author(author)
        pdf.set_creator("hazardloop")
        pdf.set_margins(left=25, top=22, right=22)
        pdf.set_auto_page_break(auto=True, margin=22)
        footer_text = footer

        def _footer(self=pdf):
            self.set_y(-15)
            self.set_font(SANS, size=8)
            self.set_text_color(110, 110, 110)
            text = f"{footer_text}    {self.page_no()}/{{nb}}" if footer_text else "{nb}"
            self.cell(0, 6, text, align="C")
            self.set_text_color(0, 0, 0)

        pdf.footer = _footer
        pdf.alias_nb_pages()
        pdf.add_page()
        pdf.set_font(SERIF, size=12)
        self.pdf = pdf

    # --- text ---------------------------------------------------------------------------

    @property
    def width(self) -> float:
        return self.pdf.epw

    def title_block(self, issuer: str, kind: str, number: str = "") -> None:
        """The head of an official document: issuing body, document kind, document number."""
        pdf = self.pdf
        pdf.set_font(SANS, size=17)
        pdf.multi_cell(0, 10, issuer, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(SANS, size=22)
        pdf.multi_cell(0, 13, kind, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if number:
            pdf.set_font(SERIF, size=12)
            pdf.multi_cell(0, 8, number, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        y = pdf.get_y()
        pdf.set_draw_color(180, 0, 0)
        pdf.set_line_width(0.6)
        pdf.line(pdf.l_margin, y, pdf.l_margin + pdf.epw, y)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_line_width(0.2)
        pdf.ln(5)

    def heading(self, text: str, *, size: int = 13) -> None:
        self.pdf.set_font(SANS, size=size)
        self.pdf.multi_cell(0, size * 0.6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.pdf.ln(1)

    def paragraph(
        self, text: str, *, size: int = 12, indent: bool = False, align: str = "J"
    ) -> None:
        """A paragraph; `indent` starts its first line two characters in, as official text does."""
        pdf = self.pdf
        pdf.set_font(SERIF, size=size)
        height = size * 0.62
        if indent:
            # write() flows on from the current x and wraps back to the margin: a first-line
            # indent (ideographic spaces would be dropped at the line break instead).
            pdf.set_x(pdf.l_margin + 2 * size * 0.3528)
            pdf.write(height, text)
            pdf.ln(height)
        else:
            pdf.multi_cell(0, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)

    def fields(self, rows: Iterable[tuple[str, str]], *, label_width: float = 32) -> None:
        """Label/value lines; long values wrap beside their label."""
        pdf = self.pdf
        for label, value in rows:
            pdf.set_font(SANS, size=11)
            y = pdf.get_y()
            pdf.multi_cell(label_width, 7, f"{label}：", new_x=XPos.RIGHT, new_y=YPos.TOP)
            pdf.set_font(SERIF, size=11)
            pdf.multi_cell(0, 7, str(value or "—"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_y(max(pdf.get_y(), y + 7))
        pdf.ln(2)

    def bullets(self, items: Iterable[str], *, size: int = 11) -> None:
        pdf = self.pdf
        pdf.set_font(SERIF, size=size)
        for item in items:
            pdf.multi_cell(0, size * 0.62, f"· {item}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)

    def table(
        self,
        header: Sequence[str],
        rows: Iterable[Sequence[str]],
        *,
        widths: Sequence[float] | None = None,
        size: int = 10,
    ) -> None:
        """A bordered table with a shaded header row; cells wrap."""
        pdf = self.pdf
        pdf.set_font(SERIF, size=size)
        col_widths = tuple(widths) if widths else None
        with pdf.table(
            col_widths=col_widths,
            line_height=size * 0.6,
            headings_style=_heading_style(),
            text_align="LEFT",
        ) as table:
            head = table.row()
            for text in header:
                head.cell(str(text))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell("" if value is None else str(value))
        pdf.ln(3)

    def signature_block(self, lines: Iterable[str]) -> None:
        """Right-aligned closing lines: the issuing body, the date, "(印章)"."""
        pdf = self.pdf
        pdf.ln(6)
        pdf.set_font(SERIF, size=12)
        for line in lines:
            pdf.multi_cell(0, 8, line, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def qr(self, data: str, *, caption: str = "", size: float = 28) -> None:
        """A QR code at the left margin of the current line, with a caption beside it."""
        pdf = self.pdf
        if pdf.get_y() + size > pdf.h - pdf.b_margin:
            pdf.add_page()
        x, y = pdf.l_margin, pdf.get_y() + 2
        pdf.image(io.BytesIO(qr_png(data)), x=x, y=y, w=size, h=size)
        if caption:
            pdf.set_xy(x + size + 4, y + 2)
            pdf.set_font(SANS, size=9)
            pdf.multi_cell(pdf.epw - size - 4, 5, caption, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_y(max(pdf.get_y(), y + size + 2))

    def page_break(self) -> None:
        self.pdf.add_page()

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _heading_style():
    from fpdf.fonts import FontFace

    return FontFace(family=SANS, emphasis="", fill_color=(235, 235, 235))
