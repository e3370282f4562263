"""Every export in the chosen language: the deck, the Excel workbooks, the CSV, the zip's read-me,
the image footer and the messages. Nynorsk is real nynorsk (no bokmål-only words), English has
English words, dates and number formats, and bokmål stays exactly as before.

The deck is built from ready-made slide images, so these tests need no browser."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pandas as pd
import pytest

from exports import bundle, csvfile, deck, excel, figures, images, kommune, mission, tables
from loaders import store
from vocab import i18n, indicators

MADE = date(2026, 11, 22)
SKIEN = "4003"

# Words that are bokmål only: none of them may stand in a nynorsk export.
BOKMAL_ONLY = ("ikke", "hvis", "hvor", "hva", "noen", "mye", "bare", "tall", "tallene", "kilde",
               "kilden", "foreløpig", "utenfor", "hele", "fra", "uten")
OLD_HEADERS = ["Indikator", "Kode", "Område", "Nivå", "Periode", "Utvalg", "Verdi", "Enhet",
               "Antall (teller)", "Av i alt (nevner)", "95 % intervall, nedre",
               "95 % intervall, øvre", "Status", "Merknad", "Kilde", "Definisjon", "Demodata"]


def bokmal_words(text: str) -> list[str]:
    return sorted({w for w in re.findall(r"[a-zæøå]+", text.lower()) if w in BOKMAL_ONLY})


@pytest.fixture(scope="module")
def con(demo_db):
    with store.reader(demo_db) as c:
        yield c


def _report(con, lang: str, code: str = SKIEN):
    with i18n.use(lang):
        return kommune.collect(con, code, made=MADE)


def _tiny_png() -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (1640, 890), "white").save(buf, "PNG")
    return buf.getvalue()


def _deck(rep, lang: str):
    from pptx import Presentation
    with i18n.use(lang):
        data = deck.build(rep, [_tiny_png()] * len(rep.charts))
    return Presentation(io.BytesIO(data))


def _slide_texts(prs) -> list[str]:
    return ["\n".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame)
            + "\n" + s.notes_slide.notes_text_frame.text for s in prs.slides]


def _table():
    frame = pd.DataFrame([
        {"region_code": SKIEN, "region_name": "Skien", "level": "kommune", "period": "2022",
         "value": 11.6689, "numerator": 1093.0, "denominator": 9367.0, "status": "ok",
         "note": None, "computed": False},
        {"region_code": "4034", "region_name": "Nissedal", "level": "kommune", "period": "2022",
         "value": None, "numerator": None, "denominator": 40.0, "status": "suppressed",
         "note": None, "computed": False}])
    sources = pd.DataFrame([{"source_id": 1, "file_name": "neet.csv", "format": "SSB CSV",
                             "loaded_at": datetime(2026, 11, 20, 9, 30), "is_demo": True,
                             "first_period": "2015", "last_period": "2022", "rows": 2}])
    return tables.DataTable(ind=indicators.get("neet"), frame=frame, title="NEET i Skien",
                            sources=sources, demo=True)


def _monthly():
    frame = pd.DataFrame([{"region_code": SKIEN, "region_name": "Skien", "level": "kommune",
                           "period": "2021-05", "value": 1234.0, "numerator": None,
                           "denominator": None, "status": "ok", "note": None, "computed": False}])
    return tables.DataTable(ind=indicators.get("arbeidssokere"), frame=frame)


def _workbook(data: bytes):
    import openpyxl
    return openpyxl.load_workbook(io.BytesIO(data))


def _sheet_text(ws) -> str:
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


# --- the deck ---------------------------------------------------------------------------------

def test_deck_in_nynorsk(con):
    rep = _report(con, "nn")
    prs = _deck(rep, "nn")
    texts = _slide_texts(prs)
    first, last = texts[0], texts[-1]
    assert "Unge utanfor arbeid og utdanning: Skien" in first
    assert "Nøkkeltal frå Innenfor: " in first and "Kjelder: " in first
    assert "22. november 2026" in first and "DEMODATA: " in first
    assert "Definisjonar og kjelder" in last
    assert "Laga med Innenfor 22. november 2026. Tala kan bli endra når kjeldene blir oppdaterte." in last
    assert "Kjelde: " in last
    for t in texts[1:-1]:
        assert "Utval: " in t and "Periode: " in t and "DEMODATA" in t
    if any(c.target for c in rep.charts):
        assert any("Mål og tiltak: " in t and "Vedteke av " in t for t in texts)
    for i, t in enumerate(texts):
        assert not bokmal_words(t), (i, bokmal_words(t), t)
    assert prs.core_properties.language == "nn-NO"


def test_deck_without_data_in_nynorsk(con):
    rep = _report(con, "nn", "0301")                       # Oslo: no demo data
    texts = _slide_texts(_deck(rep, "nn"))
    assert "Utan tal for Oslo i datalageret: " in texts[0]
    assert "Kjelder: ingen tal i datalageret enno." in texts[0]
    assert "Utan tal: " in texts[-1]
    for t in texts:
        assert not bokmal_words(t), (bokmal_words(t), t)


def test_deck_in_english(con):
    rep = _report(con, "en")
    prs = _deck(rep, "en")
    texts = _slide_texts(prs)
    assert "Young people not in employment or education: Skien" in texts[0]
    assert "Skien municipality" in texts[0] and "22 November 2026" in texts[0]
    assert "Key figures from Innenfor: " in texts[0] and "Sources: " in texts[0]
    assert "DEMO DATA" in texts[0]
    assert "Definitions and sources" in texts[-1]
    assert "Made with Innenfor on 22 November 2026." in texts[-1]
    assert "Group: " in texts[1] and "Period: " in texts[1]
    the_map = next(c for c in rep.charts if c.family == "Kart")
    assert the_map.title.split(",")[0].endswith("in the municipalities of Telemark")
    assert "The colour classes are the same for all years." in the_map.facts
    joined = "\n".join(the_map.facts)
    assert "Lowest: " in joined and "Highest: " in joined
    assert re.search(r"\d\.\d%", joined) and not re.search(r"\d,\d", joined)   # 12.3%, not 12,3 %
    assert "Map of " in the_map.alt and "outlined in black" in the_map.alt
    assert prs.core_properties.language == "en-GB"


def test_deck_in_bokmal_is_as_before(con):
    rep = _report(con, "nb")
    texts = _slide_texts(_deck(rep, "nb"))
    assert "Unge utenfor arbeid og utdanning: Skien" in texts[0]
    assert "Skien kommune, Telemark · 22. november 2026" in texts[0]
    assert "Nøkkeltall fra Innenfor: " in texts[0] and "Kilder: " in texts[0]
    assert "Laget med Innenfor 22. november 2026. Tallene kan endres når kildene oppdateres." \
        in texts[-1]
    assert deck.long_date(MADE) == "22. november 2026"


# --- Excel and CSV ----------------------------------------------------------------------------

def test_excel_in_nynorsk():
    with i18n.use("nn"):
        wb = _workbook(excel.xlsx([_table(), _monthly()], made=MADE))
    assert wb.sheetnames == ["Data", "Om tala"]
    head = [c.value for c in wb["Data"][1]]
    assert head[:3] == ["Indikator", "Kode", "Område"]
    assert "Eining" in head and "Antal (teljar)" in head and "Kjelde" in head
    assert "Av i alt (nemnar)" in head
    col = {h: i for i, h in enumerate(head)}
    rows = list(wb["Data"].iter_rows(min_row=2, values_only=True))
    assert rows[0][col["Eining"]] == "prosent" and rows[2][col["Eining"]] == "personar"
    assert rows[0][col["Demodata"]] == "ja" and rows[2][col["Demodata"]] == "nei"
    month = wb["Data"].cell(row=4, column=col["Periode"] + 1)
    assert month.number_format == "[$-814]mmmm yyyy"
    about = _sheet_text(wb["Om tala"])
    assert "Tal frå Innenfor" in about and "22.11.2026 med Innenfor" in about
    assert "Arket «Data»" in about and "Kjeldefil" in about and "lasta inn 20.11.2026" in about
    assert "Statusord og symbol" in about and "Høgare enn samanlikninga" in about
    for sheet in wb.worksheets:
        words = bokmal_words(_sheet_text(sheet))
        assert not words, (sheet.title, words)


def test_excel_and_csv_in_english():
    with i18n.use("en"):
        wb = _workbook(excel.xlsx(_table(), made=MADE))
        plain = csvfile.csv_plain(_table()).decode("utf-8")
    assert wb.sheetnames == ["Data", "About the figures"]
    head = [c.value for c in wb["Data"][1]]
    assert head == ["Indicator", "Code", "Area", "Level", "Period", "Group", "Value", "Unit",
                    "Count (numerator)", "Out of (denominator)", "95% interval, lower",
                    "95% interval, upper", "Status", "Note", "Source", "Definition", "Demo data"]
    row = [c.value for c in wb["Data"][2]]
    assert row[3] == "municipality" and row[7] == "per cent" and row[-1] == "yes"
    about = _sheet_text(wb["About the figures"])
    assert "22 November 2026 with Innenfor" in about and "loaded 20 November 2026" in about
    assert "Status words and symbols" in about and "The figure is published by the source." in about
    rows = list(csv.reader(io.StringIO(plain)))
    assert rows[0][0] == "Indicator" and rows[1][6] == "11.7"


def test_excel_in_bokmal_is_as_before():
    with i18n.use("nn"):
        excel.xlsx(_table())                                  # nothing carries over
    wb = _workbook(excel.xlsx([_table(), _monthly()], made=MADE))
    assert wb.sheetnames == ["Data", "Om tallene"]
    assert [c.value for c in wb["Data"][1]] == OLD_HEADERS
    assert wb["Data"].cell(row=4, column=5).number_format == excel.FORMAT_MONTH
    text = csvfile.csv_no(_table()).decode("utf-8-sig")
    assert text.splitlines()[0] == ";".join(OLD_HEADERS)


def test_mission_workbook_in_nynorsk_and_english(con):
    with i18n.use("nn"):
        nn = _workbook(mission.excel_bytes(con, []))
    with i18n.use("en"):
        en = _workbook(mission.excel_bytes(con, []))
    assert nn.sheetnames == ["Mål", "Banen", "Tiltak", "Føresetnader"]
    assert en.sheetnames[0].startswith("Target") and en.sheetnames[2].startswith("Measure")
    assert en.sheetnames[1::2] == ["Path", "Assumptions"]
    assert "Vedteke av" in [c.value for c in nn["Mål"][1]]
    assert [c.value for c in en.worksheets[2][1]][-2:] == ["Description", "Link"]
    assert "Kostnad per person" in _sheet_text(nn["Føresetnader"])
    assert "Cost per person" in _sheet_text(en["Assumptions"])


# --- the zip's read-me, the image footer and the messages -------------------------------------

def _files(rep):
    return [(rep.file_name("presentasjon_2026-11-22", "pptx"), "presentasjon",
             bundle.demo_note(rep.charts))]


def test_readme_in_each_language(con):
    with i18n.use("nn"):
        rep = kommune.collect(con, SKIEN, made=MADE)
        text, name = bundle.readme(rep, _files(rep)), bundle.readme_name()
    assert name == "LESMEG.txt"
    assert text.startswith("Saksvedlegg frå Innenfor: Skien (Telemark)")
    assert "Laga 22. november 2026." in text and "\r\nTala\r\n--------\r\n" in text
    assert "Statusord og symbol" in text
    assert not bokmal_words(text), bokmal_words(text)
    with i18n.use("en"):
        rep = kommune.collect(con, SKIEN, made=MADE)
        text, name = bundle.readme(rep, _files(rep)), bundle.readme_name()
    assert name == "README.txt"
    assert text.startswith("Case attachment from Innenfor: Skien (Telemark)")
    assert "Created 22 November 2026." in text and "\r\nFiles\r\n-----\r\n" in text
    assert "  Indicator: " not in text                      # left out as in bokmål
    rep = kommune.collect(con, SKIEN, made=MADE)
    assert bundle.readme_name() == bundle.README_NAME == "LESMEG.txt"
    assert "\r\nTallene\r\n--------\r\n" in bundle.readme(rep, _files(rep))


def test_print_footer_in_nynorsk(con):
    rep = _report(con, "nn")
    with i18n.use("nn"):
        d = figures.prepare(rep.charts[0].figure, "print", place="Skien")
    foot = next(a for a in d["layout"]["annotations"] if a.get("name") == "innenfor-footer")
    text = re.sub(r"<[^>]+>", " ", foot["text"]).replace("\u00a0", " ")
    assert "Definisjon: " in text and "Utval: " in text and "Eining: " in text
    assert "Demodata: oppdikta tal for utprøving, ikkje ekte statistikk." in text
    assert not bokmal_words(text), bokmal_words(text)


def test_messages_in_the_chosen_language(monkeypatch, con):
    monkeypatch.setattr(images, "chromium_path", lambda: None)
    for lang, words in (("nn", "ikkje installert"), ("en", "not installed"),
                        ("nb", "ikke installert")):
        with i18n.use(lang), pytest.raises(images.ChromiumMissing) as e:
            images.render_prepared([({"layout": {"width": 1, "height": 1}}, "png")])
        assert words in str(e.value)
        with i18n.use(lang):
            assert images.missing_message() == str(e.value)
    with i18n.use("nn"), pytest.raises(kommune.UnknownMunicipality, match="Fann ingen kommune"):
        kommune.collect(con, "9999")
