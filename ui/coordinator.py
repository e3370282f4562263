"""The coordinator side of the "Data" page: who is signed in, the preview of each uploaded file,
saving, history and undo. The rules live in loaders.access and loaders.workspace; this module
only keeps the session's state and turns results into what the page shows (app_pages/data.py);
what binds a sign-in and a download to the browser session is ui.guard.

Signed in means st.session_state["coordinator"] holds a name that is still a configured
account (removing an account signs its sessions out at their next rerun), or an OIDC user
(st.login) whose e-mail is listed in secrets [coordinators_oidc] emails."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from indicators import format as fmt
from loaders import access, pipeline, ssb_api, store, workspace
from ui import data, plans_form
from ui.guard import client_id, revoke_downloads
from ui.guard import original as original  # re-exported: the page uses co.original …
from ui.guard import original_mime as original_mime
from ui.guard import secrets_problem as secrets_problem
from ui.markdown import escape as md_escape
from vocab import i18n, indicators, settings
from vocab.i18n import N_, _, ngettext
from vocab.numbers import integer
from vocab.periods import month_name

USER_KEY = "coordinator"
OSLO = ZoneInfo("Europe/Oslo")
# The loaders' message for an SSB file without a year (the page asks for it in a field instead).
# The message is written in the run's language; its example command line is the same in all.
NEEDS_YEAR = "sier ikke hvilket år"
NEEDS_YEAR_COMMAND = "loaders load --period"
YEAR = re.compile(r"(19|20)\d\d")


# --- configuration -----------------------------------------------------------------------------

def secrets() -> dict:
    """st.secrets as a plain dict; {} when there is no secrets file (Streamlit raises then)."""
    try:
        return st.secrets.to_dict()
    except Exception:  # noqa: BLE001 - no or unreadable secrets file: nothing configured there
        return {}


def accounts() -> dict[str, str]:
    """Password accounts: secrets [coordinators] and INNENFOR_COORDINATORS."""
    return access.accounts(secrets())


def oidc() -> dict | None:
    """{"provider": name or None, "emails": {...}} when secrets has an [auth] section."""
    s = secrets()
    auth = settings.secret(s, "auth")
    if not isinstance(auth, dict) or not auth:
        return None
    provider = None
    if "client_id" not in auth:       # named providers: [auth.microsoft], [auth.google] ...
        provider = next((k for k, v in auth.items() if isinstance(v, dict)), None)
    emails = settings.secret(s, "coordinators_oidc.emails") or []
    if isinstance(emails, str):
        emails = [emails]
    return {"provider": provider, "emails": {str(e).strip().lower() for e in emails if str(e).strip()}}


def uploads_enabled() -> bool:
    o = oidc()
    return bool(accounts()) or bool(o and o["emails"])


def oidc_email() -> str | None:
    """The e-mail of a user signed in with st.login, else None."""
    try:
        if st.user.get("is_logged_in"):
            return str(st.user.get("email") or "").strip().lower() or None
    except Exception:  # noqa: BLE001 - st.user is unavailable without auth support
        return None
    return None


def current_user() -> str | None:
    """The signed-in coordinator's name, or None (anonymous)."""
    name = st.session_state.get(USER_KEY)
    if name:
        if name in accounts():
            return name
        sign_out()                                # the account was removed meanwhile
    email, o = oidc_email(), oidc()
    if email and o and email in o["emails"]:
        return email
    return None


def sign_in(name: str, password: str) -> tuple[bool, str]:
    ok, msg = access.sign_in(name, password, accounts(), client=client_id())
    if ok:
        revoke_downloads()
        st.session_state[USER_KEY] = (name or "").strip()
        forget_uploads()
    return ok, msg


def sign_out() -> None:
    revoke_downloads()
    st.session_state.pop(USER_KEY, None)
    forget_uploads()


def forget_uploads() -> None:
    for k in [k for k in st.session_state if str(k).startswith("_data_")]:
        del st.session_state[k]


# --- size limit --------------------------------------------------------------------------------

def max_upload_mb() -> int:
    """The per-file limit: INNENFOR_MAX_UPLOAD_MB (pipeline.MAX_BYTES), capped by Streamlit's
    server.maxUploadSize (.streamlit/config.toml), which the server enforces on every upload."""
    mb = pipeline.MAX_BYTES // (1024 * 1024)
    try:
        mb = min(mb, int(st.get_option("server.maxUploadSize")))
    except Exception:  # noqa: BLE001
        pass
    return max(1, mb)


