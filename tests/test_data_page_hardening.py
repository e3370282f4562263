"""The Data page against hostile input and a failing server (AppTest): file names never become
links, images or HTML anywhere on the page; only a signed-in coordinator gets an uploader; a
stranger's wrong passwords do not lock the coordinator out of another browser; a full disk or a
read-only folder is a Norwegian message, not a traceback; a secrets.toml that cannot be read
says so, and where. The browser side (the real markdown renderer, the «Original» link bound
to the session) is tests/test_data_page_hardening_browser.py."""
from __future__ import annotations

import errno
import hashlib
import re

import pytest
from streamlit import config as st_config

from loaders import access, store, workspace
from tests.test_data_page import HASH, HEADER, PASSWORD, UFORE_2026, ok, open_data, sign_in, text, upload
from ui import coordinator, guard

# File names a coordinator could be sent (or tricked into uploading): each one is live markup
# if it reaches Streamlit's markdown unescaped.
HOSTILE = [
    "[Klikk her](https:evil.example) rapport.csv",
    "![sporing](https://evil.example/p.png).csv",
    "<img src=https://evil.example/i.png>.csv",
    '<a href="https://evil.example">x</a>.csv',
    "www.evil.example.csv",
    "https://evil.example/tall.csv",
    "post@evil.example.csv",
    "[ref][1] [1]: https://evil.example.csv",
    "_*fet*_ $x^2$ :red[farge] `kode`.csv",
]
MUNIS = ["4003", "4010", "4012", "4014", "4016", "4018", "4020", "4022", "4024"]

# --- what counts as live markup --------------------------------------------------------------

ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")     # a backslash before ASCII punctuation


def live_markup(md: str) -> list[str]:
    """What in `md` Streamlit's markdown (GitHub-flavoured) would render as a link, an image or
    HTML. Escaped characters are text; bare web and e-mail addresses are links in GFM even when
    their punctuation is escaped, so those are looked for in the text as the reader sees it."""
    masked = ESCAPED.sub("\x00", md)
    seen = ESCAPED.sub(r"\1", md)
    found = []
    if "![" in masked:
        found.append("bilde")
    if re.search(r"\][(\[]", masked) or re.search(r"(?m)^\s*\[[^\]]*\]:", masked):
        found.append("lenke")
    if re.search(r"<[A-Za-z!/?]", masked):
        found.append("HTML")
    if re.search(r"(?i)\b(?:https?|ftp|mailto|xmpp)://|(?i:www)\.[\w-]", seen) or \
            re.search(r"[\w.+-]@[\w-]+\.[\w-]", seen):
        found.append("nettadresse")
    return found


def test_the_oracle_finds_what_it_should():
    for bad in ("[x](y)", "![x](y)", "<img src=y>", "www.x.no", "a@b.no", "se https://x.no",
                "[x][1]", "[1]: http://x"):
        assert live_markup(bad), bad
    for fine in ("\\[x\\](y)", "!\\[x\\](y)", "\\<img\\>", "www\u2060.x.no", "a\u2060@b.no",
                 ":small[tekst]", "Rader: **12**"):
        assert not live_markup(fine), fine


NOT_MARKDOWN = {"id", "form_id", "key", "url", "deferred_file_id", "mime", "code_text", "language",
                "file_name", "type", "icon", "default", "value", "width_config", "height_config"}


def rendered_texts(at) -> list[tuple[str, str]]:
    """(element type, text) for every string Streamlit renders as markdown: bodies, labels,
    help texts, options, captions, expander labels — walked through every element's proto."""
    out: list[tuple[str, str]] = []

    def strings(msg, kind):
        for fd, value in msg.ListFields():
            if fd.name in NOT_MARKDOWN:
                continue
            if isinstance(value, (str, bytes, int, float, bool)) or hasattr(value, "ListFields"):
                values = [value]
            else:                                   # a repeated field
                values = list(value)
            for v in values:
                if isinstance(v, str):
                    out.append((f"{kind}.{fd.name}", v))
                elif hasattr(v, "ListFields"):
                    strings(v, kind)

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None and hasattr(proto, "ListFields"):
            strings(proto, getattr(node, "type", type(node).__name__))
        for child in getattr(node, "children", {}).values():
            walk(child)
    walk(at._tree)
    return out


def assert_no_live_markup(at) -> int:
    """Nothing user-given is live; st.html (the app's own <script> setting the page language)
    is HTML by design and must not hold anything user-given."""
    texts = rendered_texts(at)
    assert not [t for kind, t in texts if kind.startswith("html.") and "evil" in t]
    bad = [(kind, t, live_markup(t)) for kind, t in texts
           if not kind.startswith("html.") and live_markup(t)]
    assert not bad, "\n".join(f"{k}: {t!r} → {w}" for k, t, w in bad)
    return len(rendered_texts(at))


# --- fixtures ----------------------------------------------------------------------------------

@pytest.fixture
def site(writable_db, monkeypatch):
    monkeypatch.setenv("INNENFOR_DB", str(writable_db))
    monkeypatch.setenv("INNENFOR_COORDINATORS", f"kari={HASH}")
    return writable_db


