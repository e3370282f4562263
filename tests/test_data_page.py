"""The "Data" page through AppTest: what anonymous visitors see, sign-in rules, and the
coordinator's steps (upload → preview → Lagre → history → Angre) on a copy of the demo store.
AppTest uploads files through its own file_uploader support; the browser version of the same
round trip is tests/test_data_page_browser.py."""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from indicators import queries
from loaders import access, delivery, pipeline, ssb_api, store, workspace
from loaders.base import RawFile
from ui import coordinator

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
DATA_PAGE = str(ROOT / "app_pages" / "data.py")
FIXTURES = ROOT / "tests" / "fixtures" / "ssb"
NB = "\u00a0"
PASSWORD = "riktig hest batteri"
HASH = access.make_hash(PASSWORD)            # once per module: 240 000 PBKDF2 rounds
HEADER = "indikator;kommunenr;periode;alder;kjonn;kategori;antall;nevner;status\n"
# A year the demo store does not have, so the file adds numbers instead of clashing.
UFORE_2026 = (HEADER + "ufore;4003 Skien;2026;18-29;alle;alle;301;7902;\n"
                       "ufore;4010 Siljan;2026;18-29;alle;alle;;320;*\n").encode("utf-8")
BAD = (HEADER + "ufore;4099;2026;18-29;alle;alle;301;7902;\n"
                "ufore;4003;2026x;18-29;alle;alle;301;7902;\n"
                "ufore;4010;2026;18-29;alle;alle;400;300;\n").encode("utf-8")
NEET = "Utenfor arbeid, utdanning og arbeidsmarkedstiltak (NEET)"
NO_YEAR = ('"Kommune_nr";"Kommune";"Innvandring";"alder";"I alt";'
           f'"{NEET}"\n"3807";"Skien";"I alt";"15-29 år";9500;1100\n').encode()


@pytest.fixture(autouse=True)
def _fresh_limits(tmp_path, monkeypatch):
    """Sign-in attempts are counted beside the store (loaders.access): every test has its own
    store, so its own count; a test without one counts beside a store of its own too, never
    beside the real one."""
    monkeypatch.setenv("INNENFOR_DB", str(tmp_path / "ingen" / "innenfor.duckdb"))


@pytest.fixture
def site(writable_db, monkeypatch):
    """The app on a private copy of the demo store, with one coordinator account (kari)."""
    monkeypatch.setenv("INNENFOR_DB", str(writable_db))
    monkeypatch.setenv("INNENFOR_COORDINATORS", f"kari={HASH}")
    return writable_db


def open_data(secrets: dict | None = None, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    # Always some secrets, so a developer's ~/.streamlit/secrets.toml never leaks into a test.
    at.secrets.update(secrets or {"innenfor_test": True})
    if user is not None:
        at.user = user
    at.run()
    at.switch_page(DATA_PAGE).run()
    ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def text(at: AppTest) -> str:
    parts = [t.value for t in at.title] + [t.value for t in at.subheader] + \
        [m.value for m in at.markdown] + [x.value for x in at.info] + \
        [x.value for x in at.warning] + [x.value for x in at.error] + \
        [x.value for x in at.success] + [c.value for c in at.code]
    # plain text, as read (without markdown escapes and the invisible joiners that stop
    # addresses from becoming links: ui.markdown.escape)
    return "\n".join(parts).replace("\\", "").replace("**", "").replace("\u2060", "")


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button] + [b.label for b in at.get("download_button")]


def sign_in(at: AppTest, name: str = "kari", password: str = PASSWORD) -> AppTest:
    [n] = [t for t in at.text_input if t.label == "Brukernavn"]
    [p] = [t for t in at.text_input if t.label == "Passord"]
    n.input(name)
    p.input(password)
    [b] = [b for b in at.button if b.label == "Logg inn"]
    b.click().run()
    ok(at)
    return at


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader(key="data_uploader").set_value([(n, d, "text/csv") for n, d in files]).run()
    ok(at)
    return at


