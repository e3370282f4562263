"""User journeys in a real browser (Debian's Chromium) against `streamlit run app.py` on a free
localhost port, as the three kinds of users meet the product. Every request is recorded and a
request to any host but localhost, or a console error, fails the test (tests.browser_support).
Screenshots of each step: test-artifacts/screens/reise-*.png.

1. Politician: finds Skien by typing "skien", opens Min kommune, reads the NEET figure and its
   sentence (checked against the store), changes the period, copies the link and opens it in a
   new browser context: the same view.
2. Coordinator: signs in on Data, uploads an SSB Statistikkbanken CSV, sees the preview, saves,
   sees the new value on the map, exports PNG, Excel and the PowerPoint deck and opens each file.
3. Presenter: opens a permalink into the presentation, steps through indicators with the keyboard;
   nothing leaves localhost and the map is drawn.
"""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from indicators import format as fmt
from indicators import queries
from loaders import store
from tests import a11y
from tests.browser_support import (
    CHARTS_DRAWN,
    COORDINATOR,
    MAP_DRAWN,
    PASSWORD,
    filled_map_paths,
    idle,
    pick_municipality,
    plotly_figures,
    svg_map,
)
from vocab import indicators

NB = "\u00a0"
PERCENT = re.compile(rf"^\d{{1,2}},\d[{NB} ]%$")          # «11,5 %»: decimal comma, space, %
SKIEN, SILJAN = "4003", "4010"


def expected_value(db: Path, code: str, period: str, ind_id: str = "neet") -> str:
    """The figure as the store has it, formatted as the app should show it."""
    ind = indicators.get(ind_id)
    with store.reader(db) as con:
        df = queries.series(con, ind_id, [code], age=ind.default_age)
    row = df[(df["region_code"] == code) & (df["period"] == period)].iloc[0]
    return fmt.value(row["value"], ind, row["status"])


def read_min_kommune(page) -> dict:
    """What the politician reads, once the run is over (a run still drawing can leave the page
    half old, half new under load) and from the NEET box's own metric."""
    idle(page)
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text="Unge utenfor (NEET)")).first
    label = metric.get_by_test_id("stMetricLabel").inner_text().strip()
    value = metric.get_by_test_id("stMetricValue").inner_text().strip()
    sentence = page.locator("[data-testid=stMarkdownContainer] strong") \
        .filter(has_text=re.compile(r"^Andelen unge 15–29 år utenfor")).first.inner_text().strip()
    return {"title": page.locator("h1").first.inner_text().strip(), "label": label, "value": value,
            "sentence": sentence,
            "period": page.get_by_role("slider", name="Periode").get_attribute("aria-valuetext"),
            "indicator": page.get_by_role("combobox", name="Indikator").input_value(),
            "kommune": page.get_by_role("combobox", name="Kommune").input_value()}


# --- 1. Politician --------------------------------------------------------------------------------