def one_row(muni: str) -> bytes:
    return (HEADER + f"ufore;{muni};2026;18-29;alle;alle;30;900;\n").encode("utf-8")


# --- file names --------------------------------------------------------------------------------

def test_hostile_file_names_are_plain_text_everywhere_on_the_data_page(site, monkeypatch):
    for name, muni in zip(HOSTILE, MUNIS):                       # in the history
        assert workspace.save(name, one_row(muni), "kari", site).outcome == "loaded"
    at = sign_in(open_data())
    names = [n for n in HOSTILE]
    history = text(at)
    for name in names:                                            # shown, as written
        assert name.replace("\\", "") in history.replace("\u2060", ""), name
    checked = assert_no_live_markup(at)
    assert checked > 50
    # The hover texts of «Original» and «Angre» name the file, escaped.
    helps = [b.help for b in at.get("download_button") if b.label == "Original"]
    assert len(helps) == len(HOSTILE) and all(h.startswith("Last ned «") for h in helps)

    # A card for each uploaded file (its title, facts and messages), a failed save (the flash
    # names the file) and the undo question.
    at = upload(at, *[(n, UFORE_2026) for n in HOSTILE[:3]])
    assert_no_live_markup(at)

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(store, "archive", full)
    at.button(key="save_all").click().run()
    ok(at)
    assert "Lagringen stoppet fordi disken er full" in "\n".join(e.value for e in at.error)
    assert_no_live_markup(at)
    sid = int(workspace.history(site).iloc[0].source_id)
    at.button(key=f"undo_{sid}").click().run()
    ok(at)
    assert at.warning and "Fjerne" in at.warning[-1].value
    assert_no_live_markup(at)


# --- the uploader ------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["anonym", "feil passord", "låst ute", "konto fjernet",
                                 "ukjent organisasjonskonto"])
def test_only_a_signed_in_coordinator_gets_an_uploader(who, site, monkeypatch):
    """No file uploader exists in the page (so the browser has nowhere to send files) unless a
    coordinator is signed in."""
    secrets = None
    if who == "ukjent organisasjonskonto":
        secrets = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                            "cookie_secret": "x", "client_id": "id", "client_secret": "s",
                            "server_metadata_url": "https://login.example/.well-known/openid"},
                   "coordinators_oidc": {"emails": ["kari@kommune.no"]}}
        at = open_data(secrets, {"is_logged_in": True, "email": "per@kommune.no"})
    else:
        at = open_data()
    if who == "feil passord":
        sign_in(at, password="feil")
    elif who == "låst ute":
        for _ in range(access.MAX_FAILURES):
            sign_in(at, password="feil")
        sign_in(at)
    elif who == "konto fjernet":
        sign_in(at)
        assert at.get("file_uploader")
        monkeypatch.setenv("INNENFOR_COORDINATORS", f"ola={HASH}")
        at.run()
    ok(at)
    assert not at.get("file_uploader") and "Logget inn som" not in text(at)
    assert not [b for b in at.button if b.label in ("Lagre", "Angre")]


# --- sign-in from two browsers -------------------------------------------------------------------

def test_a_strangers_wrong_passwords_do_not_lock_out_the_coordinators_browser(site, monkeypatch):
    monkeypatch.setattr(coordinator, "client_id", lambda: "adresse:203.0.113.9")
    stranger = open_data()
    for _ in range(access.MAX_FAILURES):
        sign_in(stranger, password="gjett")
    sign_in(stranger)
    assert "For mange mislykkede forsøk" in stranger.error[0].value
    monkeypatch.setattr(coordinator, "client_id", lambda: "nettleser:karis")
    kari = sign_in(open_data())
    assert "Logget inn som kari" in text(kari) and kari.get("file_uploader")


def test_the_client_is_the_browser_cookie_else_the_address():
    token = bytes(range(16))
    mask = b"\x01\x02\x03\x04"
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(token))
    cookie = f"2|{mask.hex()}|{masked.hex()}|1700000000"
    assert guard._xsrf_token(cookie) == token.hex()
    other_mask = b"\x09\x09\x09\x09"                    # masked anew on the next page load
    again = f"2|{other_mask.hex()}|{bytes(b ^ 9 for b in token).hex()}|1700000000"
    assert guard._xsrf_token(again) == token.hex()
    assert guard._xsrf_token("tull") is None
    assert coordinator.client_id() == "adresse:lokal"  # no browser behind this call


# --- a disk that refuses ---------------------------------------------------------------------------

