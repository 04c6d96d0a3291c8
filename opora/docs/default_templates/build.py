"""Build the default document templates (the .docx files beside this script) with python-docx.

    .venv/bin/python -m opora.docs.default_templates.build

The .docx files are committed: they are what a region uses until its administrator uploads
its own, and the starting point for one (the admin offers them for download). Each holds
docxtpl tags: ``{{ field }}`` for a value, ``{%p for … %}`` for repeated paragraphs and
``{%tr for … %}`` for repeated table rows; the fields are those of opora.docs.services.

Layout: A4, margins 2 cm (left 2.5 cm for binding), Times New Roman 12 pt (titles 14 pt),
the service's name in the page header, page numbers in the footer.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
FONT = "Times New Roman"
TEXT_WIDTH = Cm(17)  # 21 cm − 2.5 cm − 1.5 cm
J, L, C, R = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
SHADE = "E8EDF2"


# --- The page and its styles -----------------------------------------------------------------------


def _fonts(element, size: int | None = None) -> None:
    """Times New Roman for every script (Word picks the font by the script of each letter)."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "ru-RU")
    lang.set(qn("w:eastAsia"), "ru-RU")


def new_document(title: str) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.header_distance, section.footer_distance = Cm(1), Cm(1)

    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(12)
    _fonts(normal.element)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    for name in ("Header", "Footer", "Table Grid"):
        style = doc.styles[name]
        style.font.name = FONT
        _fonts(style.element)

    _header(section)
    _footer(section)
    props = doc.core_properties
    props.title, props.author, props.language = title, "«Опора»", "ru-RU"
    props.comments = "Шаблон docxtpl системы «Опора»: поля в двойных фигурных скобках заполняются при выгрузке."
    return doc


def _bottom_border(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "4"), ("w:color", "404040")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _header(section) -> None:
    header = section.header
    p = header.paragraphs[0]
    p.alignment = C
    run = p.add_run("{{ service_name }}")
    run.font.size, run.bold = Pt(10), True
    p2 = header.add_paragraph()
    p2.alignment = C
    run = p2.add_run(
        "{{ service_address }}{% if service_address and service_phone %}, {% endif %}"
        "{% if service_phone %}тел. {{ service_phone }}{% endif %}"
        "{% if service_email %}, {{ service_email }}{% endif %}"
    )
    run.font.size = Pt(9)
    run.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
    _bottom_border(p2)


def _field(paragraph, instruction: str, size: int = 9) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    for name in ("w:sz", "w:szCs"):
        element = OxmlElement(name)
        element.set(qn("w:val"), str(size * 2))
        rpr.append(element)
    run.append(rpr)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = C
    run = p.add_run("Страница ")
    run.font.size = Pt(9)
    _field(p, "PAGE")
    run = p.add_run(" из ")
    run.font.size = Pt(9)
    _field(p, "NUMPAGES")


def nbsp(text: str) -> str:
    """No line break inside «№ 159-ФЗ», «2025 г.», «г. р.»."""
    return text.replace(" г. р.", "\u00a0г.\u00a0р.").replace(" г.", "\u00a0г.").replace("№ ", "№\u00a0")


# --- Paragraphs --------------------------------------------------------------------------------------


def para(
    container,
    *parts,
    align=J,
    indent: bool = True,
    size: int | None = None,
    before: int = 0,
    after: int = 0,
    left: float = 0,
    keep: bool = False,
):
    """A paragraph of runs: a string, or (text, "b"/"i"/"bi") for bold or italic text."""
    p = container.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    if indent and align == J:
        fmt.first_line_indent = Cm(1.25)
    if left:
        fmt.left_indent = Cm(left)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if keep:
        fmt.keep_with_next = True
    for part in parts:
        text, marks = (part, "") if isinstance(part, str) else part
        run = p.add_run(nbsp(text))
        run.bold = "b" in marks or None
        run.italic = "i" in marks or None
        if size:
            run.font.size = Pt(size)
    return p


def spacer(container, points: int = 6):
    """An empty paragraph of a fixed small height: the gap after a table."""
    p = container.add_paragraph()
    p.paragraph_format.line_spacing = Pt(points)
    return p


def tag(container, statement: str):
    """A paragraph holding only a docxtpl paragraph tag ({%p … %}); it vanishes when rendered."""
    p = container.add_paragraph()
    p.add_run("{%p " + statement + " %}")
    return p


def title(doc, *lines: str, before: int = 6) -> None:
    for i, line in enumerate(lines):
        para(doc, (line, "b"), align=C, size=14 if i == 0 else 12, before=before if i == 0 else 0)
    para(doc, "", align=C)