def test_politician_finds_skien_reads_neet_changes_period_and_shares_the_link(web, app_server):
    page = web.open("/")
    page.wait_for_function(MAP_DRAWN, timeout=60_000)
    web.shot(page, "reise-politiker-1-kart")

    # Search without diacritics: "tonsberg" finds Tønsberg, then "skien" finds Skien.
    pick_municipality(page, "tonsberg")
    assert page.get_by_role("combobox", name="Kommune").input_value() == \
        "Tønsberg (Vestfold) · 3905 · tonsberg"
    assert "kommune=3905" in page.url
    box = page.get_by_role("combobox", name="Kommune")
    box.click()
    box.fill("skien")
    page.get_by_role("option", name="Skien (Telemark) · 4003").wait_for()   # the list offers it
    page.keyboard.press("Enter")
    idle(page)
    assert box.input_value() == "Skien (Telemark) · 4003"
    web.shot(page, "reise-politiker-2-skien-valgt")

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Min kommune").click()
    page.wait_for_url(re.compile(r"/min-kommune"))
    idle(page)
    page.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    before = read_min_kommune(page)
    web.shot(page, "reise-politiker-3-min-kommune")
    assert before["title"] == "Min kommune: Skien"
    latest = before["period"]
    assert before["label"] == f"Unge utenfor (NEET), 15–29 år, {latest}"
    assert PERCENT.match(before["value"]), before["value"]
    assert before["value"] == expected_value(app_server.db, SKIEN, latest)
    # The sentence says the same number in words, with decimal comma and a per cent sign.
    assert before["sentence"].startswith("Andelen unge 15–29 år utenfor arbeid og utdanning i Skien var "
                                         f"{before['value']} i {latest}"), before["sentence"]
    assert re.search(rf"\d,\d{NB}%", before["sentence"])

    # Another year: the slider in the sidebar, from the keyboard.
    slider = page.get_by_role("slider", name="Periode")
    slider.focus()
    page.keyboard.press("ArrowLeft")
    idle(page)
    previous = str(int(latest) - 1)
    page.wait_for_url(re.compile(rf"periode={previous}"))
    after = read_min_kommune(page)
    assert after["period"] == previous and after["label"].endswith(previous)
    assert after["value"] == expected_value(app_server.db, SKIEN, previous)
    assert PERCENT.match(after["value"])
    web.shot(page, "reise-politiker-4-annet-aar")

    # Copy the link: the popover shows it; the copy button puts the same text on the clipboard.
    page.get_by_role("button", name="Lenke til denne visningen").click()
    code = page.get_by_test_id("stPopoverBody").get_by_test_id("stCode")
    link = code.locator("code").inner_text().strip()
    web.shot(page, "reise-politiker-5-lenke")
    assert link.startswith(app_server.url + "/min-kommune?"), link
    assert f"periode={previous}" in link
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_server.url)
    code.hover()
    code.get_by_role("button").first.click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.strip() == link

    # Someone else opens the link: a new context (no cookies, no session state).
    other = web.open(link.removeprefix(app_server.url), context=web.new_context())
    other.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    shared = read_min_kommune(other)
    web.shot(other, "reise-politiker-6-delt-lenke")
    for key in ("title", "label", "value", "sentence", "period", "indicator", "kommune"):
        assert shared[key] == after[key], (key, shared[key], after[key])
    web.assert_clean()


# --- 2. Coordinator -------------------------------------------------------------------------------

# An SSB Statistikkbanken download of table 13556 as the old PxWeb UI writes it ("semikolonseparert
# med overskrift", ISO-8859-1: a quoted title line, a blank line, the header, one row per region),
# for a year the demo store does not have, so the new values are unmistakable on the map.
NEW_YEAR = "2025"
SSB_FILE_NAME = "13556_20251201-101500.csv"
SSB_FILE = (
    '"13556: Personer 15-29 år, etter region, kjønn, alder, arbeidsstyrkestatus, '
    'statistikkvariabel og år"\n\n'
    f'"region";"kjønn";"alder";"arbeidsstyrkestatus";"Bosatte {NEW_YEAR}";"Bosatte (prosent) {NEW_YEAR}"\n'
    '"4003 Skien";"Begge kjønn";"15-29 år";'
    '"Utenfor arbeid, utdanning og arbeidsmarkedstiltak (NEET)";1234;13,7\n'
    '"4010 Siljan";"Begge kjønn";"15-29 år";'
    '"Utenfor arbeid, utdanning og arbeidsmarkedstiltak (NEET)";21;4,2\n'
).encode("latin-1")
NEW_VALUES = {SKIEN: f"13,7{NB}%", SILJAN: f"4,2{NB}%"}
EXPORTS = {  # what the journey downloads: button text (after the icon's ligature) → file check
    "png": re.compile(r"(^|\s)PNG$"),
    "xlsx": re.compile(r"(^|\s)Excel$"),
    "pptx": re.compile(r"(^|\s)Last ned presentasjon$"),
}


def rows_for(db: Path, year: str) -> int:
    with store.reader(db) as con:
        return con.execute("SELECT count(*) FROM observations WHERE indicator = 'neet' AND period = ?",
                           [year]).fetchone()[0]


