""""Saksvedlegg": one zip for a political case about a municipality.

Contents: the presentation (PPTX), every chart as a PNG for print (title, place, unit, source
line and "Demodata" on the image), the numbers as an Excel workbook (sheet "Data" and "Om
tallene"), and LESMEG.txt listing the files, sources, definitions and periods. Everything is
in the current language (vocab.i18n); the read-me is README.txt in English.
All images are rendered in one batch (slide and print versions) over one browser.
"""
from __future__ import annotations

import io
import zipfile

from exports import deck, excel, figures, images, safe, tables
from exports.kommune import Report
from vocab.i18n import N_, _

README_NAME = N_("LESMEG.txt")      # "LESMEG.txt" in nb and nn, "README.txt" in English


def readme_name() -> str:
    return _(README_NAME)


def _heading(text: str, width: int = 0) -> list[str]:
    """A heading underlined with dashes (at least `width` of them)."""
    return [text, "-" * max(len(text), width)]


def _title(c) -> str:
    return c.title if c.periods_text in c.title else f"{c.title}, {c.periods_text}"


def _info(name: str, made) -> zipfile.ZipInfo:
    zi = zipfile.ZipInfo(name, date_time=(made.year, made.month, made.day, 12, 0, 0))
    zi.external_attr = 0o644 << 16          # readable files when unpacked on Linux/macOS
    return zi


DEMO_FILE = N_("DEMODATA: oppdiktede tall, ikke ekte statistikk. Ikke bruk dem i en sak.")


def demo_note(charts_in_file: list) -> str:
    """What a file's line in LESMEG says about demo: nothing for a file of real figures; for a
    file with demo figures, that they are invented (all of them, or which)."""
    demo = [c for c in charts_in_file if c.demo]
    if not demo:
        return ""
    if len(demo) == len(charts_in_file):
        return _(DEMO_FILE)
    which = "; ".join(dict.fromkeys(_title(c) for c in demo))
    return _("DEMODATA i en del av filen ({which}, merket der): de tallene er oppdiktet. "
             "Ikke bruk dem i en sak. De andre tallene er ekte.").format(which=which)


def readme(rep: Report, files: list[tuple]) -> str:
    """The README text: what the files are, where the numbers come from, what they mean.
    `files`: (name, what) or (name, what, demo note) — the demo note (demo_note) is said on
    the file's own line, so only the files with demo figures are marked."""
    head = _("Saksvedlegg fra Innenfor: {name}").format(name=rep.name)
    L = [head + (f" ({rep.county_name})" if rep.county_name else ""),
         "=" * 60,
         _("Laget {date}.").format(date=deck.long_date(rep.made)),
         ""]
    if rep.split_story:
        L += [rep.split_story, ""]
    if rep.all_demo:
        L += [_("DEMODATA: tallene i disse filene er oppdiktet for utprøving og er ikke ekte "
                "statistikk. Ikke bruk dem i en sak."), ""]
    elif rep.demo:
        L += [_("Noen av tallene er DEMODATA (oppdiktet for utprøving, ikke ekte statistikk): "
                "{which}. Filene med demodata er merket under; de andre tallene er ekte.").format(
                    which="; ".join(rep.demo_titles)), ""]
    L += _heading(_("Filer"))
    for name, what, *note in files:
        L.append(f"- {name}: {what}" + (f" – {note[0]}" if note and note[0] else ""))
    L += ["", *_heading(_("Tallene"), 8)]
    for c in rep.charts:
        t = c.table
        L.append(f"* {_title(c)}")
        L.append(f"  {c.sentence}")
        if c.demo:
            L.append("  " + _("DEMODATA: oppdiktede tall for utprøving, ikke ekte statistikk."))
        for label, text in tables.about(t, skip=("Indikator", "Figur", "DEMODATA")):
            L.append(f"  {label}: {text}")
        L.append("")
    if rep.missing:
        L += [_("Uten tall i datalageret: {families}.").format(families=", ".join(rep.missing)), ""]
    L += rep.plans_text
    L += _heading(_("Statusord og symboler"))
    L += [f"- {w}: {m}" for w, m in tables.status_legend()]
    L += ["", _("Tall fra SSB, NAV og Udir/VIGO-OT, bearbeidet av Innenfor. Oppgi kilden slik den "
                "står på hver figur når tallene brukes videre. Tallene kan endres når kildene "
                "oppdateres.")]
    return "\r\n".join(L) + "\r\n"


def build(rep: Report) -> tuple[str, bytes]:
    """(zip file name, zip bytes). Raises ChromiumMissing without a browser."""
    slide = deck.slide_figures(rep)
    prints = [figures.prepare(c.figure, "print") for c in rep.charts]
    pngs = images.render_prepared([(fd, "png") for fd in slide + prints])
    slide_pngs, print_pngs = pngs[:len(slide)], pngs[len(slide):]
    stamp = rep.made.isoformat()
    pptx_name = rep.file_name(_("presentasjon_{date}").format(date=stamp), "pptx")
    xlsx_name = rep.file_name(_("tall_{date}").format(date=stamp), "xlsx")
    files: list[tuple[str, bytes, str, str]] = [
        (pptx_name, deck.build(rep, slide_pngs),
         _("presentasjon (16:9): ett lysbilde per indikator med figur, hovedsetning og kilde, "
           "og definisjonene til slutt"), demo_note(rep.charts)),
        (xlsx_name, excel.xlsx(rep.tables, title=f"Innenfor: {rep.name}", made=rep.made),
         _("tallene bak figurene (arket {data}) og kilder og definisjoner (arket {about})").format(
             data=_(excel.DATA_SHEET), about=_(excel.ABOUT_SHEET)),
         demo_note(rep.charts)),
    ]
    if rep.plans_xlsx:
        from exports import mission
        files.append((rep.file_name(_("maal_og_tiltak_{date}").format(date=stamp), "xlsx"),
                      rep.plans_xlsx,
                      _("målene (status og setning), banen år for år, tiltakene og forutsetningene "
                        "(arkene {targets}, {path}, {measures} og {assumptions})").format(
                          targets=mission.sheet_name(mission.TARGETS_SHEET),
                          path=mission.sheet_name(mission.PATH_SHEET),
                          measures=mission.sheet_name(mission.MEASURES_SHEET),
                          assumptions=mission.sheet_name(mission.ASSUMPTIONS_SHEET)),
                      demo_note([c for c in rep.charts if c.target is not None])))
    for c, png in zip(rep.charts, print_pngs):
        files.append((safe.file_name(c.stem, ext="png"), png,
                      _("figur: {title}").format(title=_title(c)), demo_note([c])))
    text = readme(rep, [(n, what, note) for n, _b, what, note in files])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(_info(readme_name(), rep.made), ("\ufeff" + text).encode("utf-8"),
                   compress_type=zipfile.ZIP_DEFLATED)
        for name, data, _what, _note in files:
            # PNG and the Office files are compressed already.
            z.writestr(_info(name, rep.made), data, compress_type=zipfile.ZIP_STORED)
    return rep.file_name(_("saksvedlegg_{date}").format(date=stamp), "zip"), buf.getvalue()