def section_heading(doc, text: str) -> None:
    para(doc, (text, "b"), align=C, before=10, after=4, keep=True)


def place_and_date(doc, place: str, date: str) -> None:
    p = para(doc, place, "\t", date, align=L, indent=False, after=10)
    p.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)


# --- Tables ------------------------------------------------------------------------------------------


def _cell_shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def _cell_margins(table, cm: float = 0.1) -> None:
    """Narrow left and right cell margins, so that dates and short words fit their columns."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(round(cm * 567)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _no_borders(table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tblpr.append(borders)


def _cell_text(cell, text, *, bold=False, size=11, align=L) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    text, marks = (text, "") if isinstance(text, str) else text
    run = p.add_run(nbsp(text))
    run.font.size = Pt(size)
    run.bold = bold or "b" in marks or None
    run.italic = "i" in marks or None


def _widths(table, widths_cm) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)


def grid(doc, headers: list[str], row: list, widths: list[float], loop: str, *, size: int = 10, empty: str = ""):
    """A bordered table: a shaded header row repeated on every page, then one row per item of ``loop``."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head, start, body, end = table.rows
    for cell, text in zip(head.cells, headers, strict=True):
        _cell_text(cell, text, bold=True, size=size, align=C)
        _cell_shade(cell, SHADE)
    _repeat_header(head)
    _cell_text(start.cells[0], "{%tr for " + loop + " %}", size=size)
    for cell, text in zip(body.cells, row, strict=True):
        _cell_text(cell, text, size=size)
    _cant_split(body)
    _cell_text(end.cells[0], "{%tr endfor %}", size=size)
    _widths(table, widths)
    _cell_margins(table)
    if empty:
        tag(doc, "if not " + loop.split(" in ", 1)[1].strip())
        para(doc, (empty, "i"), align=C, size=size)
        tag(doc, "endif")
    spacer(doc)
    return table


def fields(doc, rows: list[tuple[str, str]], *, widths=(6.5, 10.5), size: int = 11):
    """A two-column table «what — value»: the labels shaded."""
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for tr, (label, value) in zip(table.rows, rows, strict=True):
        _cell_text(tr.cells[0], label, size=size)
        _cell_shade(tr.cells[0], SHADE)
        _cell_text(tr.cells[1], value, size=size)
        _cant_split(tr)
    _widths(table, widths)
    spacer(doc)
    return table


def signatures(doc, left: list[str], right: list[str], widths=(8.5, 8.5)):
    """Two columns without borders: the parties' details and signatures side by side."""
    rows = max(len(left), len(right))
    table = doc.add_table(rows=rows, cols=2)
    _no_borders(table)
    for i, tr in enumerate(table.rows):
        _cant_split(tr)
        for cell, column in zip(tr.cells, (left, right), strict=True):
            if i < len(column):
                _cell_text(cell, column[i], size=12)
            if i < rows - 1:
                # The signatures stay on one page with what they sign.
                cell.paragraphs[0].paragraph_format.keep_with_next = True
    _widths(table, widths)
    return table


# --- The contract ------------------------------------------------------------------------------------