def count(db: Path, where: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM observations WHERE {where}").fetchone()[0]
    finally:
        con.close()


# --- anyone ------------------------------------------------------------------------------------

def test_anonymous_sees_no_uploader_history_or_actions(site):
    at = open_data()
    t = text(at)
    assert [x.value for x in at.title] == ["Data"]
    assert "Alle kan se tallene" in t and "krever at du er logget inn" in t
    assert "Tallene ble sist oppdatert" in t
    assert not at.file_uploader
    assert "Historikk" not in t and "Hent nyeste fra SSB" not in labels(at)
    assert not [b for b in labels(at) if b in ("Angre", "Original", "Lagre")]
    # history contents (file names, hashes, who) are not shown
    assert "DEMO.csv" not in t and "sha256" not in t
    # the sign-in form and the template are
    assert {t.label for t in at.text_input} == {"Brukernavn", "Passord"}
    assert [b.label for b in at.get("download_button")] == [
        "Last ned målmal (CSV)", "Last ned tiltaksmal (CSV)", "Last ned kostnadsmal (CSV)",
        "Last ned leveransemal (CSV)"]
    # the targets are for everyone to see; the forms that change them are not there
    assert "Mål og tiltak" in [h.value for h in at.subheader] and "Lagre mål" not in labels(at)
    # the view sidebar belongs to the other pages
    assert not at.sidebar.selectbox


def test_no_accounts_switches_uploading_off_and_says_how_to_switch_it_on(writable_db, monkeypatch):
    monkeypatch.setenv("INNENFOR_DB", str(writable_db))
    monkeypatch.delenv("INNENFOR_COORDINATORS", raising=False)
    at = open_data()
    t = text(at)
    assert "Opplasting er slått av" in t
    assert "python -m loaders.access hash" in t
    assert "[coordinators]" in t and ".streamlit/secrets.toml" in t and "INNENFOR_COORDINATORS" in t
    assert "Legg aldri kontoer eller passord i git-repoet" in t
    assert not at.text_input and not at.file_uploader
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text().splitlines()


def test_template_download_is_for_everyone_and_the_template_loads(empty_db, monkeypatch):
    monkeypatch.setenv("INNENFOR_DB", str(empty_db))
    monkeypatch.delenv("INNENFOR_COORDINATORS", raising=False)
    at = open_data()                               # no store yet: the page still works
    assert "Last ned leveransemal (CSV)" in labels(at)
    assert "neet;4003;2021;15-29" in text(at)      # the example, shown under "Slik fyller du ut"
    r = pipeline.load_raw(RawFile("innenfor_leveransemal.csv",
                                  delivery.TEMPLATE_EXAMPLE.encode("utf-8")), empty_db)
    assert r.outcome == "loaded", r.line()
    con = duckdb.connect(str(empty_db), read_only=True)
    got = {i for (i,) in con.execute("SELECT DISTINCT indicator FROM observations").fetchall()}
    con.close()
    assert got == {"neet", "ufore", "ot_tilmeldt", "arbeidssokere", "arbeidssokere_andel"}


# --- sign-in -----------------------------------------------------------------------------------

def test_wrong_password_is_refused_in_norwegian_and_rate_limited_after_five(site):
    at = open_data()
    for _ in range(access.MAX_FAILURES):
        sign_in(at, password="feil")
        assert at.error[0].value.startswith("Feil brukernavn eller passord"), at.error[0].value
        assert not at.file_uploader
    sign_in(at)                                    # even the right password waits now
    assert "For mange mislykkede forsøk" in at.error[0].value
    assert not at.file_uploader and "Logget inn som" not in text(at)


def test_right_password_shows_uploader_and_sign_out_hides_it(site):
    at = sign_in(open_data())
    assert not at.error
    assert "Logget inn som kari" in text(at)
    assert at.file_uploader(key="data_uploader")
    assert "Hent nyeste fra SSB" in labels(at) and "Historikk" in text(at)
    at.button(key="logout").click().run()
    ok(at)
    assert not at.file_uploader and "Logg inn for koordinatorer" in text(at)


def test_a_removed_account_is_signed_out(site, monkeypatch):
    at = sign_in(open_data())
    assert at.file_uploader
    monkeypatch.setenv("INNENFOR_COORDINATORS", "ola=" + HASH)
    at.run()
    assert not at.file_uploader


def test_oidc_users_listed_as_coordinators(site, monkeypatch):
    monkeypatch.delenv("INNENFOR_COORDINATORS")
    secrets = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                        "cookie_secret": "x", "client_id": "id", "client_secret": "s",
                        "server_metadata_url": "https://login.example/.well-known/openid-configuration"},
               "coordinators_oidc": {"emails": ["Kari@Kommune.no"]}}
    at = open_data(secrets)                        # not logged in: the button, no form
    assert "Logg inn med organisasjonskonto" in labels(at) and not at.text_input
    at = open_data(secrets, {"is_logged_in": True, "email": "per@kommune.no"})
    assert "står ikke på lista over koordinatorer" in text(at) and not at.file_uploader
    at = open_data(secrets, {"is_logged_in": True, "email": "kari@kommune.no"})
    assert "Logget inn som kari@kommune.no" in text(at) and at.file_uploader


