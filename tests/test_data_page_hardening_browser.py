"""The Data page in a real browser (`streamlit run app.py`, Chromium): hostile file names in the
history and in the «Original»/«Angre» hover texts are text — no link, no image fetched (the
`web` record fails the test on any request that leaves localhost), no HTML — as Streamlit's own
markdown renderer draws them; and the «Original» download is bound to the signed-in session:
another session gets another address, and signing out makes the address dead at once."""
from __future__ import annotations

import pytest

from loaders import workspace
from tests.browser_support import COORDINATOR, PASSWORD, idle
from tests.test_data_page_hardening import HOSTILE, MUNIS, one_row

ANY_LINK_OR_IMAGE = """() => [...document.querySelectorAll('a[href], img, iframe, object, embed')]
    .map(e => e.outerHTML).filter(h => /evil|x\\.example/.test(h))"""


def signed_in(web, context=None):
    from playwright.sync_api import expect
    page = web.open("/data", context=context)
    page.get_by_label("Brukernavn").fill(COORDINATOR)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    # (not the text «logget inn som»: the anonymous page says «… logget inn som koordinator»)
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible(timeout=30_000)
    idle(page)
    return page


@pytest.fixture(scope="module")
def hostile_store(coordinator_server):
    for name, muni in zip(HOSTILE, MUNIS):
        r = workspace.save(name, one_row(muni), COORDINATOR, coordinator_server.db)
        assert r.outcome == "loaded", r.line()
    return coordinator_server


def test_hostile_file_names_render_as_text_in_the_browser(hostile_store, web_factory):
    from playwright.sync_api import expect
    web = web_factory(hostile_store)
    page = signed_in(web)
    seen = page.evaluate("() => document.body.innerText").replace("\u2060", "")
    for name in HOSTILE:
        assert name in seen, name                               # shown as written
    assert page.evaluate(ANY_LINK_OR_IMAGE) == []
    # (the headings' own «#anchor» links are Streamlit's)
    assert not page.locator("[data-testid=stMarkdownContainer] img, "
                            "[data-testid=stMarkdownContainer] a:not([href^='#'])").count()
    # The hover texts of «Original» and «Angre» (rendered only while hovered).
    rows = page.locator('[class*="st-key-hist_"]')
    for i in range(len(HOSTILE)):
        for label in ("Original", "Angre"):
            rows.nth(i).get_by_role("button", name=label).hover()
            tip = page.get_by_test_id("stTooltipContent").last
            expect(tip).to_be_visible()
            assert tip.evaluate("e => e.querySelectorAll('a, img').length") == 0
            text = tip.inner_text().replace("\u2060", "")
            assert any(name in text for name in HOSTILE), text
            page.mouse.move(0, 0)
    assert page.evaluate(ANY_LINK_OR_IMAGE) == []
    assert not web.foreign_requests()


def test_the_original_download_is_bound_to_the_signed_in_session(hostile_store, web_factory, playwright):
    """Streamlit serves a download to whoever has its address, without a cookie. Each signed-in
    session gets its own address for the same original (before: one address for everyone),
    and signing out deletes it at once."""
    web = web_factory(hostile_store)
    name = HOSTILE[0]
    anyone = playwright.request.new_context()            # no cookies, no session
    pages = [signed_in(web, context=web.new_context()) for _ in range(2)]   # two browsers

    def download(page) -> str:
        row = page.locator('[class*="st-key-hist_"]').filter(has_text="Klikk her")
        with page.expect_download() as dl:
            row.get_by_role("button", name="Original").click()
        assert dl.value.suggested_filename == name.replace(":", "_")    # (the browser's rule)
        return dl.value.url
    try:
        urls = [download(p) for p in pages]
        assert urls[0] != urls[1], urls
        assert [anyone.get(u).body() for u in urls] == [one_row(MUNIS[0])] * 2
        again = download(pages[0])
        assert anyone.get(again).status == 200
        pages[0].get_by_role("button", name="Logg ut").click()
        idle(pages[0])
        assert anyone.get(again).status == 404            # dead once its session signed out
        signed_in(web, context=pages[0].context)           # a new sign-in, a new address
        assert download(web.contexts[0].pages[-1]) not in urls + [again]
    finally:
        anyone.dispose()
