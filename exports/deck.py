""""Last ned presentasjon": a 16:9 PowerPoint deck for one municipality (python-pptx).

Title slide (municipality, county, date, sources), one slide per indicator family with the chart
image, the key sentence, the facts and the source line (plus the county map after its family),
and a closing slide with the definitions. A family without figures for the municipality gets no
slide of its own: the title slide names it (`missing_line`), as do its notes and the closing
slide's footer, so nothing is left out unsaid. Every piece of text is at least 18 pt and set
explicitly on each run (no inherited theme sizes), so it reads at the back of a room; "DEMODATA"
stands on exactly the slides whose figures come from demo data (a slide of real NAV numbers
has no chip, whatever other indicators still show). Charts are images (slide style: no title of
their own, large fonts) with a text alternative; the speaker notes hold the caption.
"""
from __future__ import annotations

import io
from datetime import date

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from exports import figures, images
from exports.kommune import Chart, Report
from indicators import charts, progress
from indicators import format as fmt
from vocab.i18n import _
from vocab.periods import date_text

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MIN_PT = 18
INK = RGBColor(0x1A, 0x1A, 0x1A)
GREY = RGBColor(0x40, 0x40, 0x40)          # 10:1 on white
ACCENT = RGBColor(0x00, 0x72, 0xB2)
RED = RGBColor(0x8B, 0x1A, 0x1A)
PALE_RED = RGBColor(0xFF, 0xF4, 0xF4)
MARGIN = Inches(0.5)

# The chart image: CSS size before scale 2; fonts 1.6× (≈ 17 pt at 8 in wide on the slide).
SLIDE_W, SLIDE_H = 820, 445
CHART_BOX = (Inches(0.45), Inches(2.3), Inches(8.3), Inches(4.45))
FACTS_BOX = (Inches(8.95), Inches(2.3), Inches(3.95), Inches(4.45))


def long_date(d: date) -> str:
    """22. november 2026 (22 November 2026 in English)."""
    return date_text(d)


def _text(slide, box, paragraphs, *, anchor=MSO_ANCHOR.TOP, fill=None, line=None):
    """A text box; paragraphs are (text, pt, bold, colour) or (text, pt, bold, colour, space_after)."""
    x, y, w, h = box
    tb = slide.shapes.add_textbox(x, y, w, h)
    tf = tb.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = anchor
    tf.margin_left = tf.margin_right = Inches(0.08)
    tf.margin_top = tf.margin_bottom = Inches(0.04)
    if fill is not None:
        tb.fill.solid()
        tb.fill.fore_color.rgb = fill
    if line is not None:
        tb.line.color.rgb = line
        tb.line.width = Pt(1.5)
    for i, p in enumerate(paragraphs):
        text, size, bold, colour = p[:4]
        para = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        para.alignment = PP_ALIGN.LEFT
        if len(p) > 4:
            para.space_after = Pt(p[4])
        run = para.add_run()
        run.text = text
        run.font.size = Pt(max(MIN_PT, size))
        run.font.bold = bold
        run.font.color.rgb = colour
    return tb


def title_size(text: str) -> int:
    """32 pt when the title fits one line of the title box, smaller (never under 24) if not;
    at 24 pt two lines fit the box. Measured in LibreOffice, whose fallback font is wider."""
    n = len(text)
    return 32 if n <= 36 else 28 if n <= 42 else 24


def _demo_tag(slide) -> None:
    _text(slide, (WIDTH - Inches(2.35), Inches(0.3), Inches(1.9), Inches(0.5)),
          [(_("DEMODATA"), 18, True, RED)], anchor=MSO_ANCHOR.MIDDLE, fill=PALE_RED, line=RED)


def _accent(slide) -> None:
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, Inches(0.18), HEIGHT)
    bar.fill.solid()
    bar.fill.fore_color.rgb = ACCENT
    bar.line.fill.background()


