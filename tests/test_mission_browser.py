"""The 2035 mission in a real browser: a coordinator signs in on Data, is refused a target year
after 2035 and a cost without its source (nothing stored), sets a target for Skien and two
measures through the forms, sees the target on Mål 2035 (table sentences and the status map),
downloads the target template and loads it back through the uploader, and a presenter opens
Presentasjon's «Mål 2035» view. Screenshots: test-artifacts/screens/maal-*.png."""
from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from indicators import cost, progress
from loaders import store
from tests import a11y
from tests.browser_support import ARTIFACTS, COORDINATOR, PASSWORD, idle, svg_map

SKIEN = "4003"


def counts(db: Path) -> tuple[int, int, int]:
    with store.reader(db) as con:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("targets", "measures", "costs"))


def commit(box) -> None:
    """Type into a field and leave it with Enter, as a user does (Streamlit reruns on commit)."""
    box.press("Enter")
    idle(box.page)


def type_date(field, text: str) -> None:
    """A date field (day, month and year segments, DD.MM.YYYY): type the digits into the first
    segment, which moves on by itself, then leave the field."""
    field.locator("[role=spinbutton]").first.click()
    field.page.keyboard.type(text.replace(".", ""))
    field.page.keyboard.press("Tab")
    idle(field.page)


def test_coordinator_sets_a_target_and_measures_and_sees_them_on_the_mission_page(
        coordinator_server, web_factory, tmp_path):
    web = web_factory(coordinator_server)
    db = coordinator_server.db
    before = counts(db)
    page = web.open("/data")
    page.get_by_label("Brukernavn").fill(COORDINATOR)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_text("Logget inn som")).to_be_visible()
    idle(page)

    # A target year after 2035: the rule's Norwegian message, nothing stored.
    form = page.locator(".st-key-plan_target")
    form.scroll_into_view_if_needed()
    expect(form.get_by_role("combobox", name="Sted")).to_have_value("Skien (Telemark) · 4003")
    form.get_by_label("Målverdi", exact=True).fill("8,0")
    commit(form.get_by_label("Målverdi", exact=True))
    form.get_by_label("Målår", exact=True).fill("2040")
    commit(form.get_by_label("Målår", exact=True))
    form.get_by_label("Vedtatt av", exact=True).fill("Skien bystyre, sak 45/25")
    commit(form.get_by_label("Vedtatt av", exact=True))
    form.get_by_role("button", name="Lagre mål").click()
    idle(page)
    expect(form.get_by_text("Målåret 2040 må være etter basisperioden og senest 2035")).to_be_visible()
    assert counts(db) == before
    web.shot(page, "maal-data-1-feil-maalaar")

    form.get_by_label("Målår", exact=True).fill("2030")
    commit(form.get_by_label("Målår", exact=True))
    form.get_by_role("button", name="Lagre mål").click()
    idle(page)
    expect(form.get_by_text("Lagret mål")).to_be_visible()
    assert counts(db)[0] == before[0] + 1

    # Two measures for Skien.
    m = page.locator(".st-key-plan_measure")
    for name, start in (("Ungdomslos", "01.01.2023"), ("Jobbspor", "01.08.2024")):
        m.get_by_label("Navn på tiltaket", exact=True).fill(name)
        commit(m.get_by_label("Navn på tiltaket", exact=True))
        type_date(m.get_by_label("Start", exact=True), start)
        m.get_by_role("button", name="Lagre tiltak").click()
        idle(page)
        expect(m.get_by_text("Lagret tiltak")).to_be_visible()
    with store.reader(db) as con:
        assert set(progress.measures(con, [SKIEN])["name"]) >= {"Ungdomslos", "Jobbspor"}

    # A cost without its source is refused, and says why.
    c = page.locator(".st-key-plan_cost")
    c.get_by_label("Kroner per person per år", exact=True).fill("1 000 000")
    commit(c.get_by_label("Kroner per person per år", exact=True))
    c.get_by_role("button", name="Lagre kostnad").click()
    idle(page)
    expect(c.get_by_text("Kilde mangler")).to_be_visible()
    with store.reader(db) as con:
        assert cost.current(con) is None
    c.scroll_into_view_if_needed()
    web.shot(page, "maal-data-2-skjema")

    # The mission page: the target, its status words as assess_all gives them, the map.
    with store.reader(db) as con:
        [mine] = [p for p in progress.assess_all(con) if p.region_code == SKIEN]
    maal = web.open("/maal?fylke=40", context=page.context)
    expect(maal.locator("h1").first).to_contain_text("Mål 2035")
    body = maal.locator("[data-testid=stMain]")
    expect(body).to_contain_text(f"{mine.symbol} {mine.words}")
    expect(body).to_contain_text(mine.sentence())
    maal.locator(".inf-map").wait_for()
    drawn = svg_map(maal)
    skien = next(r for r in drawn["regions"] if r["code"] == SKIEN)
    assert f"{mine.symbol} {mine.words}" in skien["label"]
    assert any(e["label"] == f"{mine.symbol} {mine.words}" for e in drawn["legend"])
    assert any(e["label"] == "Uten mål" for e in drawn["legend"])
    web.shot(maal, "maal-side")
    with maal.expect_download() as dl:         # exports.mission.excel_bytes for the county
        maal.get_by_role("button", name="Last ned Excel").click()
    book = tmp_path / dl.value.suggested_filename
    dl.value.save_as(book)
    assert book.read_bytes()[:2] == b"PK" and book.name.endswith(".xlsx")
    a11y.check_axe(maal, "maal", report=ARTIFACTS / "axe" / "maal-med-mal.txt")
    maal.locator(".inf-map").scroll_into_view_if_needed()
    web.shot(maal, "maal-side-kart")

    # Presentasjon's mission view for the county.
    pres = web.open("/presentasjon?fylke=40&vis=maal", context=page.context)
    expect(pres.locator(".pres-head h1")).to_contain_text("Mål 2035")
    expect(pres.locator(".pres-goals")).to_contain_text(f"{mine.symbol} {mine.words}")
    pres.locator(".inf-map").wait_for()
    web.shot(pres, "maal-presentasjon")

    # The target template, downloaded and loaded back through the uploader.
    page.bring_to_front()
    with page.expect_download() as dl:
        page.get_by_role("button", name="Last ned målmal (CSV)").click()
    path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(path)
    assert path.read_text(encoding="utf-8").startswith("indikator;region;alder;kategori;basisperiode")
    page.locator('input[type="file"]').set_input_files(str(path))
    card = page.locator("[data-testid=stVerticalBlock]").filter(has_text=path.name).filter(
        has=page.get_by_role("button", name="Lagre", exact=True)).last
    expect(card).to_contain_text("Filen er gyldig og kan lagres", timeout=60_000)
    expect(card).to_contain_text("mål (målmal)")
    expect(card).to_contain_text("Innenfor målmal (CSV)")
    expect(card.get_by_text("Tallene er foreløpige")).to_have_count(0)
    card.scroll_into_view_if_needed()
    web.shot(page, "maal-data-3-mal-forhandsvisning")
    n = counts(db)[0]
    card.get_by_role("button", name="Lagre", exact=True).click()
    idle(page)
    expect(page.get_by_text(f"Lagret «{path.name}»")).to_be_visible()
    assert counts(db)[0] == n + 1