# --- preview, save, history, undo ---------------------------------------------------------------

def test_upload_preview_save_history_kart_and_undo(site):
    before = site.read_bytes()
    at = upload(sign_in(open_data()), ("uføre 2026.csv", UFORE_2026))
    t = text(at)
    assert "Innenfor leveransemal (CSV)" in t
    for fact in ("Indikatorer: Uføre under 30", "Kommuner: 2", "Perioder: 2026 (1)", "Rader: 2",
                 "Skjermet: 1", "Mangler: 0"):
        assert fact in t, fact
    assert "Filen er gyldig og kan lagres. Ingenting er lagret ennå." in t
    assert site.read_bytes() == before                       # nothing stored by a preview
    assert count(site, "period = '2026'") == 0

    [save] = [b for b in at.button if b.label == "Lagre"]
    save.click().run()
    ok(at)
    t = text(at)
    assert "Lagret «uføre 2026.csv»: 2 rader" in t
    assert count(site, "indicator = 'ufore' AND period = '2026'") == 2
    top = workspace.history(site).iloc[0]
    assert top.file_name == "uføre 2026.csv" and top.loaded_by == "kari"
    sid = int(top.source_id)
    assert at.button(key=f"undo_{sid}") and at.get("download_button")
    assert top.sha256[:12] in t and "kari" in t
    shown_time = coordinator.when(top.loaded_at)             # dd.mm.yyyy hh:mm, Norwegian time
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", shown_time)
    assert shown_time.replace(" ", "  \n", 1) in [m.value for m in at.markdown]
    assert workspace.original(top.sha256, site) == UFORE_2026   # what "Original" serves
    # the card now says it is saved, with no second Lagre
    assert "Lagret" in text(at) and "Lagre" not in [b.label for b in at.button]

    # another page shows the new number at once (caches are keyed on the store version)
    from tests.test_pages import open_page, the_map
    kart = open_page("kart", indikator="ufore", periode="2026")
    skien = next(r for r in the_map(kart)["regions"] if r["code"] == "4003")
    assert skien["words"][1] == f"3,8{NB}%"

    at.button(key=f"undo_{sid}").click().run()               # asks first
    ok(at)
    assert "Fjerne **uføre 2026.csv**" in "\n".join(w.value for w in at.warning)
    assert count(site, "period = '2026'") == 2
    at.button(key=f"undo_no_{sid}").click().run()            # Avbryt keeps it
    assert count(site, "period = '2026'") == 2 and not at.warning
    at.button(key=f"undo_{sid}").click().run()
    at.button(key=f"undo_yes_{sid}").click().run()
    ok(at)
    assert "«uføre 2026.csv» er fjernet (2 rader)" in text(at)
    assert count(site, "period = '2026'") == 0
    assert sid not in set(workspace.history(site)["source_id"])
    assert workspace.original(top.sha256, site) == UFORE_2026   # the archive keeps the original
    # and the file can be previewed (and saved) again
    assert "Filen er gyldig og kan lagres" in text(at)


