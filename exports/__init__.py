"""Exports for political cases and gatherings: images, Excel, CSV, PowerPoint and a zip.

What a page calls (each returns a `Download`: name, data, mime, ready for st.download_button):

    exports.image(fig, "png" | "svg" | "pdf", place=None)    # raises ChromiumMissing
    exports.table_xlsx(table) / exports.table_csv(table, plain=False)
    exports.presentation(con, code, period=None)              # raises ChromiumMissing
    exports.saksvedlegg(con, code, period=None)               # raises ChromiumMissing

`table` is an exports.tables.DataTable: `tables.from_store(con, indicator_id, frame, age=…,
category=…, title=…)` with the frame the chart was drawn from. `exports.ChromiumMissing` carries
a message (in the current language) for the page to show (str(e));
`exports.images_available()` says in advance.
For many images in a row, `exports.images.start_server()` keeps one browser alive.

Modules: images (kaleido rendering), figures (title/footer/size for files and slides), tables
(the rows), excel, csvfile, kommune (one municipality's charts and facts), deck (PPTX),
bundle (the zip), safe (formula neutralising and file names).
"""
from __future__ import annotations

from dataclasses import dataclass

from exports import images
from exports.images import ChromiumMissing
from vocab.i18n import _

MIME = {
    "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "zip": "application/zip",
}

__all__ = ["ChromiumMissing", "Download", "image", "images_available", "presentation",
           "saksvedlegg", "table_csv", "table_xlsx"]


@dataclass(frozen=True)
class Download:
    name: str
    data: bytes
    mime: str


def images_available() -> bool:
    """False when Chromium is missing (show images.MISSING_MESSAGE instead of the buttons)."""
    return images.available()


def image(fig, fmt: str = "png", *, place: str | None = None) -> Download:
    """A chart as PNG (2×), SVG or PDF with title, place, unit, source line and Demodata."""
    return Download(images.file_name(fig, fmt), images.render(fig, fmt, place=place), MIME[fmt])


def _table_name(table, ext: str) -> str:
    from exports import safe
    from indicators import format as fmt
    return safe.file_name("innenfor", table.ind.id, fmt.dimension_text(table.ind, table.age,
                          table.category).replace(" år", ""), table.periods_text, ext=ext)


def table_xlsx(table, *, name: str | None = None) -> Download:
    from exports import excel
    return Download(name or _table_name(table, "xlsx"), excel.xlsx(table, title=table.title),
                    MIME["xlsx"])


def table_csv(table, *, plain: bool = False, name: str | None = None) -> Download:
    """Norwegian Excel CSV (BOM, ';', decimal comma) or plain (UTF-8, ',', '.')."""
    from exports import csvfile
    data = csvfile.csv_plain(table) if plain else csvfile.csv_no(table)
    stem = (name or _table_name(table, "csv"))
    if plain and name is None:
        stem = stem[:-4] + "_plain.csv"
    return Download(stem, data, MIME["csv"] + "; charset=utf-8")


def presentation(con, code: str, *, period: str | None = None) -> Download:
    """"Last ned presentasjon" for a municipality (2024 number)."""
    from exports import deck, kommune
    rep = kommune.collect(con, code, period=period)
    return Download(rep.file_name(_("presentasjon_{date}").format(date=rep.made.isoformat()), "pptx"),
                    deck.build(rep), MIME["pptx"])


def saksvedlegg(con, code: str, *, period: str | None = None) -> Download:
    """The zip: PPTX, PNGs, Excel and LESMEG.txt (README.txt in English)."""
    from exports import bundle, kommune
    rep = kommune.collect(con, code, period=period)
    name, data = bundle.build(rep)
    return Download(name, data, MIME["zip"])