def too_big(size: int) -> str | None:
    limit = max_upload_mb()
    if size > limit * 1024 * 1024:
        return _("Filen er for stor ({size} MB). Største tillatte størrelse er {limit} MB. Del "
                 "filen opp (f.eks. ett år per fil) og last inn delene.").format(
                     size=fmt.number(size / 1024 / 1024, 1), limit=limit)
    return None


# --- preview -----------------------------------------------------------------------------------

@dataclass
class Card:
    """What the page shows for one uploaded file."""
    file_id: str
    name: str
    size: int
    state: str                      # too_big | saved | checked | rejected | duplicate
    sha256: str = ""
    period: str | None = None       # the year used for a file that does not state it
    format_name: str = ""
    message: str = ""
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    facts: list = field(default_factory=list)     # (label, value) pairs
    rejected_rows: int = 0
    needs_year: bool = False
    hint: str = ""
    conflicts: int = 0              # figures another source has otherwise: the user must choose
    preliminary: bool = False       # the user marked the figures preliminary
    choice: str | None = None       # on a conflict: 'ny' (this file's figures) or 'gammel'

    @property
    def can_save(self) -> bool:
        return self.state == "checked"


def year_input(value: str | None) -> tuple[str | None, str | None]:
    """(year to use or None, error text or None) from the year field."""
    v = (value or "").strip()
    if not v:
        return None, None
    if YEAR.fullmatch(v):
        return v, None
    return None, _("«{value}» er ikke et årstall. Skriv året med fire sifre, f.eks. 2023.").format(
        value=v)


def _sha(f) -> str:
    cache = st.session_state.setdefault("_data_sha", {})
    if f.file_id not in cache:
        cache[f.file_id] = hashlib.sha256(f.getvalue()).hexdigest()
    return cache[f.file_id]


def _store_stamp():
    try:
        return data.key()
    except data.StoreUnavailable:
        return None


def card(f, year: str | None, hist: pd.DataFrame, *, preliminary: bool = False,
         choice: str | None = None) -> Card:
    """The preview of an uploaded file (cached per file, year, the user's choices and store
    version)."""
    if (msg := too_big(f.size)) is not None:          # refused before its bytes are read
        return Card(f.file_id, f.name, f.size, "too_big", message=msg)
    sha = _sha(f)
    if not hist.empty and sha in set(hist["sha256"]):
        row = hist[hist["sha256"] == sha].iloc[0]
        if row["file_name"] != f.name:
            message = _("Lagret {time} av {who} (som «{name}»).").format(
                time=when(row["loaded_at"]), who=who(row), name=row["file_name"])
        else:
            message = _("Lagret {time} av {who}.").format(time=when(row["loaded_at"]), who=who(row))
        return Card(f.file_id, f.name, f.size, "saved", sha256=sha, format_name=row["format"],
                    message=message)
    key = (f.file_id, year, _store_stamp(), preliminary, choice)
    cache = st.session_state.setdefault("_data_cards", {})
    if key not in cache:
        for old in [k for k in cache if k[0] == f.file_id]:    # another year or store version
            del cache[old]
        cache[key] = _preview(f, sha, year, preliminary, choice)
    return cache[key]


def forget_removed(files) -> None:
    """Drop the previews and hashes of files no longer in the uploader."""
    ids = {f.file_id for f in files}
    cards = st.session_state.get("_data_cards", {})
    for k in [k for k in cards if k[0] not in ids]:
        del cards[k]
    shas = st.session_state.get("_data_sha", {})
    for k in [k for k in shas if k not in ids]:
        del shas[k]


