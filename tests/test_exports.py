"""Exports opened back and checked: PNG/SVG/PDF (kaleido + Debian Chromium), XLSX, CSV, PPTX and
the "Saksvedlegg" zip. Image tests share one kept-alive browser for the whole session."""
from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from datetime import date, datetime

import pandas as pd
import pytest

import exports
from exports import bundle, csvfile, deck, excel, figures, images, kommune, safe, tables
from indicators import charts, maps, queries, views
from indicators import format as fmt
from loaders import store
from ui import assets
from vocab import indicators

MADE = date(2026, 11, 22)
SKIEN, TELEMARK = "4003", "40"


# --- fixtures ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def con(demo_db):
    with store.reader(demo_db) as c:
        yield c


@pytest.fixture(scope="module")
def report(con):
    return kommune.collect(con, SKIEN, made=MADE)


def neet_trend(con):
    """NEET for Skien with Telemark and Norway: the chart most exports are tried on."""
    df = queries.series(con, "neet", [SKIEN, TELEMARK, views.NORWAY])
    return charts.trend(df, ind=indicators.get("neet"), lines=[(SKIEN, "kommune"), (TELEMARK, "fylke"),
                                                               (views.NORWAY, "land")],
                        demo=queries.is_demo(con, "neet"))


def telemark_map(con):
    """NEET 2024 on Telemark's map (taller than wide), as the Kart page's image export draws it."""
    ind = indicators.get("neet")
    table = queries.table(con, "neet", "kommune", period="2024", county=TELEMARK)
    area, cf = maps.map_area(TELEMARK)
    frame = views.map_frame(table, maps.features(area, cf), ind)
    return maps.choropleth(frame, maps.geometry(area, cf), ind=ind, period="2024",
                           area_name="Telemark", breaks=[9.5, 10.5, 11, 12], demo=True)


@pytest.fixture(scope="module")
def trend_fig(con):
    return neet_trend(con)


@pytest.fixture(scope="module")
def zipped(report, kaleido_browser):
    name, data = bundle.build(report)
    return name, zipfile.ZipFile(io.BytesIO(data))


def _png_size(b: bytes) -> tuple[int, int]:
    assert b[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(b[16:20], "big"), int.from_bytes(b[20:24], "big")


def _ink_share(b: bytes) -> float:
    """Share of pixels that are not (near) white."""
    from PIL import Image
    im = Image.open(io.BytesIO(b)).convert("L")
    hist = im.histogram()
    return 1 - sum(hist[235:]) / (im.width * im.height)


# --- a minimal PDF reader (pages; text through the fonts' ToUnicode maps) ----------------------

def _stream(body: bytes) -> bytes:
    m = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S)
    if not m:
        return b""
    data = m.group(1)
    return zlib.decompress(data) if b"/FlateDecode" in body[:m.start()] else data


def _cmap(data: bytes) -> dict:
    out = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for a, b_, rest in re.findall(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\[[^\]]*\]|<[0-9A-Fa-f]+>)", block):
            a, b_ = int(a, 16), int(b_, 16)
            if rest.startswith(b"["):
                for i, d in enumerate(re.findall(rb"<([0-9A-Fa-f]+)>", rest)):
                    out[a + i] = bytes.fromhex(d.decode()).decode("utf-16-be")
            else:
                start = int(rest[1:-1], 16)
                for i in range(b_ - a + 1):
                    out[a + i] = chr(start + i)
    return out


def pdf_pages(b: bytes) -> list[str]:
    """The text of each page (lines as drawn)."""
    assert b[:5] == b"%PDF-"
    objs = {int(n): body for n, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", b, re.S)}
    pages = [body for body in objs.values() if re.search(rb"/Type\s*/Page(?![s\w])", body)]
    texts = []
    for page in pages:
        fonts = {}
        fd = re.search(rb"/Font\s*<<(.*?)>>", page, re.S)
        for name, num in re.findall(rb"/([\w.+-]+)\s+(\d+)\s+0\s+R", fd.group(1) if fd else b""):
            tu = re.search(rb"/ToUnicode\s+(\d+)\s+0\s+R", objs.get(int(num), b""))
            fonts[name] = _cmap(_stream(objs[int(tu.group(1))])) if tu else {}
        refs = re.search(rb"/Contents\s+(?:\[(.*?)\]|(\d+)\s+0\s+R)", page, re.S)
        nums = re.findall(rb"(\d+)\s+0\s+R", refs.group(1)) if refs.group(1) else [refs.group(2)]
        content = b"".join(_stream(objs[int(n)]) for n in nums)
        cmap, out = {}, []
        for tok in re.finditer(rb"/([\w.+-]+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>|(ET)", content):
            if tok.group(1):
                cmap = fonts.get(tok.group(1), {})
            elif tok.group(3):
                out.append("\n")
            else:
                h = tok.group(2)
                out.append("".join(cmap.get(int(h[i:i + 4], 16), "") for i in range(0, len(h), 4)))
        texts.append("".join(out))
    return texts


# --- safe text and names -----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["=1+2", "+47 123", "-3", "@SUM(A1)", "\tx", "\rx",
                                  ' =HYPERLINK("http://x")', "=cmd|' /C calc'!A0"])
