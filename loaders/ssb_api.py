"""Real NEET figures from SSB's open API (PxWebApi v2, JSON-stat2, CC BY 4.0): tables 13563 (NEET
and all residents, counts) and 13556 (NEET count and share), for every municipality, county and
the country, every year SSB has and every age band.

The flow for one table: its metadata (when SSB last updated it; its years, age bands and
regions) → requests of whole years, each within SSB's 800 000 cells → each response loaded
through the same JSON-stat2 reader and validation as a downloaded file, as a release of
«SSB tabell …» published at SSB's `updated` time (loaders.compare says what it revises).
SSB allows 30 requests a minute per address: requests are spaced 2 s apart, and a 429 answer is
waited out once. Nothing is loaded unless every request of the table succeeded."""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from loaders import pipeline, store
from loaders.base import RawFile
from loaders.ssb_jsonstat import timestamp
from vocab import i18n, periods
from vocab.i18n import _, ngettext
from vocab.numbers import integer

BASE = "https://data.ssb.no/api/pxwebapi/v2/tables/{table}"
MAX_CELLS = 800_000
MIN_SECONDS_BETWEEN = 60 / 30   # 30 requests a minute
RETRY_AFTER_MAX = 60.0          # seconds a 429 answer is waited out (once)
_last_request = [0.0]

# What is asked of each table; `Tid` (the years) is filled in per request from the metadata.
QUERIES = {
    # 13563: NEET and all residents (counts) per region: the share's denominator.
    "13563": {
        "lang": "no", "outputFormat": "json-stat2",
        "valueCodes[ContentsCode]": "Bosatte",
        "valueCodes[Region]": "*",
        "valueCodes[HovArbStyrkStatus]": "NEET2,TOT",
        "valueCodes[Alder]": "*", "valueCodes[InnvandrKat]": "A-G",
    },
    # 13556: NEET count and share per region (current borders).
    "13556": {
        "lang": "no", "outputFormat": "json-stat2",
        "valueCodes[ContentsCode]": "Bosatte,BosatteProsent",
        "valueCodes[Region]": "*", "codelist[Region]": "agg_KommGjeldende",
        "valueCodes[HovArbStyrkStatus]": "NEET,A.TOT", "codelist[HovArbStyrkStatus]": "vs_ArbStatus2018niva4",
        "valueCodes[Alder]": "*", "valueCodes[Kjonn]": "0",
    },
}
TABLES = tuple(QUERIES)   # 13563 first: its counts give 13556's shares their denominators

Progress = Callable[[int, int, str], None]   # (done, total, what): the terminal's or the page's bar


class TooManyCells(ValueError):
    """A request over SSB's cell limit: SSB would refuse it."""


class Unreachable(OSError):
    """SSB did not answer (offline, time-out, refused, an HTTP error): the message says what."""


@dataclass
class TableInfo:
    """What SSB's metadata says of a table."""
    table: str
    updated: datetime | None
    sizes: dict[str, int]          # dimension → how many values it has
    years: list[str]


@dataclass
class Fetched:
    """The outcome of fetching one table."""
    table: str
    message: str = ""              # one line: what happened
    results: list = field(default_factory=list)   # pipeline.LoadResult per request
    ok: bool = True                # False: SSB could not be reached or a load was refused
    new: bool = False              # something was (or, dry run, would be) stored


def url_for(table: str, query: dict | None = None, part: str = "data") -> str:
    q = QUERIES[table] if query is None else query
    return BASE.format(table=table) + f"/{part}?" + urllib.parse.urlencode(q, safe="*,()[]")


def cells(query: dict, sizes: dict[str, int]) -> int:
    """The cells a query asks for (SSB's own rule for its limit): the product over its
    dimensions of the values chosen; '*' is every value the table has (metadata)."""
    n = 1
    for key, value in query.items():
        if not key.startswith("valueCodes["):
            continue
        dim = key[len("valueCodes["):-1]
        n *= sizes.get(dim, MAX_CELLS + 1) if value == "*" else len(value.split(","))
    return n