def test_problems_are_listed_with_row_numbers_and_nothing_can_be_saved(site):
    before = site.read_bytes()
    at = upload(sign_in(open_data()), ("feil.csv", BAD))
    err = "\n".join(e.value for e in at.error).replace("\\", "")
    assert "Fant 3 problem(er); ingenting er lagret." in err
    lines = [line for line in err.splitlines() if line.startswith("- ")]
    # Row 4's share (133,3 %) comes from its bad count: one problem, named by the count.
    assert lines == ["- Rad 2: ukjent kommunenummer 4099.",
                     "- Rad 3: ugyldig periode «2026x» for ufore (forventet f.eks. 2022).",
                     "- Rad 4: antallet (400) er større enn nevneren (300)."]
    assert "Lagre" not in [b.label for b in at.button]
    assert site.read_bytes() == before


def test_a_real_file_replaces_the_demo_and_says_so(site):
    data = (FIXTURES / "13563_med_tittel_latin1.csv").read_bytes()
    at = upload(sign_in(open_data()), ("13563_med_tittel_latin1.csv", data))
    assert not at.error
    assert ("Når filen er lagret, vises de ekte tallene og ikke lenger demodataene for "
            "Unge utenfor (NEET).") in "\n".join(i.value for i in at.info)
    shown = text(at)
    assert "Utgave: SSB tabell 13563 ·" in shown and "Aldersgrupper: 15–19 år, 15–29 år ·" in shown
    [save] = [b for b in at.button if b.label == "Lagre"]
    save.click().run()
    ok(at)
    with store.reader(site) as con:
        assert not queries.is_demo(con, "neet") and queries.is_demo(con, "ufore")


def test_several_files_and_save_all_valid(site):
    other = (HEADER + "ot_tilmeldt;4003;2026-2027;16-21;alle;avbrutt;12;;\n").encode("utf-8")
    at = upload(sign_in(open_data()), ("uføre 2026.csv", UFORE_2026), ("feil.csv", BAD),
                ("ot.csv", other))
    assert [b.label for b in at.button].count("Lagre") == 2
    at.button(key="save_all").click().run()
    ok(at)
    names = list(workspace.history(site)["file_name"][:2])
    assert sorted(names) == ["ot.csv", "uføre 2026.csv"]
    assert "feil.csv" not in set(workspace.history(site)["file_name"])


def test_year_field_is_used_only_for_files_without_a_year(site):
    at = upload(sign_in(open_data()), ("uten_aar.csv", NO_YEAR), ("uføre 2026.csv", UFORE_2026))
    assert "Skriv året i feltet «År (for filer uten årstall)»" in "\n".join(e.value for e in at.error)
    at.text_input[0].input("26").run()
    assert "«26» er ikke et årstall" in "\n".join(e.value for e in at.error)
    at.text_input[0].input("2026").run()
    ok(at)
    assert not at.error
    assert "år oppgitt: 2026" in text(at)
    # the delivery file keeps its own year: both are valid
    assert [b.label for b in at.button].count("Lagre") == 2
    at.button(key="save_all").click().run()
    assert count(site, "indicator = 'neet' AND period = '2026' AND region_code = '4003'") == 1


def test_too_big_files_are_refused_before_reading(site, monkeypatch):
    monkeypatch.setattr(pipeline, "MAX_BYTES", 1024 * 1024)

    def must_not_read(*a, **k):
        raise AssertionError("a file over the limit was read")
    monkeypatch.setattr(workspace, "preview", must_not_read)
    at = upload(sign_in(open_data()), ("stor.csv", b"x" * (1024 * 1024 + 10)))
    assert "Filen er for stor (1,0 MB). Største tillatte størrelse er 1 MB." in at.error[0].value
    assert "Lagre" not in [b.label for b in at.button]
    assert at.file_uploader(key="data_uploader").proto.max_upload_size_mb == 1