def test_formula_like_text_is_neutralised(text):
    out = safe.cell_text(text)
    assert out.startswith("'") and out[1:] == text


@pytest.mark.parametrize("text", ["Skien", "Nord-Fron", "15–29 år", "−3", "", "DEMODATA"])
def test_ordinary_text_is_left_alone(text):
    assert safe.cell_text(text) == text


def test_file_names_are_ascii_and_sensible():
    assert safe.file_name("innenfor", "Skien", "neet", "2022", ext="png") == "innenfor_skien_neet_2022.png"
    assert safe.file_name("innenfor", "Færder", "Uføre under 30", ext="xlsx") == \
        "innenfor_faerder_ufore-under-30.xlsx"
    name = safe.file_name("innenfor", "Aarborte - Hattfjelldal", "januar 2015 til desember 2025",
                          ext="csv")
    assert re.fullmatch(r"[a-z0-9_.-]+", name), name


# --- figures made ready for files (no browser) ---------------------------------------------------

def test_print_figure_carries_title_source_unit_period_and_demo(trend_fig):
    before = trend_fig.to_dict()
    d = figures.prepare(trend_fig, "print", place="Skien")
    assert trend_fig.to_dict() == before                      # the page's figure is untouched
    lay = d["layout"]
    assert lay["title"]["text"].startswith("Unge utenfor (NEET)")
    assert "Skien" in lay["title"]["subtitle"]["text"]
    footer = next(a for a in lay["annotations"] if a.get("name") == "innenfor-footer")["text"]
    plain = " ".join(re.sub(r"<[^>]+>", " ", footer).split())
    assert "Kilde: SSB, tabell 13563" in plain and "Bearbeidet av Innenfor." in plain
    assert "Enhet: prosent" in plain and "Periode: 2015–2024" in plain
    assert "Område: Skien" in plain and "Utvalg: 15–29 år" in plain
    assert "Demodata" in plain
    assert lay["width"] == figures.PRINT.widths["*"] and lay["height"] > 520
    assert lay["separators"] == fmt.PLOTLY_SEPARATORS          # decimal comma survives


def test_slide_figure_has_big_type_and_no_title(trend_fig):
    d = figures.prepare(trend_fig, "slide")
    lay = d["layout"]
    assert lay["title"]["text"] == ""
    assert lay["font"]["size"] >= 24
    assert lay["yaxis"]["tickfont"]["size"] >= 22
    assert not any(a.get("name") == "innenfor-footer" for a in lay.get("annotations", []))