def find_download(page, pattern: re.Pattern):
    """A visible download button whose text matches, opening the "Last ned" popovers if needed."""
    def visible():
        buttons = page.locator("[data-testid=stDownloadButton] button")
        for i in range(buttons.count()):
            b = buttons.nth(i)
            if b.is_visible() and pattern.search(b.inner_text().strip()):
                return b
        return None
    try:                    # the export parts come with the page's last elements
        page.locator("[data-testid=stMain] [data-testid=stPopover], "
                     "[data-testid=stMain] [data-testid=stDownloadButton]").first.wait_for(timeout=10_000)
    except Exception:       # noqa: BLE001 - Playwright's TimeoutError: none on this page
        pass
    found = visible()
    if found is not None:
        return found
    openers = page.locator("[data-testid=stMain] [data-testid=stPopover] button").filter(
        has_text=re.compile(r"Last ned|Eksport", re.I))
    for i in range(openers.count()):
        opener = openers.nth(i)
        if opener.is_visible():
            opener.click()
            # The popover is open once its buttons are on screen (chart_buttons always has the
            # Excel/CSV buttons).
            page.locator("[data-testid=stPopoverBody] [data-testid=stDownloadButton] button") \
                .first.wait_for(state="visible")
            found = visible()
            if found is not None:
                return found
            page.keyboard.press("Escape")
    return None


def fetch(page, button, tmp_path: Path) -> Path:
    with page.expect_download(timeout=90_000) as dl:
        button.click()
    path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(path)
    return path


def check_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path.name
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width >= 600 and height >= 400, (width, height)


def check_xlsx(path: Path, must_contain: list[str]) -> None:
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    text = " ".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                    for c in row if c is not None)
    for s in must_contain:
        assert s in text, (s, text[:500])


def check_pptx(path: Path, must_contain: list[str]) -> None:
    from pptx import Presentation
    prs = Presentation(str(path))
    assert len(prs.slides) >= 3
    text = " ".join(sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame)
    pictures = sum(1 for s in prs.slides for sh in s.shapes if sh.shape_type == 13)
    assert pictures >= 1, "presentasjonen skal ha figurer"
    for s in must_contain:
        assert s in text, (s, text[:500])


def test_coordinator_signs_in_uploads_saves_sees_the_map_and_exports(coordinator_server, web_factory,
                                                                     tmp_path):
    web = web_factory(coordinator_server)
    db = coordinator_server.db
    page = web.open("/data")
    expect(page.get_by_text("Logg inn for koordinatorer")).to_be_visible()
    page.get_by_label("Brukernavn").fill(COORDINATOR)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_text("Logget inn som")).to_be_visible()
    idle(page)
    web.shot(page, "reise-koordinator-1-innlogget")

    upload = tmp_path / SSB_FILE_NAME
    upload.write_bytes(SSB_FILE)
    page.locator('input[type="file"]').set_input_files(str(upload))
    expect(page.get_by_text("Filen er gyldig og kan lagres")).to_be_visible(timeout=60_000)
    idle(page)
    card = page.locator("[data-testid=stVerticalBlock]").filter(has_text=SSB_FILE_NAME).filter(
        has=page.get_by_role("button", name="Lagre", exact=True)).last
    expect(card).to_contain_text("SSB Statistikkbanken CSV")
    expect(card).to_contain_text("Unge utenfor (NEET)")
    web.shot(page, "reise-koordinator-2-forhaandsvisning", full_page=True)
    assert rows_for(db, NEW_YEAR) == 0                        # the preview stored nothing
    a11y.assert_no_new_serious(page, "data")

    page.get_by_role("button", name="Lagre", exact=True).click()
    expect(page.get_by_text(f"Lagret «{SSB_FILE_NAME}»")).to_be_visible(timeout=60_000)
    idle(page)
    assert rows_for(db, NEW_YEAR) == 2
    for code, shown in NEW_VALUES.items():
        assert expected_value(db, code, NEW_YEAR) == shown
    web.shot(page, "reise-koordinator-3-lagret", full_page=True)

    # The map (another tab = another session) shows the new year and Siljan's new value.
    kart = web.open(f"/?periode={NEW_YEAR}&kommune={SILJAN}", context=page.context)
    kart.wait_for_function(MAP_DRAWN, timeout=60_000)
    expect(kart.locator("h1").first).to_contain_text("Kart")
    drawn = svg_map(kart)
    assert drawn["title"].endswith(NEW_YEAR)
    # Each municipality's accessible name: "<name>, <value>, <count of population>, <period>. …"
    shown = {r["code"]: r["label"].split(", ")[1] for r in drawn["regions"]}
    assert shown[SILJAN] == NEW_VALUES[SILJAN] and shown[SKIEN] == NEW_VALUES[SKIEN], shown
    assert filled_map_paths(kart) >= 2
    kart.get_by_text("Vis tabell").first.click()
    expect(kart.get_by_role("row").filter(has_text="Siljan").first).to_contain_text(NEW_VALUES[SILJAN])
    web.shot(kart, "reise-koordinator-4-kart-med-nye-tall")

    # Exports: PNG and Excel of the map, the PowerPoint deck of a municipality.
    files = {}
    for kind in ("png", "xlsx"):
        button = find_download(kart, EXPORTS[kind])
        assert button is not None, f"Kart har ingen {kind.upper()}-knapp under «Last ned»"
        files[kind] = fetch(kart, button, tmp_path)
    mk = web.open(f"/min-kommune?periode={NEW_YEAR}&kommune={SILJAN}", context=page.context)
    mk.wait_for_function(CHARTS_DRAWN, timeout=60_000)
    button = find_download(mk, EXPORTS["pptx"])
    assert button is not None, "Min kommune har ingen «Last ned presentasjon»-knapp"
    files["pptx"] = fetch(mk, button, tmp_path)
    check_png(files["png"])
    check_xlsx(files["xlsx"], ["Siljan", "Skien"])
    check_pptx(files["pptx"], ["Siljan"])
    web.assert_clean()