def contract() -> Document:
    doc = new_document("Договор о постинтернатном сопровождении")
    title(doc, "ДОГОВОР № {{ contract_number }}", "о постинтернатном сопровождении")
    tag(doc, "if is_draft")
    para(doc, ("ПРОЕКТ — для ознакомления до подписания Сторонами", "bi"), align=C, after=6)
    tag(doc, "endif")
    place_and_date(doc, "{{ place }}", "{{ contract_date_long }}")
    para(
        doc,
        ("{{ service_name }}", "b"),
        " (далее — «Служба») в лице "
        "{% if representative_genitive %}{{ representative_position_genitive }} {{ representative_genitive }}"
        "{% else %}________________________________________{% endif %}, {{ representative_acting }} на основании "
        "Положения о службе сопровождения, с одной стороны, и {{ graduate_citizen }} ",
        ("{{ graduate_full_name }}", "b"),
        ", {{ graduate_birth_date }} года рождения, {{ graduate_named }} в дальнейшем «Выпускник», с другой стороны, "
        "вместе именуемые «Стороны», заключили настоящий Договор о нижеследующем.",
    )
    tag(doc, "if graduate_is_minor and legal_representative")
    para(doc, "Договор заключается с согласия законного представителя Выпускника: {{ legal_representative }}.")
    tag(doc, "endif")
    tag(doc, "if renewed_from_number")
    para(doc, "Договор заключён в продолжение Договора № {{ renewed_from_number }} от {{ renewed_from_date }}.")
    tag(doc, "endif")
    tag(doc, "if previous_contract_number")
    para(
        doc,
        "Договор заключён взамен Договора № {{ previous_contract_number }} от {{ previous_contract_date }}"
        "{% if previous_service_name %}, заключённого Выпускником со службой «{{ previous_service_name }}»{% endif %}"
        "{% if previous_terminated_at %}, прекращённого {{ previous_terminated_at }}"
        "{% if previous_moved %} в связи с переездом Выпускника{% endif %}"
        "{% else %}, срок действия которого истёк {{ previous_ends_on }}{% endif %}.",
    )
    tag(doc, "endif")

    section_heading(doc, "1. Предмет Договора")
    para(
        doc,
        "1.1. Предметом настоящего Договора является постинтернатное сопровождение ",
        ("{{ graduate_genitive }}", "b"),
        " — содействие в социальной адаптации, в реализации прав, законных интересов и гарантий, "
        "предусмотренных Федеральным законом от 21.12.1996 № 159-ФЗ «О дополнительных гарантиях по социальной "
        "поддержке детей-сирот и детей, оставшихся без попечения родителей», и в подготовке к самостоятельной жизни.",
    )
    para(
        doc,
        "1.2. Сопровождение осуществляется бесплатно, на основе добровольности и конфиденциальности, "
        "при активном участии Выпускника в решении собственных трудностей как равноправной Стороны Договора.",
    )
    para(
        doc,
        "1.3. Мероприятия сопровождения, сроки их выполнения и ответственные определяются индивидуальным планом "
        "постинтернатного сопровождения, который Служба составляет совместно с Выпускником."
        "{% if support_level %} Уровень сопровождения на дату заключения Договора — «{{ support_level }}»; "
        "уровень пересматривается по итогам оценки жизненной ситуации Выпускника.{% endif %}",
    )

    section_heading(doc, "2. Меры помощи, о которых договорились Стороны")
    para(doc, "2.1. Служба оказывает ", ("{{ graduate_dative }}", "b"), " содействие в следующем:")
    tag(doc, "for item in help_agreed")
    para(doc, "2.1.{{ loop.index }}. {{ item }}{% if not loop.last %};{% else %}.{% endif %}")
    tag(doc, "endfor")

    section_heading(doc, "3. Права и обязанности Сторон")
    para(doc, "3.1. Служба обязуется:")
    for i, text in enumerate(
        [
            "Назначить Выпускнику специалиста сопровождения{% if specialist_full_name %} "
            "({{ specialist_full_name }}){% endif %} и поддерживать с Выпускником регулярный контакт "
            "в соответствии с уровнем сопровождения;",
            "В течение 30 дней со дня заключения Договора составить совместно с Выпускником индивидуальный план "
            "сопровождения и пересматривать его при изменении жизненной ситуации Выпускника;",
            "Оказывать консультативную, социально-педагогическую, психологическую и юридическую помощь в пределах "
            "своей компетенции, содействовать в получении помощи в других организациях;",
            "Информировать Выпускника о его правах, мерах социальной поддержки и о ходе сопровождения;",
            "Обеспечивать конфиденциальность сведений о Выпускнике и обрабатывать его персональные данные "
            "в соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных».",
        ],
        1,
    ):
        para(doc, f"3.1.{i}. {text}")
    para(doc, "3.2. Выпускник обязуется:")
    tag(doc, "for item in graduate_obligations")
    para(doc, "3.2.{{ loop.index }}. {{ item }};")
    tag(doc, "endfor")
    para(
        doc,
        "3.2.{{ graduate_obligations|length + 1 }}. Выполнять мероприятия индивидуального плана, за которые он "
        "отвечает, и сообщать специалисту сопровождения об изменении места жительства, контактных данных, "
        "места учёбы или работы не позднее 3 дней.",
    )
    para(
        doc,
        "3.3. Служба вправе с согласия Выпускника запрашивать в организациях сведения, необходимые для "
        "сопровождения, привлекать к сопровождению специалистов других организаций и наставников.",
    )
    para(
        doc,
        "3.4. Выпускник вправе получать сведения о ходе сопровождения, знакомиться со своими персональными "
        "данными, участвовать в составлении и пересмотре индивидуального плана, отказаться от сопровождения, "
        "письменно уведомив Службу.",
    )

    section_heading(doc, "4. Срок действия Договора")
    para(
        doc,
        "4.1. Договор вступает в силу с ",
        ("{{ contract_starts_on }}", "b"),
        " и действует по ",
        ("{{ contract_ends_on }}", "b"),
        ".",
    )
    para(
        doc,
        "4.2. Договор может быть продлён по соглашению Сторон, но не далее достижения Выпускником возраста 23 лет.",
    )

    section_heading(doc, "5. Изменение и расторжение Договора")
    tag(doc, "if termination_terms")
    tag(doc, "for item in termination_terms")
    para(doc, "5.{{ loop.index }}. {{ item }}")
    tag(doc, "endfor")
    tag(doc, "else")
    para(
        doc,
        "5.1. Договор прекращается по истечении срока его действия, при достижении Выпускником возраста 23 лет, "
        "при переезде Выпускника на постоянное место жительства за пределы территории, обслуживаемой Службой "
        "(сведения передаются в службу сопровождения по новому месту жительства).",
    )
    para(
        doc,
        "5.2. Договор может быть расторгнут досрочно по соглашению Сторон или по инициативе Выпускника "
        "на основании его письменного заявления.",
    )
    para(
        doc,
        "5.3. Служба вправе расторгнуть Договор при систематическом невыполнении Выпускником обязательств "
        "по Договору, письменно уведомив его не менее чем за 10 дней.",
    )
    tag(doc, "endif")
    para(
        doc,
        "5.{% if termination_terms %}{{ termination_terms|length + 1 }}{% else %}4{% endif %}. Изменения и "
        "дополнения к Договору действительны, если они совершены в письменной форме и подписаны Сторонами.",
    )

    section_heading(doc, "6. Заключительные положения")
    para(
        doc,
        "6.1. Договор составлен в двух экземплярах, имеющих одинаковую юридическую силу, по одному для каждой "
        "из Сторон.",
    )
    para(
        doc,
        "6.2. Споры по Договору Стороны разрешают путём переговоров, а при недостижении согласия — в порядке, "
        "установленном законодательством Российской Федерации.",
    )
    para(doc, "6.3. Контроль за исполнением Договора осуществляет руководитель Службы.")

    section_heading(doc, "7. Адреса и подписи Сторон")
    signatures(
        doc,
        [
            ("Служба", "b"),
            "{{ service_name }}",
            "Адрес: {{ service_address or '____________________' }}",
            "Телефон: {{ service_phone or '____________________' }}",
            "",
            "{{ representative_position }}",
            "",
            "________________ / {{ representative_short_name }} /",
            ("М. П.", "i"),
        ],
        [
            ("Выпускник", "b"),
            "{{ graduate_full_name }}, {{ graduate_birth_date }} г. р.",
            "Документ: {{ graduate_id_document or '____________________' }}",
            "Адрес регистрации: {{ graduate_registration_address or '____________________' }}",
            "Адрес проживания: {{ graduate_actual_address or '____________________' }}",
            "Телефон: {{ graduate_phone or '____________________' }}",
            "",
            "________________ / {{ graduate_short_name }} /",
        ],
    )
    para(doc, "")
    tag(doc, "if graduate_is_minor")
    para(
        doc,
        "Законный представитель{% if legal_representative %} ({{ legal_representative }}){% endif %}: "
        "________________ / ________________ /",
        align=L,
        indent=False,
        before=6,
    )
    tag(doc, "endif")
    para(
        doc,
        (
            "С условиями Договора {{ graduate_acquainted }}, экземпляр Договора {{ graduate_received }}: "
            "________________ / {{ graduate_short_name }} /",
            "i",
        ),
        align=L,
        indent=False,
        before=10,
        size=11,
    )
    return doc