def test_chromium_missing_gives_norwegian_install_hint(trend_fig, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert not exports.images_available()
    with pytest.raises(exports.ChromiumMissing) as e:
        images.render(trend_fig, "png")
    assert "apt-get install -y chromium" in str(e.value)
    assert "Chromium" in str(e.value) and "Excel" in str(e.value)


# --- images (browser) ----------------------------------------------------------------------------

def test_png_is_twice_the_size_and_not_blank(trend_fig, kaleido_browser):
    d = figures.prepare(trend_fig)
    png = images.render(trend_fig, "png")
    assert _png_size(png) == (2 * d["layout"]["width"], 2 * d["layout"]["height"])
    assert 0.03 < _ink_share(png) < 0.6


def test_svg_has_title_and_source(trend_fig, kaleido_browser):
    svg = images.render(trend_fig, "svg").decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    assert "Unge utenfor (NEET), 15–29 år, 2015–2024" in svg
    assert "12\u00a0%" in svg or "12&nbsp;%" in svg             # Norwegian ticks
    flat = svg.replace("&nbsp;", " ").replace("\u00a0", " ")
    assert "Kilde: SSB, tabell 13563" in flat and "Bearbeidet av Innenfor." in flat
    assert "DEMODATA" in svg


def test_pdf_has_one_page_with_title(trend_fig, kaleido_browser):
    pages = pdf_pages(images.render(trend_fig, "pdf"))
    assert len(pages) == 1
    text = pages[0]
    flat = " ".join(text.replace("\u00a0", " ").split())
    assert "Unge utenfor (NEET), 15–29 år, 2015–2024" in text
    assert "Kilde: SSB, tabell 13563" in flat and "Demodata" in flat
    assert "Bearbeidet av Innenfor." in flat


def test_kept_tab_carries_nothing_over(trend_fig, con, kaleido_browser):
    """The server reuses a tab without reloading it: a figure renders the same before and
    after other figures (a map, a PDF) were drawn in that tab."""
    first = images.render(trend_fig, "png")
    images.render(telemark_map(con), "png")
    images.render(trend_fig, "pdf")
    assert images.render(trend_fig, "png") == first


def test_map_png_offline_with_url_geometry(con, kaleido_browser):
    """A map built for the browser (geometry by URL under static/) renders from disk."""
    ind = indicators.get("neet")
    area, county_filter = maps.map_area(TELEMARK)
    table = queries.table(con, "neet", "kommune", period="2024", county=TELEMARK)
    frame = views.map_frame(table, maps.features(area, county_filter), ind)
    url = assets.geometry_url(area, "/app/static/")
    assert url is not None, f"ui.assets kunne ikke skrive {assets.GEO_DIR}/{area}.json"
    written = assets.geometry_file(area)
    assert re.fullmatch(rf"/app/static/geo/{re.escape(written.name)}"
                        rf"\?v={int(written.stat().st_mtime)}", url), url
    geo = written.read_text(encoding="utf-8")
    assert written.parent == assets.GEO_DIR and geo.startswith('{"type":"FeatureCollection"')
    assert f'"id":"{SKIEN}"' in geo
    fig = maps.choropleth(frame, maps.geometry(area, county_filter), ind=ind, period="2024",
                            area_name="Telemark", breaks=[9.5, 10.5, 11, 12], selected=SKIEN,
                            demo=True, geojson_url=url)
    d = figures.prepare(fig)
    assert d["data"][0]["geojson"] == written.resolve().as_uri()    # the file ui.assets wrote
    png = images.render(fig, "png")
    assert _ink_share(png) > 0.1                               # polygons drawn, not just text


def test_unknown_geometry_url_is_a_clear_error(con):
    ind = indicators.get("neet")
    frame = pd.DataFrame([{"region_code": SKIEN, "region_name": "Skien", "value": 10.0,
                           "numerator": 10, "denominator": 100, "status": "ok"}])
    area, cf = maps.map_area(TELEMARK)
    fig = maps.choropleth(frame, maps.geometry(area, cf), ind=ind, period="2024",
                            area_name="Telemark", breaks=[9.0], demo=True,
                            geojson_url="https://example.org/kart.json")
    with pytest.raises(ValueError, match="geojson_url"):
        figures.prepare(fig)


def test_image_download_api(trend_fig, kaleido_browser):
    dl = exports.image(trend_fig, "png")
    assert dl.mime == "image/png" and dl.name.endswith(".png") and dl.name.startswith("innenfor_")
    assert re.fullmatch(r"[a-z0-9_.-]+", dl.name)


# --- Excel and CSV -------------------------------------------------------------------------------

def _frame(rows):
    base = {"level": "kommune", "numerator": None, "denominator": None, "note": None,
            "computed": False}
    return pd.DataFrame([{**base, **r} for r in rows])


@pytest.fixture()
def hostile_share():
    """A share table with suppressed/missing values and names and notes that look like formulas."""
    return tables.DataTable(
        ind=indicators.get("neet"), title="=Tittel som ser ut som en formel",
        frame=_frame([
            {"region_code": SKIEN, "region_name": "Skien", "period": "2022", "value": 11.6689,
             "numerator": 1093.0, "denominator": 9367.0, "status": "ok"},
            {"region_code": "9998", "region_name": '=HYPERLINK("http://x","klikk")', "period": "2022",
             "value": None, "numerator": None, "denominator": 40.0, "status": "suppressed",
             "note": "+under 5 personer"},
            {"region_code": "9999", "region_name": "@SUM(A1:A9)", "period": "2022", "value": None,
             "status": "missing", "note": "-ikke levert"},
            {"region_code": "9997", "region_name": "\tTab", "period": "2021", "value": 12345.04,
             "numerator": 12345.0, "denominator": 100000.0, "status": "provisional",
             "note": "\rCR"},
        ]),
        sources=pd.DataFrame([{"source_id": 1, "file_name": "=fil.csv", "format": "SSB CSV",
                               "loaded_at": datetime(2026, 11, 20, 9, 30), "is_demo": True,
                               "first_period": "2015", "last_period": "2022", "rows": 4}]),
        demo=True)


@pytest.fixture()
def monthly_counts():
    return tables.DataTable(
        ind=indicators.get("arbeidssokere"),
        frame=_frame([
            {"region_code": SKIEN, "region_name": "Skien", "period": "2021-05", "value": 1234.0,
             "status": "ok"},
            {"region_code": SKIEN, "region_name": "Skien", "period": "2021-06", "value": None,
             "status": "suppressed"},
        ]))


def _xlsx(data: bytes):
    import openpyxl
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_numbers_formats_statuses_and_injection(hostile_share, monthly_counts):
    wb = _xlsx(excel.xlsx([hostile_share, monthly_counts], title=hostile_share.title))
    assert wb.sheetnames == ["Data", "Om tallene"]
    ws = wb["Data"]
    head = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(head)}
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == 6
    skien = rows[0]
    v = skien[col["Verdi"]]
    assert v.data_type == "n" and v.value == 11.7 and v.number_format == "0.0"
    assert skien[col["Antall (teller)"]].value == 1093
    assert skien[col["Antall (teller)"]].number_format == "#,##0"
    assert skien[col["Av i alt (nevner)"]].number_format == "#,##0"
    assert skien[col["95 % intervall, nedre"]].number_format == "0.0"
    lo, hi = skien[col["95 % intervall, nedre"]].value, skien[col["95 % intervall, øvre"]].value
    assert lo < 11.7 < hi
    assert skien[col["Periode"]].value == 2022 and skien[col["Enhet"]].value == "prosent"
    assert skien[col["Status"]].value == "publisert"
    # Suppressed and missing: empty value, status in words, formula-looking text neutralised.
    sup, mis, tab = rows[1], rows[2], rows[3]
    assert sup[col["Verdi"]].value is None and sup[col["Status"]].value == "skjermet"
    assert mis[col["Verdi"]].value is None and mis[col["Status"]].value == "mangler"
    assert sup[col["Område"]].value == "'" + '=HYPERLINK("http://x","klikk")'
    assert sup[col["Merknad"]].value == "'+under 5 personer"
    assert mis[col["Område"]].value == "'@SUM(A1:A9)" and mis[col["Merknad"]].value == "'-ikke levert"
    # (openpyxl leaves XlsxWriter's escape for CR as it is stored: _x000D_)
    assert tab[col["Område"]].value == "'\tTab"
    assert tab[col["Merknad"]].value.replace("_x000D_", "\r") == "'\rCR"
    assert tab[col["Status"]].value == "foreløpig" and tab[col["Verdi"]].value == 12345.0
    # Counts: whole numbers with a thousands format; months as dates shown in Norwegian.
    month = rows[4]
    assert month[col["Verdi"]].value == 1234 and month[col["Verdi"]].number_format == "#,##0"
    assert month[col["Periode"]].value == datetime(2021, 5, 1)
    assert month[col["Periode"]].number_format == excel.FORMAT_MONTH
    assert rows[5][col["Verdi"]].value is None and rows[5][col["Status"]].value == "skjermet"
    for sheet in wb.worksheets:                                  # nothing can run
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f", (sheet.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert not safe.needs_neutralising(c.value), (sheet.title, c.coordinate, c.value)
    about = "\n".join(str(c.value) for row in wb["Om tallene"].iter_rows() for c in row if c.value)
    assert indicators.get("neet").definition in about
    assert "'=fil.csv" in about and "lastet inn 20.11.2026" in about
    for word in ("skjermet", "mangler", "foreløpig", "brudd i serien", "DEMODATA"):
        assert word in about