def pages(info: TableInfo, max_cells: int = MAX_CELLS) -> list[dict]:
    """The table's query split into requests of whole years, each within `max_cells`."""
    base = QUERIES[info.table]
    per_year = cells(dict(base, **{"valueCodes[Tid]": "x"}), info.sizes)
    if per_year > max_cells:
        raise TooManyCells(_("Én årgang av tabell {table} er {cells} celler, men SSB tillater høyst "
                             "{max} per spørring. Ingenting er hentet.").format(
            table=info.table, cells=integer(per_year), max=integer(max_cells)))
    step = max(1, max_cells // per_year)
    return [dict(base, **{"valueCodes[Tid]": ",".join(info.years[i:i + step])})
            for i in range(0, len(info.years), step)]


def _get(url: str, opener, timeout: float, clock=time) -> bytes:
    """One request, spaced from the last; a 429 answer is waited out once (Retry-After)."""
    for attempt in (1, 2):
        wait = MIN_SECONDS_BETWEEN - (clock.monotonic() - _last_request[0])
        if wait > 0:
            clock.sleep(wait)
        _last_request[0] = clock.monotonic()
        try:
            with opener(url, timeout=timeout) as resp:
                return resp.read()
        except urllib.error.HTTPError as e:
            if e.code == 429 and attempt == 1:
                said = e.headers.get("Retry-After") if e.headers is not None else None
                try:
                    after = float(said or RETRY_AFTER_MAX)
                except ValueError:
                    after = RETRY_AFTER_MAX
                clock.sleep(min(max(after, MIN_SECONDS_BETWEEN), RETRY_AFTER_MAX))
                continue
            if e.code == 429:
                said = _("SSB svarte med feil {code} (for mange spørringer: SSB tillater 30 i minuttet). "
                         "Prøv igjen senere; ingenting er endret.")
            else:
                said = _("SSB svarte med feil {code}. Prøv igjen senere; ingenting er endret.")
            raise Unreachable(said.format(code=e.code)) from None
        except (TimeoutError, urllib.error.URLError, OSError) as e:
            if "timed out" in str(e) or isinstance(e, TimeoutError):
                said = _("SSB svarte ikke i tide. Ingenting er endret. ({error})")
            else:
                said = _("Fikk ikke kontakt med SSB (ingen internettforbindelse?). Ingenting er endret. "
                         "({error})")
            raise Unreachable(said.format(error=e)) from None
    raise AssertionError("unreachable")


def metadata(table: str, opener=urllib.request.urlopen, timeout: float = 30, clock=time) -> TableInfo:
    """When SSB last updated the table, and its dimensions' sizes and years."""
    data = _get(url_for(table, {"lang": "no", "outputFormat": "json-stat2"}, "metadata"),
                opener, timeout, clock)
    try:
        j = json.loads(data)
        sizes = {d: int(n) for d, n in zip(j["id"], j["size"])}
        tid = j["dimension"]["Tid"]["category"]["index"]
        years = sorted(tid, key=lambda y: tid[y]) if isinstance(tid, dict) else list(tid)
    except (ValueError, KeyError, TypeError) as e:
        raise Unreachable(_("SSB svarte, men beskrivelsen av tabell {table} kunne ikke leses ({error}). "
                            "Ingenting er endret.").format(table=table, error=e)) from None
    return TableInfo(table, timestamp(j.get("updated")), sizes, years)


def _date(d: datetime) -> str:
    """When SSB updated a table, in a status line: '13.03.2025' ('13 March 2025' in English)."""
    return periods.date_text(d) if i18n.current() == "en" else f"{d:%d.%m.%Y}"


def stored_release(db, table: str) -> datetime | None:
    """When SSB had published the newest release of the table that is in the store."""
    if not store.exists(db):
        return None
    with store.reader(db) as con:
        return con.execute("SELECT max(published_at) FROM sources WHERE product = ? AND NOT is_demo",
                           [f"SSB tabell {table}"]).fetchone()[0]


def fetch_table(table: str, db=None, *, user: str | None = None, opener=urllib.request.urlopen,
                dry_run: bool = False, only_newer: bool = False, progress: Progress | None = None,
                clock=time, max_cells: int = MAX_CELLS) -> Fetched:
    """Fetch one table and load it (all of its requests, or nothing)."""
    out = Fetched(table)
    try:
        info = metadata(table, opener, timeout=10, clock=clock)   # (offline: say so soon)
        stored = stored_release(db, table)
        if only_newer and stored is not None and info.updated is not None and info.updated <= stored:
            out.message = _("Tabell {table}: ingen nye tall (SSB oppdaterte den {date}).").format(
                table=table, date=_date(info.updated))
            return out
        queries = pages(info, max_cells)
        bodies = []
        for i, q in enumerate(queries, 1):
            if progress:
                progress(i - 1, len(queries), _("Henter tabell {table}, del {part} av {parts}").format(
                    table=table, part=i, parts=len(queries)))
            bodies.append(_get(url_for(table, q), opener, 30, clock))
    except (Unreachable, TooManyCells) as e:
        out.ok, out.message = False, _("Tabell {table}: {error}").format(table=table, error=e)
        return out
    fetched = time.strftime("%Y-%m-%d")
    for i, body in enumerate(bodies, 1):
        name = f"SSB tabell {table} hentet {fetched}" + (f" del {i}" if len(bodies) > 1 else "") + ".json"
        r = pipeline.load_raw(RawFile(name, body), db, loaded_by=user or "SSB API", dry_run=dry_run)
        out.results.append(r)
        out.ok &= r.ok
        out.new |= r.outcome in ("loaded", "checked")
    if progress:
        progress(len(bodies), len(bodies), _("Tabell {table} hentet").format(table=table))
    years = f"{info.years[0]}–{info.years[-1]}" if info.years else ""
    if not out.ok:
        out.message = _("Tabell {table}: ikke lagret. {why}").format(
            table=table, why=" ".join(r.line() for r in out.results if not r.ok))
    elif not out.new:
        out.message = _("Tabell {table}: ingen nye tall (allerede lastet inn).").format(table=table)
    else:
        rows = sum(r.rows for r in out.results)
        if dry_run and info.updated:
            said = ngettext("Tabell {table}: {n} tall for {years} kontrollert (SSB oppdaterte den {date}).",
                            "Tabell {table}: {n} tall for {years} kontrollert (SSB oppdaterte den {date}).",
                            rows)
        elif dry_run:
            said = ngettext("Tabell {table}: {n} tall for {years} kontrollert.",
                            "Tabell {table}: {n} tall for {years} kontrollert.", rows)
        elif info.updated:
            said = ngettext("Tabell {table}: {n} tall for {years} lastet inn (SSB oppdaterte den {date}).",
                            "Tabell {table}: {n} tall for {years} lastet inn (SSB oppdaterte den {date}).",
                            rows)
        else:
            said = ngettext("Tabell {table}: {n} tall for {years} lastet inn.",
                            "Tabell {table}: {n} tall for {years} lastet inn.", rows)
        out.message = said.format(table=table, n=integer(rows), years=years,
                                  date=_date(info.updated) if info.updated else "")
    return out


def fetch_all(db=None, *, tables=TABLES, **kw) -> list[Fetched]:
    """Every table, 13563 first; stops at the first one SSB cannot be reached for."""
    done = []
    for t in tables:
        done.append(fetch_table(t, db, **kw))
        if not done[-1].ok and not done[-1].results:   # SSB unreachable: the next will be too
            break
    return done