# --- The individual plan -----------------------------------------------------------------------------


def plan() -> Document:
    doc = new_document("Индивидуальный план постинтернатного сопровождения")
    approval = doc.add_table(rows=1, cols=2)
    _no_borders(approval)
    _widths(approval, (8.5, 8.5))
    cell = approval.rows[0].cells[1]
    _cell_text(cell, ("УТВЕРЖДЁН", "b"), size=12)
    for text in (
        "{{ approver_position or 'Руководитель службы сопровождения' }}",
        "________________ / {{ approver_short_name or '________________' }} /",
        "{% if plan_is_approved %}{{ plan_approved_at }}{% else %}«___» ____________ 20___ г.{% endif %}",
    ):
        p = cell.add_paragraph()
        p.add_run(nbsp(text)).font.size = Pt(12)
    title(
        doc,
        "ИНДИВИДУАЛЬНЫЙ ПЛАН",
        "постинтернатного сопровождения",
        "{{ graduate_genitive }}",
        before=18,
    )
    fields(
        doc,
        [
            ("Выпускник", "{{ graduate_full_name }}, {{ graduate_birth_date }} г. р."),
            ("Статус", "{{ graduate_status }}"),
            (
                "Договор о сопровождении",
                "{% if contract_number %}№ {{ contract_number }} от {{ contract_date }}{% else %}—{% endif %}",
            ),
            (
                "Специалист сопровождения",
                "{{ specialist_full_name or '—' }}{% if specialist_phone %}, тел. {{ specialist_phone }}{% endif %}",
            ),
            ("Уровень сопровождения", "{{ plan_level or '—' }}"),
            ("Период действия плана", "с {{ plan_starts_on }} по {{ plan_ends_on }}"),
            (
                "Версия плана",
                "{{ plan_version }} ({{ plan_status|lower }})"
                "{% if plan_review_reason %}; причина пересмотра: {{ plan_review_reason }}{% endif %}",
            ),
        ],
    )
    section_heading(doc, "1. Цели сопровождения по сферам жизнедеятельности")
    grid(
        doc,
        ["№", "Сфера жизнедеятельности", "Цель"],
        ["{{ g.n }}", "{{ g.domain }}", "{{ g.text }}"],
        [1.0, 4.5, 11.5],
        "g in goals",
        size=11,
        empty="Цели не сформулированы.",
    )
    section_heading(doc, "2. Мероприятия плана")
    grid(
        doc,
        ["№", "Сфера", "Мероприятие", "Ответственный", "Срок", "Статус", "Результат"],
        [
            "{{ m.n }}",
            "{{ m.domain }}",
            "{{ m.text }}",
            "{{ m.responsible }}",
            "{{ m.deadline }}",
            "{{ m.status }}{% if m.done_at %} {{ m.done_at }}{% endif %}",
            "{{ m.result }}",
        ],
        [0.7, 2.9, 3.7, 2.9, 1.9, 2.6, 2.3],
        "m in measures",
        empty="Мероприятия не запланированы.",
    )
    para(
        doc,
        "Выпускник участвует в выполнении плана как равноправная сторона: мероприятия, где ответственным указан "
        "выпускник, он выполняет сам при поддержке специалиста.",
        size=11,
    )
    para(doc, "", after=6)
    signatures(
        doc,
        [
            "Специалист сопровождения",
            "",
            "________________ / {{ specialist_short_name or '________________' }} /",
        ],
        [
            "С планом {{ graduate_acquainted }}, {{ graduate_agreed }}",
            "",
            "________________ / {{ graduate_short_name }} /",
        ],
    )
    para(doc, "Дата составления: {{ plan_created_at }}", align=L, indent=False, before=10, size=11)
    return doc