def test_xlsx_from_the_store_real_suppression(con):
    df = queries.series(con, "ufore", ["4034", TELEMARK, views.NORWAY])
    t = tables.from_store(con, "ufore", df, title="Uføre under 30 i Nissedal")
    wb = _xlsx(exports.table_xlsx(t).data)
    ws = wb["Data"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, (c.value for c in r))) for r in ws.iter_rows(min_row=2)]
    nissedal = [r for r in rows if r["Kode"] == "4034"]
    hidden = [r for r in nissedal if r["Status"] == "skjermet"]
    assert hidden and all(r["Verdi"] is None for r in hidden)
    shown = [r for r in rows if r["Status"] == "publisert"]
    assert shown and all(isinstance(r["Verdi"], (int, float)) for r in shown)
    about = "\n".join(str(c.value) for row in wb["Om tallene"].iter_rows() for c in row if c.value)
    assert "nav_ufore_18-29_kommuner_DEMO.csv" in about and "DEMODATA" in about


def test_csv_norwegian_variant(hostile_share, monthly_counts):
    data = csvfile.csv_no([hostile_share, monthly_counts])
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    head = rows[0]
    col = {h: i for i, h in enumerate(head)}
    assert head[col["Verdi"]] == "Verdi" and len(head) == len(tables.COLUMNS)
    assert rows[1][col["Verdi"]] == "11,7" and rows[1][col["Antall (teller)"]] == "1093"
    assert rows[1][col["95 % intervall, nedre"]].count(",") == 1
    assert rows[2][col["Verdi"]] == "" and rows[2][col["Status"]] == "skjermet"
    assert rows[2][col["Område"]].startswith("'=") and rows[2][col["Merknad"]] == "'+under 5 personer"
    assert rows[3][col["Område"]] == "'@SUM(A1:A9)" and rows[3][col["Status"]] == "mangler"
    assert rows[4][col["Område"]] == "'\tTab"
    assert rows[5][col["Verdi"]] == "1234" and rows[5][col["Periode"]] == "2021-05"
    assert "\u00a0" not in rows[1][col["Av i alt (nevner)"]]      # no thousands separator


def test_csv_plain_variant(hostile_share):
    data = csvfile.csv_plain(hostile_share)
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8")), delimiter=","))
    col = {h: i for i, h in enumerate(rows[0])}
    assert rows[1][col["Verdi"]] == "11.7"
    assert rows[2][col["Område"]].startswith("'=")


def test_csv_numbers_are_never_prefixed():
    assert csvfile._number(-1.5, ",") == "-1,5" and csvfile._number(-3, ",") == "-3"
    assert csvfile._number(None, ",") == ""