def test_a_full_disk_or_read_only_folder_is_a_message_on_the_data_page(site, monkeypatch):
    at = upload(sign_in(open_data()), ("uføre 2026.csv", UFORE_2026))
    before = site.read_bytes()

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(store, "archive", full)
    [save] = [b for b in at.button if b.label == "Lagre"]
    save.click().run()
    ok(at)
    err = "\n".join(e.value for e in at.error).replace("\\", "")
    assert "«uføre 2026.csv» ble ikke lagret. Lagringen stoppet fordi disken er full" in err
    assert "Frigjør plass på disken og prøv igjen." in err
    assert site.read_bytes() == before
    assert not (site.parent / "raw" / hashlib.sha256(UFORE_2026).hexdigest()).exists()
    assert "Ingenting er lagret ennå" in text(at)            # true: nothing was

    def read_only(*a, **k):
        raise OSError(errno.EROFS, "Read-only file system")
    monkeypatch.setattr(store, "locked", read_only)
    sid = int(workspace.history(site).iloc[0].source_id)
    at.button(key=f"undo_{sid}").click().run()
    at.button(key=f"undo_yes_{sid}").click().run()
    ok(at)
    err = "\n".join(e.value for e in at.error).replace("\\", "")
    assert "Lagringen stoppet fordi Innenfor får ikke skrive i mappen" in err
    assert "Lageret er som før; filen ligger der fortsatt." in err
    assert not [m for m in at.success if "er fjernet" in m.value]


# --- secrets.toml --------------------------------------------------------------------------------

@pytest.fixture
def broken_secrets(tmp_path):
    bad = tmp_path / "secrets.toml"
    bad.write_text('[coordinators]\nkari = "scrypt$..."\nola = scrypt$uten-anførselstegn\n',
                   encoding="utf-8")
    before = st_config.get_option("secrets.files")
    st_config.set_option("secrets.files", [str(bad)])
    yield bad
    st_config.set_option("secrets.files", before)


def test_a_secrets_file_that_cannot_be_read_is_named_not_taken_for_no_accounts(
        broken_secrets, writable_db, monkeypatch):
    monkeypatch.setenv("INNENFOR_DB", str(writable_db))
    monkeypatch.delenv("INNENFOR_COORDINATORS", raising=False)
    at = open_data()
    said = text(at)
    assert f"Innstillingsfilen {broken_secrets} kunne ikke leses (feil på linje 3, tegn 7)" in said, said
    assert "ingen koordinatorer er satt opp" not in said
    assert "Rett feilen i filen og last siden på nytt." in said
    # With an account in the environment the form is there, and the notice too.
    monkeypatch.setenv("INNENFOR_COORDINATORS", f"kari={HASH}")
    at = open_data()
    assert "kunne ikke leses (feil på linje 3" in "\n".join(w.value for w in at.warning).replace("\\", "")
    assert sign_in(at) and "Logget inn som kari" in text(at)


def test_a_readable_secrets_file_gives_no_notice(tmp_path, writable_db, monkeypatch):
    good = tmp_path / "secrets.toml"
    good.write_text('[coordinators]\nkari = "x"\n', encoding="utf-8")
    before = st_config.get_option("secrets.files")
    st_config.set_option("secrets.files", [str(good), str(tmp_path / "finnes-ikke.toml")])
    try:
        assert coordinator.secrets_problem() is None
    finally:
        st_config.set_option("secrets.files", before)


def test_passwords_in_the_how_to_are_scrypt_hashes(writable_db, monkeypatch):
    monkeypatch.setenv("INNENFOR_DB", str(writable_db))
    monkeypatch.delenv("INNENFOR_COORDINATORS", raising=False)
    said = text(open_data())
    assert 'kari = "scrypt$32768$8$3$..."' in said and "pbkdf2" not in said
    assert PASSWORD not in said


# --- «Original» bound to the session -----------------------------------------------------------

def test_an_original_is_served_only_while_signed_in_and_deleted_at_sign_out(site, monkeypatch):
    """Against Streamlit's own media store (the private parts ui.coordinator relies on are
    checked here, so an upgrade that changes them fails this test): the download is produced
    only while the session's token is valid, and revoking deletes what it produced."""
    from streamlit import runtime
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    class Runtime:
        media_file_mgr = MediaFileManager(MemoryMediaFileStorage("/media"))
    monkeypatch.setattr(runtime, "get_instance", lambda: Runtime)
    mgr = Runtime.media_file_mgr
    data = one_row("4003")
    assert workspace.save("fil.csv", data, "kari", site).outcome == "loaded"
    sha = hashlib.sha256(data).hexdigest()
    state: dict = {}
    monkeypatch.setattr(guard.st, "session_state", state)
    get, mime = coordinator.original(sha, "kari", "fil.csv"), coordinator.original_mime("kari")
    assert mime.startswith("application/octet-stream; innenfor-okt=")
    deferred = mgr.add_deferred(get, mime, "coords", file_name="fil.csv")
    url = mgr.execute_deferred(deferred)
    media_id = url.rsplit("/", 1)[-1].split(".")[0]
    assert mgr._storage.get_file(media_id).content == data
    coordinator.sign_out()                                   # revokes the token, deletes the file
    with pytest.raises(Exception, match="No media file"):
        mgr._storage.get_file(media_id)
    with pytest.raises(Exception, match="Callable execution failed: økten er logget ut"):
        mgr.execute_deferred(deferred)
    # Another session (another token) gets another id for the same bytes.
    state.clear()
    other = coordinator.original_mime("kari")
    assert other != mime