def _preview(f, sha: str, year: str | None, preliminary: bool, choice: str | None) -> Card:
    content = f.getvalue()
    opts = {"preliminary": preliminary, "on_conflict": choice}
    p = workspace.preview(f.name, content, None, **opts)
    needs_year = p.result.outcome == "rejected" and (
        NEEDS_YEAR in p.result.message or NEEDS_YEAR_COMMAND in p.result.message)
    used = None
    if needs_year and year:
        p, used = workspace.preview(f.name, content, None, period=year, **opts), year
    r = p.result
    c = Card(f.file_id, f.name, f.size, r.outcome, sha256=sha, period=used,
             format_name=r.format_name, message=r.message, problems=list(r.problems),
             warnings=list(r.warnings), rejected_rows=r.rejected_rows,
             needs_year=needs_year and not year, conflicts=r.conflicts,
             preliminary=preliminary, choice=choice)
    if replaced := p.summary.get("erstatter demodata"):
        c.hint = _("Når filen er lagret, vises de ekte tallene og ikke lenger demodataene for "
                   "{indicators}.").format(
                       indicators=fmt.listing([indicators.get(i).short for i in replaced]))
    if c.needs_year:
        c.message = _("Filen sier ikke hvilket år tallene gjelder. Skriv året i feltet «År (for "
                      "filer uten årstall)» over, så kontrolleres filen på nytt. Sjekk året i "
                      "SSB-tabellen filen ble hentet fra.")
    c.facts = facts(r.observations, p.summary, r.release) or plans_form.file_facts(f.name, content) or (
        [(_("Rader i filen"), fmt.number(r.rejected_rows))] if r.rejected_rows else [])
    r.observations = None                 # the card keeps only what it shows
    return c


def facts(obs: pd.DataFrame | None, summary: dict, release=None) -> list[tuple[str, str]]:
    if obs is None or obs.empty or not summary:
        return []
    ids = sorted(obs["indicator"].unique())
    periods = sorted(obs["period"].unique())
    out = [
        (_("Indikatorer"), "; ".join(indicators.get(i).short for i in ids)),
        (_("Aldersgrupper"), summary["aldersgrupper"]),
        (_("Kjønn"), summary["kjønn"]),
        (_("Kommuner"), fmt.number(summary["kommuner"])),
        (_("Perioder"), f"{fmt.period_range(periods)} ({fmt.number(len(periods))})"),
        (_("Rader"), fmt.number(summary["rader"])),
        (_("Skjermet"), fmt.number(summary["skjermet"])),
        (_("Mangler"), fmt.number(summary["mangler"])),
    ]
    if release is not None:
        edition = (_("{product}, publisert {date}").format(
            product=release.product, date=plans_form.day_text(release.published))
            if release.published else str(release.product))
        if release.preliminary:
            edition = _("{edition} (foreløpige tall)").format(edition=edition)
        out.insert(1, (_("Utgave"), edition))
    return out


# Marked N_: choice_text() translates them where shown.
CHOICES = {"ny": N_("Vis tallene i denne filen"), "gammel": N_("Vis fortsatt tallene som er lagret")}


def choice_text(key: str) -> str:
    return _(CHOICES[key]) if key in CHOICES else key


def size_text(n: int) -> str:
    if n < 1024:
        return ngettext("{n}\u00a0byte", "{n}\u00a0byte", n).format(n=integer(n))
    if n < 1024 * 1024:
        return fmt.number(n / 1024, 1 if n < 10 * 1024 else 0) + "\u00a0kB"
    return fmt.number(n / 1024 / 1024, 1) + "\u00a0MB"


_ROW = re.compile(r"(?:Rad|rad) (\d+)")


def by_row(problems: list[str]) -> list[str]:
    """Problems in row order (the loaders list them check by check); those without a row last."""
    def key(p: str):
        m = _ROW.search(p[:40])
        return (0, int(m[1])) if m else (1, 0)
    return sorted(problems, key=key)


# --- save, undo, SSB ---------------------------------------------------------------------------

def flash(kind: str, text: str) -> None:
    """A message shown once, at the next run (after st.rerun). It is markdown: file names and
    cell contents in it must be escaped (md_escape), or «*» and «_» in them turn into emphasis."""
    st.session_state.setdefault("_data_flash", []).append((kind, text))


def take_flash() -> list[tuple[str, str]]:
    return st.session_state.pop("_data_flash", [])


