"""«Hent nyeste fra SSB»: NEET for every municipality from SSB PxWebApi v2 (JSON-stat2),
loaded through the same JSON-stat2 loader and validation as a downloaded file.

SSB's limits: 800 000 cells per request and 30 requests a minute per IP address. One request per
table here stays far below both (357 municipalities × a few years × a few statuses)."""
from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request

from loaders import pipeline
from loaders.base import RawFile

BASE = "https://data.ssb.no/api/pxwebapi/v2/tables/{table}/data"
MAX_CELLS = 800_000
MIN_SECONDS_BETWEEN = 60 / 30   # 30 requests a minute
_last_request = [0.0]

# Table 13556: NEET share and count per municipality (current borders), 15–29.
QUERIES = {
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


def fetch(table: str = "13556", opener=urllib.request.urlopen, timeout: float = 30) -> bytes:
    """The JSON-stat2 response bytes; raises OSError (offline, refused, HTTP error)."""
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