# --- 3. Presenter ---------------------------------------------------------------------------------

def presentation_page_exists(page) -> bool:
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name="Presentasjon").count() > 0


def test_presenter_opens_a_permalink_and_steps_through_indicators_offline(web):
    # A permalink as a presenter would have it in the slide notes: Telemark, Skien outlined.
    show = web.open(f"/presentasjon?indikator=neet&kommune={SKIEN}&fylke=40&vis=kart")
    # The presentation page itself, not the default page (Kart) that an unknown path falls to.
    assert re.search(r"/presentasjon\?", show.url), show.url
    # (waits for the page to draw: the presentation's source line and «Neste» button)
    expect(show.locator(".pres-source"), "Presentasjon-siden vises ikke").to_have_count(1, timeout=30_000)
    expect(show.locator(".st-key-pres_next")).to_have_count(1)
    show.wait_for_function(MAP_DRAWN, timeout=60_000)
    assert show.evaluate("document.documentElement.lang") == "nb"
    first = show.locator("h1").first.inner_text().strip()
    assert first == indicators.get("neet").name, first
    # The map is drawn: the municipalities of Telemark as filled SVG paths.
    assert filled_map_paths(show) >= 15, "kartet er ikke tegnet"
    fig = next(f for f in plotly_figures(show) if f["data"][0]["type"] == "choropleth")
    assert SKIEN in fig["data"][0]["locations"]
    web.shot(show, "reise-presentasjon-1")

    seen, urls = [first], [show.url]
    for step in range(3):                          # → three times: three more indicators
        show.keyboard.press("ArrowRight")
        show.wait_for_function(f"() => document.querySelector('h1') && "
                               f"document.querySelector('h1').innerText.trim() !== {seen[-1]!r}",
                               timeout=30_000)
        idle(show)
        seen.append(show.locator("h1").first.inner_text().strip())
        urls.append(show.url)
        if show.locator(".stPlotlyChart path.choroplethlocation").count():
            show.wait_for_function(MAP_DRAWN, timeout=60_000)
            assert filled_map_paths(show) >= 1
        web.shot(show, f"reise-presentasjon-{step + 2}")
    assert len(set(seen)) == 4, f"→ skal bytte indikator hver gang: {seen}"
    assert len(set(urls)) == 4, "adressen (permalenken) følger med"
    show.keyboard.press("ArrowLeft")               # ← goes back
    show.wait_for_function(f"() => document.querySelector('h1').innerText.trim() === {seen[-2]!r}",
                           timeout=30_000)
    idle(show)

    # Nothing left localhost: every request and websocket of the session.
    assert web.rec.requests and all("127.0.0.1" in u for u in web.rec.requests + web.rec.sockets)
    assert not web.foreign_requests()
    web.assert_clean()