def test_table_downloads_have_names_and_mime(hostile_share):
    x, c, p = (exports.table_xlsx(hostile_share), exports.table_csv(hostile_share),
               exports.table_csv(hostile_share, plain=True))
    assert x.name.endswith(".xlsx") and c.name.endswith(".csv") and p.name.endswith("_plain.csv")
    assert all(re.fullmatch(r"[a-z0-9_.-]+", d.name) for d in (x, c, p))
    assert c.mime.startswith("text/csv")


# --- the municipality report, the deck and the zip -------------------------------------------------

def test_report_has_every_family_and_a_map(report):
    assert report.name == "Skien" and report.county_name == "Telemark"
    assert [c.family for c in report.charts] == ["NEET", "Kart", "Uføre", "OT", "NAV"]
    assert not report.missing and report.demo
    neet = report.charts[0]
    assert neet.sentence.startswith("Andelen unge 15–29 år utenfor arbeid og utdanning i Skien var ")
    assert "," in neet.sentence.split(" var ")[1][:6]                  # decimal comma
    assert neet.stem == "innenfor_skien_neet_2015-2024"


def test_report_without_data(con):
    rep = kommune.collect(con, "0301", made=MADE)                      # Oslo: no demo data
    assert rep.charts == [] and len(rep.missing) == 4
    prs = _pptx(deck.build(rep))                                       # no images to render
    assert len(prs.slides) == 2                      # title and closing: no empty family slides
    assert "Uten tall for Oslo i datalageret" in _slide_text(prs.slides[0])


def test_unknown_municipality(con):
    with pytest.raises(kommune.UnknownMunicipality):
        kommune.collect(con, "9999")


def _pptx(data: bytes):
    from pptx import Presentation
    return Presentation(io.BytesIO(data))


def _slide_text(slide) -> str:
    return "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)


def test_deck_slides_texts_and_sizes(report, zipped):
    _name, z = zipped
    pptx_name = next(n for n in z.namelist() if n.endswith(".pptx"))
    assert pptx_name == "innenfor_skien_presentasjon_2026-11-22.pptx"
    prs = _pptx(z.read(pptx_name))
    from pptx.util import Pt
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    slides = list(prs.slides)
    assert len(slides) == 1 + len(report.charts) + 1 == 7
    texts = [_slide_text(s) for s in slides]
    first = texts[0]
    assert "Skien" in first and "Telemark" in first and "22. november 2026" in first
    assert "Kilder: SSB, tabell 13563" in first and "DEMODATA" in first
    pictures = []
    for s, t, c in zip(slides[1:-1], texts[1:-1], report.charts):
        assert c.title in t and c.sentence in t
        assert fmt.source_line(c.ind) in t and "DEMODATA" in t
        pics = [sh for sh in s.shapes if sh.shape_type == 13]
        assert len(pics) == 1
        alt = pics[0]._element.nvPicPr.cNvPr.get("descr")
        assert alt and c.ind.short in alt
        pictures.append(pics[0])
        assert s.has_notes_slide and c.ind.definition in s.notes_slide.notes_text_frame.text
    assert len(pictures) >= 5
    for p in pictures:                                        # sharp enough to project
        assert _png_size(p.image.blob)[0] >= 1600
        assert p.left + p.width <= prs.slide_width and p.top + p.height <= prs.slide_height
    last = texts[-1]
    assert "Definisjoner og kilder" in last
    for ind in report.indicators:
        assert ind.definition in last
    for s in slides:                                          # ≥ 18 pt everywhere, set explicitly
        for sh in s.shapes:
            if not sh.has_text_frame:
                continue
            for para in sh.text_frame.paragraphs:
                for run in para.runs:
                    assert run.font.size is not None and run.font.size >= Pt(18), run.text
            assert sh.left >= 0 and sh.top >= 0
            assert sh.left + sh.width <= prs.slide_width and sh.top + sh.height <= prs.slide_height


def test_saksvedlegg_zip_contents(report, zipped):
    name, z = zipped
    assert name == "innenfor_skien_saksvedlegg_2026-11-22.zip"
    names = z.namelist()
    assert names[0] == bundle.README_NAME
    assert "innenfor_skien_tall_2026-11-22.xlsx" in names
    pngs = sorted(n for n in names if n.endswith(".png"))
    assert pngs == sorted(["innenfor_skien_neet_2015-2024.png",
                           "innenfor_skien_kart_neet_telemark_2024.png",
                           "innenfor_skien_ufore_2015-2025.png",
                           "innenfor_skien_ot-tilmeldt_2015-2025.png",
                           "innenfor_skien_arbeidssokere_2015-2025.png"])
    for n in names:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+", n), n
    for n in pngs:
        b = z.read(n)
        w, _h = _png_size(b)
        assert w >= 1500 and 0.03 < _ink_share(b) < 0.7
    readme = z.read(bundle.README_NAME).decode("utf-8-sig")
    assert "DEMODATA" in readme and "Skien" in readme
    for n in names[1:]:
        assert n in readme
    for c in report.charts:
        assert c.ind.definition in readme
        for s in tables.source_rows(c.table):
            assert s["file_name"] in readme
    wb = _xlsx(z.read("innenfor_skien_tall_2026-11-22.xlsx"))
    inds = {r[0].value for r in wb["Data"].iter_rows(min_row=2)}
    assert inds == {c.ind.short for c in report.charts}


