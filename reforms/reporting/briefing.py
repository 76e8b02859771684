"""A progress report's briefing (情况通报) as a Word document, in the layout Chinese offices
use for their documents (GB/T 9704): A4, the title in 方正小标宋简体 二号, section headings in
黑体 三号 numbered 一、二、…, the text in 仿宋_GB2312 三号 on a fixed 28-point line with a
two-character first-line indent, the page number centred at the foot as "— 1 —".

Fonts are named as offices expect, in the East Asian slot (w:eastAsia) of every style and run
the document uses, with Times New Roman for Latin letters and digits. A machine without one of
them falls back to the common alternative the font table names (w:altName: 仿宋_GB2312 →
仿宋 …), which Word and WPS read.

The words are reforms.reporting.briefing_text's; the worker writes the document beside the
workbook (reforms.reporting.services.report_build).
"""

from dataclasses import dataclass
from io import BytesIO

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from reforms.reporting.briefing_text import briefing_content
from reforms.reporting.briefing_words import Briefing, Paragraph, Table
from reforms.reporting.models import Report


@dataclass(frozen=True)
class Face:
    """A font as a Chinese office names it: the East Asian face, the Latin one, a size."""

    east_asia: str
    size: Pt
    latin: str = "Times New Roman"
    bold: bool = False


TITLE = Face("方正小标宋简体", Pt(22))  # 二号
HEADING = Face("黑体", Pt(16))  # 三号
BODY = Face("仿宋_GB2312", Pt(16))  # 三号
ISSUER = Face("楷体_GB2312", Pt(16))
TABLE_TEXT = Face("仿宋_GB2312", Pt(10.5))  # 五号
TABLE_HEADER = Face("黑体", Pt(10.5))
PAGE_NUMBER = Face("宋体", Pt(14))  # 四号

# What a machine without the named font shows instead (the font table's w:altName), and the
# GB2312 character set (86) that lets Word pick a Chinese face if the alternative is missing too.
FALLBACKS = {
    "方正小标宋简体": "华文中宋",
    "黑体": "SimHei",
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "宋体": "SimSun",
}
GB2312_CHARSET = "86"

LINE = Pt(28)  # a fixed line: 22 lines to the A4 page with the margins below
INDENT = Pt(32)  # two characters of 三号
TEXT_WIDTH = Mm(210 - 28 - 26)  # A4 less the left and right margins (_page)
FIRST_COLUMN = Mm(34)  # the park's name, wider than the figures beside it