def test_upload_limit_matches_the_server_setting():
    cfg = (ROOT / ".streamlit" / "config.toml").read_text()
    assert "maxUploadSize = 50" in cfg
    assert pipeline.MAX_BYTES == 50 * 1024 * 1024 or "INNENFOR_MAX_UPLOAD_MB" in __import__("os").environ


# --- SSB ---------------------------------------------------------------------------------------

def test_ssb_fetch_offline_changes_nothing(site, monkeypatch):
    def offline(*a, **k):
        raise ssb_api.Unreachable("Fikk ikke kontakt med SSB (ingen internettforbindelse?). "
                                  "Ingenting er endret.")
    monkeypatch.setattr(ssb_api, "_get", offline)
    before = site.read_bytes()
    at = sign_in(open_data())
    at.button(key="ssb_fetch").click().run()
    ok(at)
    assert "Fikk ikke kontakt med SSB" in at.error[0].value and "Ingenting er endret" in at.error[0].value
    assert site.read_bytes() == before


def test_ssb_fetch_loads_every_table_then_only_what_is_new(empty_db, monkeypatch):
    from tests.ssb_server import SSB
    store.connect(empty_db).close()                          # a store without the demo data
    monkeypatch.setenv("INNENFOR_DB", str(empty_db))
    monkeypatch.setenv("INNENFOR_COORDINATORS", f"kari={HASH}")
    ssb = SSB()
    monkeypatch.setattr(ssb_api, "_get", lambda url, opener, timeout, clock=None: ssb(url).read())
    at = sign_in(open_data())
    assert "Ingen filer er lastet inn ennå." in text(at)
    at.button(key="ssb_fetch").click().run()
    ok(at)
    assert [m.value.split(":")[0] for m in at.success] == ["Tabell 13563", "Tabell 13556"]
    assert "for 2021–2023 lastet inn (SSB oppdaterte den 13.03.2025)" in at.success[0].value
    hist = workspace.history(empty_db)
    assert sorted(f[:16] for f in hist.file_name) == ["SSB tabell 13556", "SSB tabell 13563"]
    assert set(hist.loaded_by) == {"kari"}
    at.button(key="ssb_fetch").click().run()                 # SSB has published nothing since
    assert "Tabell 13563: ingen nye tall (SSB oppdaterte den 13.03.2025)." in at.info[0].value


def test_remove_all_demo_data_then_real_numbers_load(site):
    data = (FIXTURES / "13563_med_tittel_latin1.csv").read_bytes()
    at = upload(sign_in(open_data()), ("13563_med_tittel_latin1.csv", data))
    assert "oppdiktede demodata (4 filer" in "\n".join(i.value for i in at.info)
    at.button(key="undo_demo").click().run()
    assert "Fjerne alle 4 demodatafilene" in at.warning[0].value
    at.button(key="undo_demo_yes").click().run()
    ok(at)
    assert workspace.history(site).empty and count(site, "true") == 0
    assert [b.label for b in at.button].count("Lagre") == 1           # previewed again
    [save] = [b for b in at.button if b.label == "Lagre"]
    save.click().run()
    ok(at)
    assert list(workspace.history(site)["file_name"]) == ["13563_med_tittel_latin1.csv"]
    assert "demodata" not in text(at)


def test_file_names_in_saved_and_undone_messages_are_escaped(site):
    name = "uføre_*2026*_[x](y).csv"
    at = upload(sign_in(open_data()), (name, UFORE_2026))
    [save] = [b for b in at.button if b.label == "Lagre"]
    save.click().run()
    ok(at)
    said = "\n".join(s.value for s in at.success)
    assert "Lagret «uføre\\_\\*2026\\*\\_\\[x\\](y).csv»: 2 rader" in said
    sid = int(workspace.history(site).iloc[0].source_id)
    at.button(key=f"undo_{sid}").click().run()
    at.button(key=f"undo_yes_{sid}").click().run()
    ok(at)
    assert "«uføre\\_\\*2026\\*\\_\\[x\\](y).csv» er fjernet" in "\n".join(s.value for s in at.success)