# --- every table row says where it is from, what it means and whether it is demo -----------

OLD_HEADERS = ["Indikator", "Kode", "Område", "Nivå", "Periode", "Utvalg", "Verdi", "Enhet",
               "Antall (teller)", "Av i alt (nevner)", "95 % intervall, nedre",
               "95 % intervall, øvre", "Status", "Merknad"]
TRAILING = ["Kilde", "Definisjon", "Demodata"]


def _source_text(ind) -> str:
    return fmt.source_line(ind).removeprefix("Kilde: ")


def _expected_tail(t) -> list[str]:
    return [_source_text(t.ind), t.ind.definition, "ja" if t.demo else "nei"]


def test_table_files_carry_source_definition_and_demo_on_every_row(hostile_share,
                                                                    monthly_counts):
    ts = [hostile_share, monthly_counts]
    expected = [_expected_tail(t) for t in ts for _ in range(len(t.frame))]
    assert expected[0][0].startswith("SSB, tabell 13563")
    assert expected[0][0].endswith("Bearbeidet av Innenfor.")
    assert expected[0][1:] == [indicators.get("neet").definition, "ja"]
    assert expected[-1][2] == "nei"
    # Excel, sheet Data
    ws = _xlsx(excel.xlsx(ts))["Data"]
    head = [c.value for c in ws[1]]
    assert head == OLD_HEADERS + TRAILING
    got = [[c.value for c in r[len(OLD_HEADERS):]] for r in ws.iter_rows(min_row=2)]
    assert got == expected
    # Both CSVs
    for data, delim, enc, value in ((csvfile.csv_no(ts), ";", "utf-8-sig", "11,7"),
                                    (csvfile.csv_plain(ts), ",", "utf-8", "11.7")):
        rows = list(csv.reader(io.StringIO(data.decode(enc)), delimiter=delim))
        assert rows[0] == OLD_HEADERS + TRAILING
        assert [r[len(OLD_HEADERS):] for r in rows[1:]] == expected
        assert rows[1][rows[0].index("Verdi")] == value       # old columns in place, each format's decimal


def test_source_and_definition_cells_are_neutralised(hostile_share):
    from dataclasses import replace
    t = replace(hostile_share, ind=replace(hostile_share.ind, source_words="+47 SSB",
                                           definition_words="=HYPERLINK(\"http://x\")"))
    ws = _xlsx(excel.xlsx(t))["Data"]
    head = [c.value for c in ws[1]]
    for r in ws.iter_rows(min_row=2):
        assert r[head.index("Kilde")].value == "'+47 SSB. Bearbeidet av Innenfor."
        assert r[head.index("Definisjon")].value == "'=HYPERLINK(\"http://x\")"
        assert all(c.data_type != "f" for c in r)
    rows = list(csv.reader(io.StringIO(csvfile.csv_no(t).decode("utf-8-sig")), delimiter=";"))
    for r in rows[1:]:
        assert r[rows[0].index("Kilde")].startswith("'+")
        assert r[rows[0].index("Definisjon")].startswith("'=")


def test_table_from_the_store_says_demodata(con):
    df = queries.series(con, "neet", [SKIEN, TELEMARK, views.NORWAY])
    t = tables.from_store(con, "neet", df)
    assert t.demo
    rows = list(csv.reader(io.StringIO(exports.table_csv(t, plain=True).data.decode("utf-8"))))
    col = {h: i for i, h in enumerate(rows[0])}
    assert len(rows) > 1 and all(r[col["Demodata"]] == "ja" for r in rows[1:])
    assert all(r[col["Kilde"]] == _source_text(t.ind) for r in rows[1:])


# --- «beregnet» for numbers Innenfor computed --------------------------------------------------