# The styles the document uses: (style name, face).
STYLES = {
    "Normal": BODY,
    "Title": TITLE,
    "Subtitle": ISSUER,
    "Heading 1": HEADING,
}
THEME_FONTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_fonts(r_pr, face: Face) -> None:
    """Name the face in every slot of an rPr (run or style), dropping the theme's fonts,
    which would win over the names."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for name in THEME_FONTS:
        fonts.attrib.pop(qn(name), None)
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), face.latin)
    fonts.set(qn("w:eastAsia"), face.east_asia)


def _run(paragraph, text: str, face: Face, *, highlight: bool = False):
    run = paragraph.add_run(text)
    _set_fonts(run._r.get_or_add_rPr(), face)
    run.font.size = face.size
    run.font.bold = face.bold
    if highlight:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return run


def _paragraph(document, text: str, face: Face, style: str = "Normal", **options):
    paragraph = document.add_paragraph(style=style)
    _run(paragraph, text, face, **options)
    return paragraph


# --- The document's styles and fonts ---------------------------------------------------------


def _styles(document, language: str) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), "zh-CN")
    for name, face in STYLES.items():
        style = styles[name]
        _set_fonts(style.element.get_or_add_rPr(), face)
        style.font.size = face.size
        style.font.bold = face.bold
        style.font.color.rgb = None
        layout = style.paragraph_format
        layout.space_before = layout.space_after = Pt(0)
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = LINE
    # The body's first line is indented two characters; titles and headings are not.
    styles["Normal"].paragraph_format.first_line_indent = INDENT
    styles["Normal"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    title = styles["Title"]
    title.paragraph_format.first_line_indent = Pt(0)
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # The default template underlines its title and spaces its letters: not in an office's.
    for element in title.element.pPr.findall(qn("w:pBdr")):
        title.element.pPr.remove(element)
    for tag in ("w:spacing", "w:kern"):
        for element in title.element.rPr.findall(qn(tag)):
            title.element.rPr.remove(element)
    for name in ("Subtitle", "Heading 1"):
        styles[name].paragraph_format.first_line_indent = Pt(0)
        styles[name].font.italic = False
    styles["Subtitle"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # Headings sit at the indent of the text, as in the office's own documents.
    styles["Heading 1"].paragraph_format.first_line_indent = INDENT


def _font_fallbacks(document) -> None:
    """Add each face the document names to its font table, with its common alternative."""
    part = document.part.part_related_by(RELATIONSHIP_TYPE.FONT_TABLE)
    table = parse_xml(part.blob)
    named = {font.get(qn("w:name")) for font in table.findall(qn("w:font"))}
    for name, alternative in FALLBACKS.items():
        if name in named:
            continue
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alternative), ("w:charset", GB2312_CHARSET)):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        for tag, value in (("w:family", "auto"), ("w:pitch", "variable")):
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        table.append(font)
    # python-docx keeps the font table as plain bytes (it has no class for it): written back so.
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(document) -> None:
    """A4 portrait with the margins of GB/T 9704, the page number centred at the foot."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    footer = section.footer.paragraphs[0]
    footer.paragraph_format.first_line_indent = Pt(0)
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "— ", PAGE_NUMBER)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    number = _run(footer, "1", PAGE_NUMBER)
    field.append(number._r)
    footer._p.append(field)
    _run(footer, " —", PAGE_NUMBER)


# --- Content --------------------------------------------------------------------------------


def _table(document, table: Table) -> None:
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    others = (TEXT_WIDTH - FIRST_COLUMN) // (len(table.headers) - 1)
    widths = [FIRST_COLUMN, *[others] * (len(table.headers) - 1)]
    # The grid's for LibreOffice and WPS, each cell's for Word.
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    header = grid.rows[0]
    # Repeated at the top of every page the table runs onto.
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text, width in zip(header.cells, table.headers, widths, strict=True):
        _cell(cell, text, TABLE_HEADER, width)
    for row in table.rows:
        cells = grid.add_row().cells
        for index, (cell, text, width) in enumerate(zip(cells, row, widths, strict=True)):
            _cell(cell, text, TABLE_TEXT, width, left=index == 0)
    # A line of air before the text goes on.
    document.add_paragraph()


def _cell(cell, text: str, face: Face, width, *, left: bool = False) -> None:
    cell.width = width
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    layout = paragraph.paragraph_format
    layout.first_line_indent = Pt(0)
    layout.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, text, face)


def write_briefing(briefing: Briefing) -> bytes:
    """The briefing as .docx bytes."""
    document = Document()
    _styles(document, briefing.language)
    _font_fallbacks(document)
    _page(document)
    properties = document.core_properties
    properties.title, properties.author = briefing.title, briefing.issuer
    properties.language, properties.created = briefing.language, timezone.now()

    _paragraph(document, briefing.title, TITLE, "Title")
    _paragraph(document, briefing.period, ISSUER, "Subtitle")
    _paragraph(document, f"{briefing.issuer}\u3000{briefing.issued_on}", ISSUER, "Subtitle")
    document.add_paragraph()
    _paragraph(document, briefing.opening, BODY)
    for section in briefing.sections:
        _paragraph(document, section.heading, HEADING, "Heading 1")
        for block in section.blocks:
            if isinstance(block, Table):
                _table(document, block)
            elif isinstance(block, Paragraph):
                _paragraph(document, block.text, BODY, highlight=block.placeholder)
    stream = BytesIO()
    document.save(stream)
    return stream.getvalue()


def report_briefing(report: Report, snapshot: dict) -> bytes:
    """The briefing of `report` from `snapshot`, as .docx bytes, in the active language."""
    return write_briefing(briefing_content(report, snapshot))
