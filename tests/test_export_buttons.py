"""The "Last ned" buttons on the pages (ui/downloads.py): AppTest for what is on Kart and Min
kommune, that nothing is rendered while a page runs, the Chromium-missing hint and the byte
cache; one real browser that downloads PNG and Excel from Kart and opens them."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

import exports
from exports import images
from indicators import queries
from loaders import store
from tests.browser_support import MAP_DRAWN
from tests.test_pages import open_page, specs
from ui import downloads

ROOT = Path(__file__).resolve().parent.parent
IMAGE_LABELS = ["PNG", "SVG", "PDF"]
TABLE_LABELS = ["Excel", "CSV for Excel", "CSV (standard)"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def no_rendering(monkeypatch):
    """Fails the test if anything renders or builds a file while a page runs."""
    calls = []

    def forbidden(name):
        def f(*a, **k):
            calls.append(name)
            raise AssertionError(f"{name} kalt mens siden kjørte")
        return f
    for name in ("image", "table_xlsx", "table_csv", "presentation", "saksvedlegg"):
        monkeypatch.setattr(exports, name, forbidden(name))
    monkeypatch.setattr(images, "render", forbidden("images.render"))
    monkeypatch.setattr(images, "start_server", forbidden("images.start_server"))
    return calls


def last_ned(at) -> list:
    return [p for p in at.get("popover") if p.proto.popover.label == "Last ned"]


def buttons_in(block) -> list:
    out = []
    for child in getattr(block, "children", {}).values():
        if getattr(child, "type", None) == "download_button":
            out.append(child)
        out += buttons_in(child)
    return out


def test_kart_has_a_last_ned_popover_with_six_lazy_buttons(app_env, no_rendering):
    at = open_page("kart", fylke="40")
    (pop,) = last_ned(at)
    dl = buttons_in(pop)
    assert [b.proto.label for b in dl] == IMAGE_LABELS + TABLE_LABELS
    for b in dl:
        # A deferred download: the bytes are made when the user clicks, not on the rerun.
        assert b.proto.deferred_file_id and not b.proto.url
        assert b.proto.ignore_rerun                      # the click does not rerun the page
    assert no_rendering == []
    at.run()                                             # a rerun renders nothing either
    assert no_rendering == []


def test_min_kommune_has_presentation_saksvedlegg_and_a_popover_per_chart(app_env, no_rendering):
    at = open_page("min-kommune", kommune="4010")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:2] == ["Last ned presentasjon", "Saksvedlegg (zip)"]
    charts = specs(at)
    assert len(last_ned(at)) == len(charts) >= 4
    assert labels[2:] == (IMAGE_LABELS + TABLE_LABELS) * len(charts)
    first = at.get("download_button")[0].proto
    assert first.deferred_file_id and first.ignore_rerun
    assert no_rendering == []


def test_without_chromium_the_install_hint_replaces_the_image_buttons(app_env, monkeypatch):
    monkeypatch.setattr(images, "chromium_path", lambda: None)
    at = open_page("kart")
    (pop,) = last_ned(at)
    assert [b.proto.label for b in buttons_in(pop)] == TABLE_LABELS
    shown = "\n".join(m.value for m in at.markdown)
    assert "apt-get install -y chromium" in shown and "Chromium" in shown
    at.switch_page(str(ROOT / "app_pages" / "min_kommune.py")).run()
    assert not any(b.proto.label in ("Last ned presentasjon", "Saksvedlegg (zip)")
                   for b in at.get("download_button"))
    assert any("apt-get install -y chromium" in i.value for i in at.info)


def test_bytes_are_cached_by_store_version_and_view(demo_db, monkeypatch):
    calls = []

    def fake_image(fig, fmt, place=None):
        calls.append((fmt, place))
        return exports.Download("x." + fmt, PNG_SIGNATURE + b"fake", exports.MIME[fmt])
    monkeypatch.setattr(exports, "image", fake_image)
    monkeypatch.setattr(images, "start_server", lambda **k: None)
    downloads._image_bytes.clear()
    key, view = (str(demo_db), 1), ("kart", (("fylke", "40"),), "kart")
    first = downloads._image_bytes(key, view, "png", "Telemark", object())
    again = downloads._image_bytes(key, view, "png", "Telemark", object())
    assert first == again and len(calls) == 1            # the second click is served from cache
    downloads._image_bytes((str(demo_db), 2), view, "png", "Telemark", object())
    downloads._image_bytes(key, view + ("annen",), "png", "Telemark", object())
    assert len(calls) == 3                               # new data or another view: new file


def test_table_bytes_are_a_real_workbook_and_norwegian_csv(demo_db):
    import openpyxl
    downloads._table_bytes.clear()
    with store.reader(demo_db) as con:
        frame = queries.series(con, "neet", ["4003", "40", "0"], age="15-29")
    key, view = (str(demo_db), 1), ("utvikling", (), "utvikling")
    xlsx = downloads._table_bytes(key, view, "xlsx", "neet", "15-29", "alle", "Tittel", (), frame)
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    cells = [c for row in wb.worksheets[0].iter_rows(values_only=True) for c in row if c is not None]
    assert "Skien" in cells and any(isinstance(c, float) for c in cells)
    csv_no = downloads._table_bytes(key, view, "csv", "neet", "15-29", "alle", "Tittel", (), frame)
    assert csv_no.startswith(b"\xef\xbb\xbf") and b";" in csv_no.splitlines()[0]
    plain = downloads._table_bytes(key, view, "csv_plain", "neet", "15-29", "alle", "Tittel", (), frame)
    assert not plain.startswith(b"\xef\xbb\xbf") and b"," in plain.splitlines()[0]


# --- a real browser ------------------------------------------------------------------------------

def download(page, label: str, tmp_path: Path) -> tuple[str, bytes]:
    button = page.locator("[data-testid=stPopoverBody] [data-testid=stDownloadButton]").filter(
        has_text=label).locator("button:visible").first
    with page.expect_download(timeout=120_000) as dl:
        button.click()
    path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(path)
    return dl.value.suggested_filename, path.read_bytes()


def test_png_and_excel_download_from_kart(web, tmp_path):
    import openpyxl
    ctx = web.new_context(viewport={"width": 1920, "height": 1080})
    page = web.open("/?fylke=40", context=ctx)
    page.wait_for_function(MAP_DRAWN, timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')", timeout=60_000)
    page.locator("[data-testid=stPopover] button").filter(has_text="Last ned").first.click()
    page.locator("[data-testid=stPopoverBody]").wait_for()
    web.steady(page)                     # the popover has finished opening
    web.shot(page, "kart-last-ned")

    name, png = download(page, "PNG", tmp_path)
    assert name == "innenfor_kart_neet_telemark_2024.png"
    assert png[:8] == PNG_SIGNATURE
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width >= 1200 and height >= 800, (width, height)      # 2× for print

    name, xlsx = download(page, "Excel", tmp_path)
    assert name == "innenfor_kart_neet_telemark_2024.xlsx"
    assert xlsx[:2] == b"PK"
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    text = [c for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "Skien" in text and "Kilde" in text
    assert page.locator("[data-testid=stPopoverBody]").is_visible()   # no rerun closed it
    web.assert_clean()


def test_a_failed_file_says_so_in_norwegian():
    def broken():
        raise ValueError("kaleido svarte ikke")
    with pytest.raises(downloads.ExportFailed, match="Kunne ikke lage bildet: kaleido svarte ikke"):
        downloads._deferred("bildet", broken)()
    with pytest.raises(images.ChromiumMissing):
        downloads._deferred("bildet", lambda: (_ for _ in ()).throw(
            images.ChromiumMissing(images.MISSING_MESSAGE)))()