# --- The social card ---------------------------------------------------------------------------------


def social_card() -> Document:
    doc = new_document("Социальная карта выпускника")
    title(doc, "СОЦИАЛЬНАЯ КАРТА ВЫПУСКНИКА", "{{ graduate_full_name }}")
    para(doc, ("по состоянию на {{ today }}", "i"), align=C, after=8)

    section_heading(doc, "1. Личные данные")
    fields(
        doc,
        [
            ("Фамилия, имя, отчество", ("{{ graduate_full_name }}", "b")),
            ("Пол", "{{ graduate_sex }}"),
            ("Дата рождения (возраст)", "{{ graduate_birth_date }} ({{ graduate_age_text }})"),
            ("СНИЛС", "{{ graduate_snils or '—' }}"),
            ("Документ, удостоверяющий личность", "{{ graduate_id_document or '—' }}"),
            ("Статус", "{{ graduate_status }}"),
            ("Внесён(а) в банк данных", "{{ registered_at }}"),
            ("Согласие на обработку персональных данных", "{{ consent }}"),
        ],
    )
    section_heading(doc, "2. Происхождение")
    fields(
        doc,
        [
            ("Место первичного выявления", "{{ identification_place or '—' }}"),
            ("Откуда выпущен(а)", "{{ left_from_kind or '—' }}"),
            ("Организация (семья)", "{{ left_organisation or '—' }}"),
            ("Дата выпуска", "{{ left_at or '—' }}"),
        ],
    )
    section_heading(doc, "3. Адреса и контакты")
    fields(
        doc,
        [
            ("Территория проживания", "{{ territory }}"),
            ("Адрес регистрации", "{{ graduate_registration_address or '—' }}"),
            ("Адрес фактического проживания", "{{ graduate_actual_address or '—' }}"),
            ("Телефон", "{{ graduate_phone or '—' }}"),
            ("Мессенджеры, соцсети", "{{ messengers or '—' }}"),
            ("Электронная почта", "{{ graduate_email or '—' }}"),
        ],
    )
    section_heading(doc, "4. Семья")
    fields(
        doc,
        [
            ("Семейное положение", "{{ marital_status }}"),
            ("Количество детей", "{{ children_count }}"),
            ("Беременность", "{{ is_pregnant }}"),
            ("Законный представитель", "{{ legal_representative or '—' }}"),
        ],
    )
    section_heading(doc, "5. Жильё")
    fields(
        doc,
        [
            ("Жилищная ситуация", "{{ housing }}"),
            ("Право на обеспечение жильём из специализированного жилищного фонда", "{{ housing_right }}"),
            ("Включён(а) в список на обеспечение жильём", "{{ housing_on_list }}"),
        ],
    )
    section_heading(doc, "6. Образование и занятость")
    fields(
        doc,
        [
            ("Образование", "{{ education or '—' }}"),
            ("Место учёбы", "{{ education_place or '—' }}"),
            ("Занятость", "{{ employment or '—' }}"),
            ("Место работы", "{{ employment_place or '—' }}"),
        ],
    )
    section_heading(doc, "7. Здоровье и факторы риска")
    fields(
        doc,
        [
            ("Инвалидность", "{{ disability }}"),
            ("Уязвимые категории", "{{ vulnerable_categories or '—' }}"),
            ("Факторы риска", "{{ risk_factors or '—' }}"),
            ("Примечания", "{{ notes or '—' }}"),
        ],
    )

    section_heading(doc, "8. Сопровождение")
    tag(doc, "if has_case")
    fields(
        doc,
        [
            ("Состояние", ("{{ case_status }}", "b")),
            ("Специалист сопровождения", "{{ case_specialist or '—' }}"),
            (
                "Выявлен(а)",
                "{{ case_identified_at }}{% if case_identified_how %} — {{ case_identified_how }}{% endif %}",
            ),
            ("Контакт установлен", "{{ case_contact_at or '—' }}"),
            ("На сопровождении с", "{{ case_activated_at or '—' }}"),
            (
                "Завершено",
                "{% if case_closed_at %}{{ case_closed_at }} — {{ case_close_reason }}{% else %}—{% endif %}",
            ),
            (
                "Договор о сопровождении",
                "{% if has_contract %}№ {{ contract_number }} от {{ contract_date }}, действует с "
                "{{ contract_starts_on }} по {{ contract_ends_on }}"
                "{% if contract_terminated_at %}, расторгнут {{ contract_terminated_at }}{% endif %}"
                "{% else %}не заключён{% endif %}",
            ),
            ("Уровень сопровождения", "{{ current_level or '—' }}"),
        ],
    )
    para(doc, ("История уровней сопровождения", "b"), align=L, indent=False, after=4, keep=True)
    grid(
        doc,
        ["С даты", "Уровень", "Основание", "Обоснование", "Кто решил"],
        ["{{ c.effective_from }}", "{{ c.level }}", "{{ c.basis }}", "{{ c.reason }}", "{{ c.decided_by }}"],
        [2.0, 3.4, 3.3, 5.6, 2.7],
        "c in level_history",
        empty="Уровень не определялся.",
    )
    para(doc, ("Индивидуальный план сопровождения", "b"), align=L, indent=False, after=4, keep=True)
    tag(doc, "if has_plan")
    para(
        doc,
        "Версия {{ plan_version }} ({{ plan_status|lower }}), период с {{ plan_starts_on }} по {{ plan_ends_on }}"
        "{% if plan_level %}, уровень «{{ plan_level }}»{% endif %}. Мероприятий: {{ plan_measures_total }}"
        "{% if plan_measures_by_status %} ({{ plan_measures_by_status }}){% endif %}"
        "{% if plan_measures_overdue %}, из них просрочено: {{ plan_measures_overdue }}{% endif %}.",
        indent=False,
        after=4,
    )
    tag(doc, "for d in plan_goals")
    para(doc, ("{{ d.domain }}: ", "b"), "{{ d.text }}", indent=False, left=0.5, size=11)
    tag(doc, "endfor")
    para(doc, "", after=2)
    grid(
        doc,
        ["№", "Сфера", "Мероприятие", "Ответственный", "Срок", "Статус"],
        ["{{ m.n }}", "{{ m.domain }}", "{{ m.text }}", "{{ m.responsible }}", "{{ m.deadline }}", "{{ m.status }}"],
        [0.7, 2.9, 5.9, 2.8, 2.0, 2.7],
        "m in plan_measures",
    )
    tag(doc, "else")
    para(doc, ("Действующего плана нет.", "i"), indent=False, after=6)
    tag(doc, "endif")
    para(doc, ("Последние контакты и услуги", "b"), align=L, indent=False, after=4, keep=True)
    grid(
        doc,
        ["Дата", "Вид", "Сфера", "Что сделано", "Результат"],
        ["{{ e.date }}", "{{ e.kind }}", "{{ e.domain }}", "{{ e.text }}", "{{ e.result }}"],
        [2.0, 3.0, 2.7, 5.5, 3.8],
        "e in last_contacts",
        empty="Записей в журнале сопровождения нет.",
    )
    tag(doc, "else")
    para(doc, ("Выпускник не состоит на сопровождении: договор не заключался.", "i"), indent=False, after=6)
    tag(doc, "endif")

    para(doc, "", after=6)
    signatures(
        doc,
        ["Карту составил(а):", "________________ / ________________ /"],
        ["Дата: {{ today }}", ""],
    )
    para(
        doc,
        (
            "Документ содержит персональные данные. Обработка, хранение и передача — в соответствии с "
            "Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных».",
            "i",
        ),
        align=L,
        indent=False,
        before=12,
        size=9,
    )
    return doc