def test_status_beregnet_for_sums_and_moving_averages():
    ind = indicators.get("neet")
    t = tables.DataTable(ind=ind, frame=_frame([
        {"region_code": SKIEN, "region_name": "Skien", "period": "2022", "value": 11.7,
         "numerator": 1093.0, "denominator": 9367.0, "status": "ok"},
        {"region_code": TELEMARK, "region_name": "Telemark", "level": "fylke", "period": "2022",
         "value": 10.0, "numerator": 100.0, "denominator": 1000.0, "status": "ok",
         "note": "summert over 17 kommuner", "computed": True},
        {"region_code": "38", "region_name": "Vestfold og Telemark", "level": "fylke",
         "period": "2022", "value": 10.0, "numerator": 100.0, "denominator": 1000.0,
         "status": "ok", "computed": True},                       # no note: the flag decides
        {"region_code": views.NORWAY, "region_name": "Norge", "level": "land", "period": "2022",
         "value": None, "status": "suppressed", "computed": True,
         "note": "skjermet fordi minst én kommune er skjermet"},
        {"region_code": "42", "region_name": "Agder", "level": "fylke", "period": "2022",
         "value": 9.0, "numerator": 90.0, "denominator": 1000.0, "status": "provisional",
         "computed": True},
        {"region_code": "46", "region_name": "Vestland", "level": "fylke", "period": "2022",
         "value": None, "status": "missing", "computed": True},
        # Stored sums: a merged municipality before the merger, a total over the categories
        # (the store's `computed` column says so; the note only explains).
        {"region_code": "3905", "region_name": "Tønsberg", "period": "2019", "value": 9.0,
         "numerator": 90.0, "denominator": 1000.0, "status": "ok",
         "note": "summert fra 0704, 0716", "computed": True},
        {"region_code": SKIEN, "region_name": "Skien", "period": "2021", "value": 9.0,
         "numerator": 90.0, "denominator": 1000.0, "status": "ok",
         "note": "summert over kategoriene", "computed": True},
        {"region_code": SKIEN, "region_name": "Skien", "period": "2020", "value": 9.0,
         "numerator": 90.0, "denominator": 1000.0, "status": "break",
         "note": "summert fra 0805, 0806", "computed": True},
    ]))
    assert [r["status"] for r in tables.rows(t)] == \
        ["publisert", "beregnet", "beregnet", "skjermet", "foreløpig", "mangler",
         "beregnet", "beregnet", "brudd i serien"]

    # The 12-month moving average (views.moving_average marks it computed).
    counts = indicators.get("arbeidssokere")
    months = [f"{y}-{m:02d}" for y in (2021, 2022) for m in range(1, 13)]
    monthly = _frame([{"region_code": SKIEN, "region_name": "Skien", "period": p,
                       "value": 100.0 + i, "status": "ok"} for i, p in enumerate(months)])
    ma = views.moving_average(monthly, 12)
    statuses = [r["status"] for r in tables.rows(tables.DataTable(ind=counts, frame=ma))]
    assert statuses == ["mangler"] * 11 + ["beregnet"] * 13
    flagged = tables.DataTable(ind=counts, frame=monthly, computed=True)
    assert {r["status"] for r in tables.rows(flagged)} == {"beregnet"}


def test_beregnet_in_the_files_and_explained(con):
    df = queries.series(con, "neet", [SKIEN, TELEMARK, views.NORWAY])
    assert set(df.loc[df["computed"].astype(bool), "region_code"]) == {TELEMARK}
    t = tables.from_store(con, "neet", df)
    wb = _xlsx(exports.table_xlsx(t).data)
    ws = wb["Data"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, (c.value for c in r))) for r in ws.iter_rows(min_row=2)]
    assert {r["Status"] for r in rows if r["Kode"] == TELEMARK} == {"beregnet"}
    assert {r["Status"] for r in rows if r["Kode"] in (SKIEN, views.NORWAY)} == {"publisert"}
    csv_rows = list(csv.DictReader(io.StringIO(exports.table_csv(t).data.decode("utf-8-sig")),
                                   delimiter=";"))
    assert {r["Status"] for r in csv_rows if r["Kode"] == TELEMARK} == {"beregnet"}
    # «Om tallene» explains both words
    about = {r[0].value: r[1].value for r in wb["Om tallene"].iter_rows() if r[0].value}
    assert "beregnet" in about and "publisert" in about
    assert "Innenfor" in about["beregnet"] and "summert" in about["beregnet"]
    assert "glidende gjennomsnitt" in about["beregnet"]
    assert "summert" not in about["publisert"]
    assert dict(tables.status_legend())["beregnet"] == about["beregnet"]


def test_readme_legend_has_beregnet(report):
    text = bundle.readme(report, [])
    assert "- beregnet: " in text and "- publisert: " in text


# --- the definition on printed images ------------------------------------------------------------

def _footer(d: dict) -> dict:
    return next(a for a in d["layout"]["annotations"] if a.get("name") == "innenfor-footer")


def _plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html.replace("<br>", " ")).split())


@pytest.fixture(scope="module")
def map_fig(con):
    return telemark_map(con)


@pytest.mark.parametrize("which", ["trend", "map"])
def test_print_footer_has_the_definition_without_overlap(which, trend_fig, map_fig):
    fig = trend_fig if which == "trend" else map_fig
    definition = charts.meta(fig)["definition"]
    assert definition == indicators.get("neet").definition
    d = figures.prepare(fig, "print")
    lay = d["layout"]
    foot = _footer(d)
    assert "Definisjon: " + definition in _plain(foot["text"])
    lines = foot["text"].split("<br>")
    # Wrapped: no line wider than the image (at the wrap's own width estimate).
    width = lay["width"] - 2 * figures.EDGE - 8
    per_line = int(width / (figures.PRINT.footer_size * 0.56))
    assert all(len(re.sub(r"<[^>]+>", "", ln)) <= per_line for ln in lines)
    assert len(lines) >= 5
    # The band under the chart holds every footer line: the plot (or the map) starts above it.
    paper_h = lay["height"] - lay["margin"]["t"] - lay["margin"]["b"]
    bottom = lay["geo"]["domain"]["y"][0] if which == "map" else lay["yaxis"]["domain"][0]
    assert bottom * paper_h >= len(lines) * figures.PRINT.footer_size * 1.45
    assert foot["y"] == 0 and foot["yanchor"] == "bottom"


