"""What ties a coordinator to one browser session, for ui.coordinator: where a sign-in attempt
comes from (the browser's cookie, else its address: loaders.access pauses per name and client),
the session's token for downloading originals (valid only while signed in), and whether a
secrets file Streamlit reads could not be read at all (which would look like «no accounts»)."""
from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import tomllib
from pathlib import Path

import streamlit as st

from loaders import store, workspace
from vocab.i18n import _

log = logging.getLogger(__name__)


# --- secrets.toml ------------------------------------------------------------------------------

_TOML_WHERE = re.compile(r"line (\d+), column (\d+)")


def secrets_problem() -> str | None:
    """A Norwegian sentence when a secrets file Streamlit reads is there but cannot be read
    (Streamlit then reads no secrets at all, which would look like «no coordinators»): which
    file, and where in it."""
    try:
        paths = st.get_option("secrets.files") or []
    except Exception:  # noqa: BLE001 - an older Streamlit without the option: nothing to check
        return None
    for path in paths:
        p = Path(path)
        if p.suffix != ".toml" or not p.is_file():
            continue
        try:
            tomllib.loads(p.read_text(encoding="utf-8"))
            continue
        except tomllib.TOMLDecodeError as e:
            m = _TOML_WHERE.search(str(e))
            where = (_("feil på linje {line}, tegn {column}").format(line=m[1], column=m[2])
                     if m else _("ikke gyldig TOML"))
        except UnicodeDecodeError:
            where = _("tegnkodingen er ikke UTF-8")
        except OSError:
            where = _("filen kan ikke åpnes")
        try:
            shown = str(p.resolve().relative_to(store.ROOT))
        except ValueError:
            shown = str(p)
        return _("Innstillingsfilen {file} kunne ikke leses ({problem}), så ingen innstillinger i "
                 "den gjelder: verken koordinatorkontoer eller innlogging med organisasjonskonto. "
                 "Rett feilen i filen og last siden på nytt.").format(file=shown, problem=where)
    return None


# --- the client -------------------------------------------------------------------------------

XSRF_COOKIE = "_streamlit_xsrf"


def client_id() -> str:
    """Where a sign-in attempt comes from, for the sign-in pause (loaders.access): the browser,
    by the random token in Streamlit's own cookie (one per browser, kept across visits), else
    the remote address; «lokal» for a session on the server itself without either."""
    try:
        cookie = st.context.cookies.get(XSRF_COOKIE)
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no browser behind this run (AppTest, bare mode)
        cookie, address = None, None
    token = _xsrf_token(cookie) if isinstance(cookie, str) else None
    address = address if isinstance(address, str) and address else "lokal"
    return f"nettleser:{token}" if token else f"adresse:{address}"


def _xsrf_token(value: str) -> str | None:
    """The token in Streamlit's «2|mask|masked token|time» cookie (masked anew on every page
    load, the same token underneath)."""
    parts = value.strip("\"'").split("|")
    if len(parts) != 4 or parts[0] != "2":
        return None
    try:
        mask, masked = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
    except ValueError:
        return None
    if not mask or not masked:
        return None
    return bytes(b ^ mask[i % len(mask)] for i, b in enumerate(masked)).hex()


# --- originals: downloads bound to the signed-in session ----------------------------------------
#
# Streamlit serves a download from /media/<id>, to whoever has the address, no cookie needed; the
# id is a hash of the bytes, the type and the file name, so two sessions downloading the same
# original would share it. Each signed-in session therefore gets a download token: its hash is
# part of the type (so the id differs per session and per sign-in), the file is produced only
# while the token is valid, and signing out revokes the token and deletes the files it produced.

DOWNLOAD_KEY = "_data_download"     # "_data_…": forget_uploads() drops it at sign-in and sign-out
_DOWNLOADS: dict[str, tuple[str, set[str]]] = {}   # token → (coordinator, media ids it produced)
_DOWNLOADS_LOCK = threading.Lock()


def download_token(user: str) -> str:
    """This session's download token for `user` (made at the first download button)."""
    tok = st.session_state.get(DOWNLOAD_KEY)
    with _DOWNLOADS_LOCK:
        if not tok or tok not in _DOWNLOADS or _DOWNLOADS[tok][0] != user:
            tok = os.urandom(24).hex()
            _DOWNLOADS[tok] = (user, set())
    st.session_state[DOWNLOAD_KEY] = tok
    return tok


def original_mime(user: str) -> str:
    tag = hashlib.sha256(download_token(user).encode()).hexdigest()[:20]
    return f"application/octet-stream; innenfor-okt={tag}"


def original(sha256: str, user: str, file_name: str = ""):
    """A callable for st.download_button: the archived bytes, read only when clicked, and
    only while this session is signed in as `user`."""
    tok, mime = download_token(user), original_mime(user)
    signed_out = _("økten er logget ut")     # the click is served in another thread: words now

    def get() -> bytes:
        with _DOWNLOADS_LOCK:
            valid = _DOWNLOADS.get(tok, ("", set()))[0] == user
        if not valid:
            raise PermissionError(signed_out)
        data = workspace.original(sha256, None)
        if data is None:
            raise FileNotFoundError(sha256)
        if (fid := _media_id(data, mime, file_name)) is not None:
            with _DOWNLOADS_LOCK:
                if tok in _DOWNLOADS:
                    _DOWNLOADS[tok][1].add(fid)
        return data
    return get


def _media_id(data: bytes, mime: str, file_name: str) -> str | None:
    """The id Streamlit's media store gives these bytes (to delete them at sign-out)."""
    try:
        from streamlit.runtime.memory_media_file_storage import _calculate_file_id
        return _calculate_file_id(data, mime, file_name or None)
    except Exception:  # noqa: BLE001 - another Streamlit: the file then expires on its own
        return None


def revoke_downloads() -> None:
    """Sign-out: this session's download token stops working, and the originals it produced are
    deleted from Streamlit's media store at once (else they stay reachable until its next
    clean-up)."""
    tok = st.session_state.get(DOWNLOAD_KEY)
    with _DOWNLOADS_LOCK:
        _user, produced = _DOWNLOADS.pop(tok, ("", set())) if tok else ("", set())
    if not produced:
        return
    try:
        from streamlit import runtime
        mgr = runtime.get_instance().media_file_mgr
        with mgr._lock:
            for fid in produced:
                if fid in mgr._file_metadata:
                    mgr._delete_file(fid)
    except Exception:   # Streamlit's media store changed: it expires them itself
        log.warning("kunne ikke slette nedlastede originaler ved utlogging", exc_info=True)