# --- The relocation notice ---------------------------------------------------------------------------


def transfer_notice() -> Document:
    doc = new_document("Уведомление о смене места жительства выпускника")
    head = doc.add_table(rows=1, cols=2)
    _no_borders(head)
    _widths(head, (8.0, 9.0))
    left, right = head.rows[0].cells
    _cell_text(left, "Исх. № ________ от ____________", size=12)
    left.add_paragraph().add_run("На № ________ от ____________").font.size = Pt(12)
    _cell_text(right, ("{{ to_name }}", "b"), size=12)
    p = right.add_paragraph()
    p.add_run("{{ to_service_address }}").font.size = Pt(12)
    para(doc, "")
    title(
        doc,
        "УВЕДОМЛЕНИЕ",
        "о смене места жительства выпускника, состоящего на постинтернатном сопровождении",
    )
    para(
        doc,
        ("{{ from_service_name }}", "b"),
        " уведомляет, что {{ graduate_word }} ",
        ("{{ notice_full_name }}", "b"),
        ", {{ notice_birth_date }} года рождения, {{ moved_at }} {{ graduate_by_sex('сменил', 'сменила') }} место "
        "жительства{% if new_address %} и проживает по адресу: {{ new_address }}{% endif %}.",
    )
    para(
        doc,
        "В соответствии с порядком межведомственного взаимодействия по постинтернатному сопровождению "
        "выпускников направляем сведения о выпускнике для продолжения сопровождения по новому месту жительства:",
        after=6,
    )
    fields(
        doc,
        [
            ("Фамилия, имя, отчество", ("{{ notice_full_name }}", "b")),
            ("Дата рождения", "{{ notice_birth_date }}"),
            ("Статус", "{{ notice_status_category or '—' }}"),
            ("Законный представитель", "{{ notice_legal_representative or '—' }}"),
            ("Место первичного выявления", "{{ notice_identification_place or '—' }}"),
            ("Жилищное положение", "{{ notice_housing or '—' }}"),
            ("Право на обеспечение жильём из специализированного жилищного фонда", "{{ notice_housing_right or '—' }}"),
            ("Список на обеспечение жильём", "{{ notice_housing_on_list or '—' }}"),
            ("Контактный телефон", "{{ notice_phone or '—' }}"),
            (
                "Сопровождение",
                "{{ notice_support_status or '—' }}{% if notice_support_level %}, уровень «{{ notice_support_level }}»{% endif %}",
            ),
            ("Договор о сопровождении", "{{ notice_contract or '—' }}"),
            ("Дата переезда", "{{ moved_at }}"),
            ("Новый адрес", "{{ new_address or '—' }}"),
        ],
    )
    para(doc, ("Рекомендации по дальнейшему сопровождению", "b"), align=L, indent=False, after=4, keep=True)
    tag(doc, "for line in recommendations")
    para(doc, "{{ line }}")
    tag(doc, "else")
    para(doc, "—")
    tag(doc, "endfor")
    spacer(doc)
    tag(doc, "if is_external")
    para(
        doc,
        "Просим организовать сопровождение выпускника по новому месту жительства. Дополнительные сведения "
        "будут направлены по Вашему запросу.",
    )
    tag(doc, "else")
    para(
        doc,
        "Личное дело выпускника и история сопровождения переданы в Вашу службу в региональной информационной "
        "системе. Просим принять выпускника на сопровождение.",
    )
    tag(doc, "endif")
    para(doc, "", after=12)
    signatures(
        doc,
        ["{{ sender_position or 'Руководитель службы сопровождения' }}"],
        ["________________ / {{ sender_short_name or '________________' }} /"],
    )
    para(
        doc,
        "Исполнитель: {{ sender_full_name or '________________' }}"
        "{% if sender_phone or service_phone %}, тел. {{ sender_phone or service_phone }}{% endif %}",
        align=L,
        indent=False,
        before=24,
        size=10,
    )
    return doc


