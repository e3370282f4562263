"""«Hent nyeste fra SSB»: NEET for every municipality from SSB PxWebApi v2 (JSON-stat2),
loaded through the same JSON-stat2 loader and validation as a downloaded file.

SSB's limits: 800 000 cells per request and 30 requests a minute per IP address. Each request's
cell count is worked out before it is sent (cells()); one request per table stays far below."""
from __future__ import annotations

import math
import re
import time
import urllib.error
import urllib.parse
import urllib.request

from geo import codes
from loaders import pipeline
from loaders.base import RawFile
from vocab.numbers import integer

BASE = "https://data.ssb.no/api/pxwebapi/v2/tables/{table}/data"
MAX_CELLS = 800_000
MIN_SECONDS_BETWEEN = 60 / 30   # 30 requests a minute
_last_request = [0.0]

QUERIES = {
    # 13563: NEET and all residents (counts), per municipality and county: the share's denominator.
    "13563": {
        "lang": "no", "outputFormat": "json-stat2",
        "valueCodes[ContentsCode]": "Bosatte",
        "valueCodes[Region]": "*",
        "valueCodes[HovArbStyrkStatus]": "NEET2,TOT",
        "valueCodes[Alder]": "15-29", "valueCodes[InnvandrKat]": "A-G",
        "valueCodes[Tid]": "top(5)",
    },
    # 13556: NEET count and share per municipality (current borders), 15–29.
    "13556": {
        "lang": "no", "outputFormat": "json-stat2",
        "valueCodes[ContentsCode]": "Bosatte,BosatteProsent",
        "valueCodes[Region]": "*", "codelist[Region]": "agg_KommGjeldende",
        "valueCodes[HovArbStyrkStatus]": "NEET,A.TOT", "codelist[HovArbStyrkStatus]": "vs_ArbStatus2018niva4",
        "valueCodes[Alder]": "15-29", "valueCodes[Kjonn]": "0",
        "valueCodes[Tid]": "top(5)",
    },
}


def url_for(table: str) -> str:
    return BASE.format(table=table) + "?" + urllib.parse.urlencode(QUERIES[table], safe="*,()[]")


def _all_regions() -> int:
    """At most this many values for Region '*': every municipality and county number there
    has been since 2017, and the country."""
    counties = {**codes.counties_2020(), **codes.counties_2024(), **codes.COUNTIES_2020_2023,
                **codes.OLD_COUNTIES}
    return len(codes.known_names()) + len(counties) + 1


def cells(query: dict) -> int:
    """The cells a query asks for: the product over its dimensions of the values chosen ('*'
    counted as every region there has been, 'top(5)' as 5)."""
    sizes = []
    for key, value in query.items():
        if not key.startswith("valueCodes["):
            continue
        if value == "*":
            sizes.append(_all_regions() if key == "valueCodes[Region]" else MAX_CELLS + 1)
        elif m := re.fullmatch(r"(?:top|bottom)\((\d+)(?:,\s*\d+)?\)", value):
            sizes.append(int(m[1]))
        else:
            sizes.append(len(value.split(",")))
    return math.prod(sizes)


class TooManyCells(ValueError):
    """A request over SSB's cell limit: SSB would refuse it."""


def fetch(table: str = "13556", opener=urllib.request.urlopen, timeout: float = 30) -> bytes:
    """The JSON-stat2 response bytes; raises OSError (offline, refused, HTTP error), or
    TooManyCells before sending a request SSB would refuse."""
    n = cells(QUERIES[table])
    if n > MAX_CELLS:
        raise TooManyCells(f"Spørringen mot tabell {table} ville hentet {integer(n)} celler, "
                           f"men SSB tillater høyst {integer(MAX_CELLS)} per spørring. "
                           "Ingenting er hentet eller endret.")
    wait = MIN_SECONDS_BETWEEN - (time.monotonic() - _last_request[0])
    if wait > 0:
        time.sleep(wait)
    _last_request[0] = time.monotonic()
    with opener(url_for(table), timeout=timeout) as resp:
        return resp.read()


def fetch_and_load(db=None, user: str | None = None, table: str = "13556", opener=urllib.request.urlopen,
                   dry_run: bool = False) -> pipeline.LoadResult:
    """Fetch and load as source «SSB API». Offline: a clear message and nothing changed."""
    name = f"SSB API tabell {table} {time.strftime('%Y-%m-%d')}.json"
    try:
        data = fetch(table, opener)
    except TooManyCells as e:
        return pipeline.LoadResult(file_name=name, message=str(e))
    except urllib.error.HTTPError as e:
        return pipeline.LoadResult(file_name=name, message=(
            f"SSB svarte med feil {e.code}. Prøv igjen senere; ingenting er endret."
            + (" (For mange spørringer: SSB tillater 30 i minuttet.)" if e.code == 429 else "")))
    except (OSError, ValueError) as e:
        return pipeline.LoadResult(file_name=name, message=(
            "Fikk ikke kontakt med SSB (ingen internettforbindelse?). Ingenting er endret. "
            f"Last ned tabell {table} fra Statistikkbanken og last den opp som fil i stedet. ({e})"))
    raw = RawFile(name, data)
    return pipeline.load_raw(raw, db, loaded_by=user or "SSB API", dry_run=dry_run)


def fetch_all_and_load(db=None, user: str | None = None, opener=urllib.request.urlopen,
                       dry_run: bool = False) -> list[pipeline.LoadResult]:
    """Both tables, 13563 first: its counts with residents give each share its denominator,
    and 13556's rounded shares of the same figures then agree with them."""
    return [fetch_and_load(db, user, table, opener, dry_run) for table in QUERIES]