def _notes(slide, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = text


def _title_slide(prs, rep: Report) -> None:
    s = prs.slides.add_slide(prs.slide_layouts[6])
    _accent(s)
    place = _("{name} kommune").format(name=rep.name) if not rep.name.endswith("kommune") \
        else rep.name
    _text(s, (Inches(0.8), Inches(1.0), Inches(11.5), Inches(1.6)),
          [(deck_title(rep), 40, True, INK)], anchor=MSO_ANCHOR.BOTTOM)
    fams = "; ".join(charts.ind_title(c.ind, c.table.age, c.table.category)
                     for c in rep.charts if c.family != "Kart") or _("ingen tall ennå")
    # What is shown, then what is not (those families have no slide): up to 2 + 3 lines.
    _text(s, (Inches(0.8), Inches(2.75), Inches(11.5), Inches(1.7)),
          [(_("Nøkkeltall fra Innenfor: {families}").format(families=fams), 24, False, INK, 6)]
          + ([(missing_line(rep), 18, False, GREY)] if rep.missing else []))
    _text(s, (Inches(0.8), Inches(4.5), Inches(11.5), Inches(0.55)),
          [(f"{place}{', ' + rep.county_name if rep.county_name else ''} · {long_date(rep.made)}",
            22, False, GREY)])
    srcs = []
    for ind in rep.indicators:
        if ind.source not in srcs:
            srcs.append(ind.source)
    src = _("Kilder: {sources}. Bearbeidet av Innenfor.").format(sources="; ".join(srcs)) \
        if srcs else _("Kilder: ingen tall i datalageret ennå.")
    _text(s, (Inches(0.8), Inches(5.1), Inches(11.8), Inches(1.3)),
          [(src, 18, False, GREY, 4)] + ([(rep.split_story, 18, False, INK)] if rep.split_story else []))
    if rep.demo:
        _text(s, (Inches(0.8), Inches(6.45), Inches(11.8), Inches(0.65)),
              [(demo_words(rep), 22 if rep.all_demo else 18, True, RED)],
              anchor=MSO_ANCHOR.MIDDLE, fill=PALE_RED, line=RED)
    _notes(s, _("Presentasjon laget med Innenfor {date} for {name}.").format(
        date=long_date(rep.made), name=rep.name)
           + ("\n\n" + missing_line(rep) + " "
              + _("Tallene kommer med når en koordinator laster inn filer fra kilden.")
              if rep.missing else ""))


def missing_families(rep: Report) -> str:
    """The families without figures, mid-sentence («unge uføre, 18–29 år; arbeidssøkere hos
    NAV, under 30 år»): semicolons, as each heading has commas of its own."""
    return "; ".join(fmt.lower_first(m) for m in rep.missing)


def missing_line(rep: Report) -> str:
    """The title slide's line for the families that have no slide (no figures for the place)."""
    return _("Uten tall for {name} i datalageret: {families}.").format(
        name=rep.name, families=missing_families(rep))


def deck_title(rep: Report) -> str:
    return _("Unge utenfor arbeid og utdanning: {name}").format(name=rep.name)


def demo_words(rep: Report) -> str:
    """What the title slide says about demo: all of it, or which slides (they carry the chip)."""
    if rep.all_demo:
        return _("DEMODATA: oppdiktede tall for utprøving, ikke ekte statistikk.")
    fams = fmt.listing(dict.fromkeys(c.ind.short for c in rep.charts if c.demo))
    return _("DEMODATA: tallene for {families} er oppdiktet (lysbildene er merket). "
             "De andre er ekte.").format(families=fams)


def _picture(slide, png: bytes, box, alt: str) -> None:
    x, y, w, h = box
    pic = slide.shapes.add_picture(io.BytesIO(png), x, y)
    # Fit inside the box, keeping the aspect ratio.
    k = min(w / pic.width, h / pic.height)
    pic.width, pic.height = Emu(int(pic.width * k)), Emu(int(pic.height * k))
    pic.left = x + (w - pic.width) // 2 if pic.width < w else x
    pic.top = y
    pic._element.nvPicPr.cNvPr.set("descr", alt)        # the text alternative


def _chart_slide(prs, c: Chart, png: bytes) -> None:
    s = prs.slides.add_slide(prs.slide_layouts[6])
    _accent(s)
    _text(s, (MARGIN, Inches(0.3), Inches(10.2), Inches(0.9)),
          [(c.title, title_size(c.title), True, INK)], anchor=MSO_ANCHOR.MIDDLE)
    if c.demo:                 # this slide's own figures, never another indicator's
        _demo_tag(s)
    _text(s, (MARGIN, Inches(1.2), Inches(12.3), Inches(1.05)), [(c.sentence, 22, False, INK)])
    _picture(s, png, CHART_BOX, c.alt)
    facts = [(f"{c.ind.short}, {c.selection}", 18, True, INK, 8)]
    facts += [(f"• {line}", 18, False, INK, 6) for line in c.facts]
    _text(s, FACTS_BOX, facts)
    src = f"{c.source} {_selection_period(c)}"
    _text(s, (MARGIN, Inches(6.8), Inches(12.3), Inches(0.65)), [(src, 18, False, GREY)],
          anchor=MSO_ANCHOR.BOTTOM)
    definition = _("Definisjon: {definition}").format(definition=c.ind.definition)
    _notes(s, f"{c.sentence}\n\n{c.alt}\n\n{definition}\n{c.source}")


def _selection_period(c: Chart) -> str:
    return _("Utvalg: {selection}. Periode: {period}.").format(selection=c.selection,
                                                              period=c.periods_text)


def mission_title(c: Chart) -> str:
    return _("Mål og tiltak: {indicator}").format(indicator=c.ind.short)


def _mission_slide(prs, c: Chart, png: bytes) -> None:
    """A family's target: status in symbol and words, the sentence, the chart with the path and
    the measures' lanes, and the measures listed (indicators.progress words)."""
    p = c.target
    if p is None:
        return
    s = prs.slides.add_slide(prs.slide_layouts[6])
    _accent(s)
    title = mission_title(c)
    _text(s, (MARGIN, Inches(0.3), Inches(10.2), Inches(0.9)),
          [(title, title_size(title), True, INK)], anchor=MSO_ANCHOR.MIDDLE)
    if c.demo:
        _demo_tag(s)
    _text(s, (MARGIN, Inches(1.2), Inches(12.3), Inches(1.05)),
          [(f"{p.status_text}. {p.sentence()}", 20, False, INK)])
    _picture(s, png, CHART_BOX, c.alt)
    side: list[tuple] = [(p.label, 24, True, INK, 2), (p.status_text, 24, True, INK, 6),
            (_("Vedtatt av {decided_by}").format(decided_by=p.decided_by), 18, False, GREY, 8)]
    if c.measures:
        side.append((_("Tiltak"), 18, True, INK, 4))
        # Three fit the box at 18 pt; the rest are in the notes and the Excel file.
        side += [(f"• {progress.measure_line(m)}", 18, False, INK, 4) for m in c.measures[:3]]
        if len(c.measures) > 3:
            side.append((_("… og {n} til (se notatene)").format(n=len(c.measures) - 3), 18,
                         False, GREY))
    _text(s, FACTS_BOX, side)
    src = (_("Banen: rett linje fra basisverdien til målet.") + f" {c.source} "
           + _selection_period(c))
    _text(s, (MARGIN, Inches(6.8), Inches(12.3), Inches(0.65)), [(src, 18, False, GREY)],
          anchor=MSO_ANCHOR.BOTTOM)
    _notes(s, f"{p.sentence()}\n\n{_(progress.PATH_RULE)}\n\n"
              + "\n".join(f"{label}: {text}" for label, text in progress.rules()[1:])
              + "".join("\n" + _("Tiltak: {measure}").format(measure=progress.measure_line(m))
                        for m in c.measures))


def _closing_slide(prs, rep: Report) -> None:
    s = prs.slides.add_slide(prs.slide_layouts[6])
    _accent(s)
    _text(s, (MARGIN, Inches(0.3), Inches(10.2), Inches(0.9)),
          [(_("Definisjoner og kilder"), 32, True, INK)], anchor=MSO_ANCHOR.MIDDLE)
    inds = rep.indicators
    cols = 2
    box_w, box_h = Inches(6.05), Inches(2.7)
    for i, ind in enumerate(inds[:4]):
        r, c = divmod(i, cols)
        x = MARGIN + c * (box_w + Inches(0.2))
        y = Inches(1.3) + r * (box_h + Inches(0.1))
        _text(s, (x, y, box_w, box_h),
              [(ind.name, 18, True, INK, 2), (ind.definition, 18, False, INK, 2),
               (_("Kilde: {source}.").format(source=ind.source), 18, False, GREY)])
    if not inds:
        _text(s, (MARGIN, Inches(1.5), Inches(12.3), Inches(1.0)),
              [(_("Ingen tall i datalageret ennå."), 24, False, INK)])
    foot = _("Laget med Innenfor {date}. Tallene kan endres når kildene oppdateres.").format(
        date=long_date(rep.made))
    if rep.missing:
        foot += " " + _("Uten tall: {families}.").format(families=missing_families(rep))
    _text(s, (MARGIN, Inches(6.85), Inches(12.3), Inches(0.6)), [(foot, 18, False, GREY)],
          anchor=MSO_ANCHOR.BOTTOM)
    _notes(s, "\n\n".join(f"{ind.name}: {ind.definition} {fmt.source_line(ind)}" for ind in inds))


def slide_figures(rep: Report) -> list[dict]:
    """The chart figures prepared for slides (render them with images.render_prepared)."""
    return [figures.prepare(c.figure, "slide", width=SLIDE_W, height=SLIDE_H) for c in rep.charts]


def build(rep: Report, pngs: list[bytes] | None = None) -> bytes:
    """The deck as bytes. `pngs`: the slide images in chart order, if already rendered (the zip
    renders all images in one batch); otherwise rendered here (raises ChromiumMissing)."""
    if pngs is None:
        pngs = images.render_prepared([(fd, "png") for fd in slide_figures(rep)])
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    prs.core_properties.title = deck_title(rep)
    prs.core_properties.author = "Innenfor"
    prs.core_properties.language = figures.language_tag()
    _title_slide(prs, rep)
    by_family: dict[str, list] = {}
    for c, png in zip(rep.charts, pngs):
        by_family.setdefault(c.family, []).append((c, png))
    from indicators import views
    # The families in their order; one without figures has no slide (the title slide says so).
    for family, _description, _ids in views.FAMILIES:
        for c, png in by_family.pop(family, []):
            _chart_slide(prs, c, png)
            if c.target is not None:           # the family's target, on a slide of its own
                _mission_slide(prs, c, png)
            # The map follows the family it belongs to.
            for mc, mpng in list(by_family.get("Kart", [])):
                if mc.ind.id == c.ind.id:
                    _chart_slide(prs, mc, mpng)
                    by_family["Kart"].remove((mc, mpng))
    for rest in by_family.values():
        for c, png in rest:
            _chart_slide(prs, c, png)
    _closing_slide(prs, rep)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