# --- The protocol of a consilium (its context: opora/assessment/protocol.py) -------------------------


def consilium_protocol() -> Document:
    doc = new_document("Протокол консилиума")
    title(
        doc,
        "ПРОТОКОЛ{% if consilium_number %} № {{ consilium_number }}{% endif %}",
        "{{ consilium_kind_genitive }} консилиума службы сопровождения",
    )
    place_and_date(doc, "{{ place }}", "{{ consilium_date_long }}")
    para(doc, ("{{ service_name }}", "b"), align=L, indent=False, after=6)
    para(
        doc,
        "Вид консилиума: {{ consilium_kind }} ({{ consilium_quarter }} квартал {{ consilium_year }} г.).",
        align=L,
        indent=False,
    )
    para(doc, ("Председатель: ", "b"), "{{ chair_line or '—' }}", align=L, indent=False, before=4)
    para(doc, ("Присутствовали:", "b"), align=L, indent=False, before=4)
    tag(doc, "for p in participants")
    para(doc, "{{ p.full_name }}{% if p.position %}, {{ p.position }}{% endif %}", align=L, indent=False, left=1)
    tag(doc, "endfor")
    tag(doc, "if attracted")
    para(doc, ("Привлечённые специалисты:", "b"), align=L, indent=False, before=4)
    tag(doc, "for line in attracted")
    para(doc, "{{ line }}", align=L, indent=False, left=1)
    tag(doc, "endfor")
    tag(doc, "endif")
    tag(doc, "if consilium_agenda")
    para(doc, ("Повестка: ", "b"), "{{ consilium_agenda }}", align=L, indent=False, before=4)
    tag(doc, "endif")
    section_heading(doc, "Рассмотрены вопросы")
    tag(doc, "for g in graduates")
    para(
        doc,
        ("{{ g.number }}. О {{ g.about }} {{ g.prepositional }}", "b"),
        ", {{ g.birth_date }} г. р.",
        align=L,
        indent=False,
        before=8,
        keep=True,
    )
    fields(
        doc,
        [
            (
                "Рассмотренная оценка",
                "{% if g.assessment_date %}{{ g.assessment_title }} от {{ g.assessment_date }}{% else %}—{% endif %}",
            ),
            ("Оценки по сферам", "{{ g.scores or '—' }}"),
            ("Уровень до консилиума", "{{ g.level_before or '—' }}"),
            ("Уровень по правилу региона", "{{ g.suggested_level or '—' }}"),
            ("Решение об уровне", ("{{ g.level_text }}", "b")),
            ("Почему не по правилу", "{{ g.override_reason or '—' }}"),
            ("Решение по плану", "{{ g.plan_decision or '—' }}"),
            ("Индивидуальный маршрут", "{{ g.route or '—' }}"),
            ("Обсуждение", "{{ g.notes or '—' }}"),
        ],
    )
    grid(
        doc,
        ["№", "Рекомендация", "Ответственный", "Срок"],
        ["{{ r.number }}", "{{ r.text }}", "{{ r.responsible }}", "{{ r.deadline }}"],
        [1.0, 9.0, 4.5, 2.5],
        "r in g.recommendations",
        empty="Рекомендаций нет.",
    )
    tag(doc, "endfor")
    para(doc, "", after=12)
    signatures(
        doc,
        ["Председатель консилиума"],
        ["________________ / {{ chair_short_name or '________________' }} /"],
    )
    return doc


BUILDERS = {
    "contract": contract,
    "plan": plan,
    "social_card": social_card,
    "transfer_notice": transfer_notice,
    "consilium_protocol": consilium_protocol,
}


def build(target: Path = HERE) -> list[Path]:
    written = []
    for kind, builder in BUILDERS.items():
        path = target / f"{kind}.docx"
        builder().save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(path.relative_to(HERE.parent.parent.parent))