def test_slide_style_has_no_definition_but_the_deck_does(trend_fig, report):
    d = figures.prepare(trend_fig, "slide")
    texts = " ".join(str(a.get("text", "")) for a in d["layout"].get("annotations", []))
    assert "Definisjon" not in texts and indicators.get("neet").definition not in texts
    prs = _pptx(deck.build(report, [_tiny_png()] * len(report.charts)))
    last = _slide_text(prs.slides[-1])
    assert "Definisjoner og kilder" in last
    for ind in report.indicators:
        assert ind.definition in last


def _svg_text(svg: str) -> str:
    """The visible text of an SVG, one space between text pieces (lines of a wrapped footer)."""
    import html
    pieces = re.findall(r">([^<>]+)<", svg)
    return " ".join(html.unescape(" ".join(pieces)).replace("\u00a0", " ").split())


def _pdf_text(b: bytes) -> str:
    """The one page's text, lines joined by spaces, ligatures (ﬁ) as letters."""
    import unicodedata
    (page,) = pdf_pages(b)
    return " ".join(unicodedata.normalize("NFKC", page).split())


def test_svg_and_pdf_carry_the_definition(trend_fig, kaleido_browser):
    definition = indicators.get("neet").definition
    svg = _svg_text(images.render(trend_fig, "svg").decode("utf-8"))
    assert "Definisjon: " + definition in svg
    pdf = _pdf_text(images.render(trend_fig, "pdf"))
    assert "Definisjon: " + definition in pdf


# --- proper nouns keep their case in the deck ------------------------------------------------

def _tiny_png() -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (1640, 890), "white").save(buf, "PNG")
    return buf.getvalue()


LOWERED_NAMES = re.compile(r"\b(nav|ssb|udir|vigo|ot)\b")


def test_deck_keeps_names_in_capitals(con, report):
    oslo = kommune.collect(con, "0301", made=MADE)                  # every family missing
    prs = _pptx(deck.build(oslo))
    last = _slide_text(prs.slides[-1])
    assert "Uten tall: " in last and "arbeidssøkere hos NAV" in last
    assert "unge utenfor arbeid, utdanning og opplæring" in last    # ordinary words lowered
    for p in (prs, _pptx(deck.build(report, [_tiny_png()] * len(report.charts)))):
        for s in p.slides:
            text = _slide_text(s) + "\n" + s.notes_slide.notes_text_frame.text
            assert not LOWERED_NAMES.search(text), LOWERED_NAMES.search(text)


def test_lower_first_leaves_abbreviations():
    assert fmt.lower_first("Arbeidssøkere hos NAV") == "arbeidssøkere hos NAV"
    assert fmt.lower_first("OT-tilmeldte") == "OT-tilmeldte"
    assert fmt.lower_first("Prosent") == "prosent"
    assert fmt.upper_first("mai 2024") == "Mai 2024"


# --- the place on an image whose title does not name it ---------------------------------------

@pytest.fixture(scope="module")
def skien_trend(con):
    ind = indicators.get("neet")
    df = queries.series(con, "neet", [SKIEN])
    return charts.trend(df, ind=ind, lines=[(SKIEN, "kommune")], demo=True)


def test_place_added_only_when_the_title_lacks_it(skien_trend):
    title = skien_trend.layout.title.text
    assert "Skien" not in title
    d = figures.prepare(skien_trend, "print", place="Skien")
    assert d["layout"]["title"]["subtitle"]["text"].startswith("Skien.")
    assert "Område: Skien." in _plain(_footer(d)["text"])
    named = figures.prepare(skien_trend, "print", place="Skien", title="NEET i Skien, 2015–2024")
    assert "Skien." not in str(named["layout"]["title"]["subtitle"].get("text") or "")
    assert "Område:" not in _plain(_footer(named)["text"])
    plain = figures.prepare(skien_trend, "print")
    assert "Område:" not in _plain(_footer(plain)["text"])


def test_place_on_png_svg_and_pdf(skien_trend, kaleido_browser):
    svg_dl = exports.image(skien_trend, "svg", place="Skien")
    assert svg_dl.name.endswith(".svg") and "skien" in svg_dl.name
    svg = _svg_text(svg_dl.data.decode("utf-8"))
    assert "Område: Skien." in svg and "Skien." in svg.split("Kilde:")[0]   # subtitle and footer
    pdf = _pdf_text(exports.image(skien_trend, "pdf", place="Skien").data)
    assert "Område: Skien." in pdf
    png = exports.image(skien_trend, "png", place="Skien").data
    d = figures.prepare(skien_trend, "print", place="Skien")
    assert _png_size(png) == (2 * d["layout"]["width"], 2 * d["layout"]["height"])
    assert png != exports.image(skien_trend, "png").data
    without = _svg_text(exports.image(skien_trend, "svg").data.decode("utf-8"))
    assert "Område:" not in without