def save(f, c: Card, user: str) -> pipeline.LoadResult:
    r = workspace.save(f.name, f.getvalue(), user, None, period=c.period,
                       preliminary=c.preliminary, on_conflict=c.choice)
    if r.outcome == "loaded":
        flash("success", ngettext("Lagret «{name}»: {n} rad. Tallene vises nå på alle sidene.",
                                  "Lagret «{name}»: {n} rader. Tallene vises nå på alle sidene.",
                                  r.rows).format(name=md_escape(f.name), n=fmt.number(r.rows)))
    else:
        flash("error", _("«{name}» ble ikke lagret. {message}").format(
            name=md_escape(f.name), message=md_escape(r.message))
            + "".join(f"\n- {md_escape(p)}" for p in r.problems[:10]))
    return r


def _in_history(source_id: int) -> bool | None:
    """Whether the store's history lists the load (None: the history could not be read)."""
    try:
        h = workspace.history(None)
    except Exception:  # noqa: BLE001 - judged by the message instead
        return None
    return not h.empty and int(source_id) in {int(x) for x in h["source_id"]}


def undo(source_id: int) -> str:
    """Undo one load; a success or an error message (in the run's language) for the next run.
    Success is judged by the history (the message is translated), else by the bokmål words."""
    before = _in_history(source_id)
    msg = workspace.undo(int(source_id), None)
    after = _in_history(source_id) if before else None
    ok = (before is True and after is False) if after is not None else "fjernet" in msg
    flash("success" if ok else "error", md_escape(msg))
    return msg


def fetch_ssb(user: str, progress=None) -> list[ssb_api.Fetched]:
    """Both NEET tables from SSB's API (13563, then 13556), only what SSB published since the
    stored release, each loaded as a file would be; one message per table."""
    found = ssb_api.fetch_all(None, user=user, only_newer=True, progress=progress)
    for f in found:
        kind = "error" if not f.ok else "success" if f.new else "info"
        warnings = [w for r in f.results for w in r.warnings]
        flash(kind, md_escape(f.message) + "".join(f"\n- {md_escape(w)}" for w in warnings[:5]))
    return found


def history() -> pd.DataFrame:
    try:
        return workspace.history(None)
    except Exception:  # noqa: BLE001 - an unreadable store shows as "no history" plus a notice
        return pd.DataFrame()


def when(ts) -> str:
    """dd.mm.yyyy hh:mm in Norwegian time. The store keeps the server's local time (DuckDB's
    TimeZone setting when it was written), without a zone."""
    if ts is None or pd.isna(ts):
        return fmt.DASH
    d = pd.Timestamp(ts).to_pydatetime()
    if d.tzinfo is None:
        d = d.astimezone()                    # read as the server's local time
    d = d.astimezone(OSLO)
    if i18n.current() == "en":
        return f"{d.day} {month_name(d.month)[:3]} {d.year} {d:%H:%M}"
    return d.strftime("%d.%m.%Y %H:%M")


def who(row) -> str:
    by = row.get("loaded_by")
    if by and not pd.isna(by):
        return str(by)
    return fmt.DASH          # loaded from the command line (the demo build, `loaders load`)


def indicator_names(ids) -> str:
    if ids is None or (isinstance(ids, float) and pd.isna(ids)) or not str(ids).strip():
        return fmt.DASH
    out = []
    for i in str(ids).split(","):
        i = i.strip()
        try:
            out.append(indicators.get(i).short)
        except Exception:  # noqa: BLE001 - an indicator no longer defined: show its id
            out.append(i)
    return "; ".join(out)


def history_rows(hist: pd.DataFrame) -> list[dict]:
    rows = []
    for r in hist.to_dict("records"):
        periods = [p for p in (r.get("first_period"), r.get("last_period"))
                   if p is not None and not pd.isna(p)]
        rows.append({
            "source_id": int(r["source_id"]), "time": when(r["loaded_at"]), "who": who(r),
            "file_name": str(r["file_name"]), "format": str(r["format"]),
            "rows": fmt.number(r["rows_loaded"]), "sha256": str(r["sha256"]),
            "sha_short": str(r["sha256"])[:12], "indicators": indicator_names(r.get("indicators")),
            "periods": fmt.period_range(periods) if periods else fmt.DASH,
            "demo": bool(r.get("is_demo")),
        })
    return rows


def last_updated(hist: pd.DataFrame) -> str | None:
    if hist.empty:
        return None
    return when(hist["loaded_at"].max())


def has_original(sha256: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-f]{64}", sha256)) and \
        store.has_original(sha256, store.db_path().parent / "raw")
