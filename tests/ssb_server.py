"""A stand-in for SSB's PxWebApi v2 in tests: answers /tables/{id}/metadata and /tables/{id}/data
with JSON-stat2 in SSB's shape (dimension order, K-/F- region codes, `updated`, `note`, `status`
symbols, `extension.px.tableid`), for the values a request chooses — as recorded from SSB — and
can answer 429 or time out. Used as the `opener` of loaders.ssb_api (urllib's urlopen)."""
from __future__ import annotations

import io
import itertools
import json
import urllib.error
import urllib.parse
from email.message import Message

NEET13563 = "Utenfor arbeid, utdanning og arbeidsmarkedstiltak"
TITLES = {"13563": "13563: Kommunefordelt arbeidsstyrkestatus (inkl. NEET) for personer 15 år og eldre, "
                   "etter region, alder, innvandringskategori, prioritert arbeidsstyrkestatus, "
                   "statistikkvariabel og år",
          "13556": "13556: Personer 15-29 år, etter region, kjønn, alder, arbeidsstyrkestatus, "
                   "statistikkvariabel og år"}
REGIONS = {"13563": {"0": "Hele landet", "F-40": "Telemark", "K-4003": "Skien", "K-4010": "Siljan"},
           "13556": {"0": "Hele landet", "40": "Telemark", "4003": "Skien", "4010": "Siljan"}}
AGES = {"15-29": "15-29 år", "15-19": "15-19 år", "20-24": "20-24 år", "25-29": "25-29 år"}
# (residents, NEET) per region and age band for one year; a year moves them by `year - 2020`.
BASE = {"0": (1_000_000, 97_000), "4003": (9641, 1125), "4010": (400, 31), "40": (33_000, 3500)}
SHARE_OF_BAND = {"15-29": 1.0, "15-19": 0.34, "20-24": 0.33, "25-29": 0.33}


def _plain(code: str) -> str:
    return code.split("-", 1)[1] if code[:2] in ("K-", "F-") else code


def counts(region: str, age: str, year: str) -> tuple[int, int]:
    res, neet = BASE[_plain(region)]
    k, d = SHARE_OF_BAND[age], int(year) - 2020
    return round((res + d) * k), round((neet + d) * k)   # (the bands add up to 15–29, as SSB's do)


class SSB:
    """Call it like urlopen(url, timeout=…). `years` the table has; `updated` its time;
    `fail` a list of what the next requests do instead of answering ('429', 'timeout')."""

    def __init__(self, years=("2021", "2022", "2023"), updated="2025-03-13T07:00:00Z",
                 suppressed=(("4010", "15-19"),), note=None):
        self.years, self.updated, self.suppressed, self.note = list(years), updated, suppressed, note
        self.urls: list[str] = []
        self.fail: list[str] = []

    def __call__(self, url, timeout=None):
        self.urls.append(url)
        if self.fail:
            what = self.fail.pop(0)
            if what == "429":
                headers = Message()
                headers["Retry-After"] = "5"
                raise urllib.error.HTTPError(url, 429, "Too Many Requests", headers, io.BytesIO(b""))
            raise TimeoutError("timed out")
        parts = urllib.parse.urlsplit(url)
        table, kind = parts.path.split("/tables/")[1].split("/")
        query = {k: v for k, (v,) in urllib.parse.parse_qs(parts.query).items()}
        return io.BytesIO(json.dumps(self.document(table, kind, query), ensure_ascii=False).encode())

    def dims(self, table: str) -> list[tuple[str, str, dict]]:
        if table == "13563":
            return [("Region", "region", REGIONS[table]), ("Alder", "alder", AGES),
                    ("InnvandrKat", "innvandringskategori", {"A-G": "I alt"}),
                    ("HovArbStyrkStatus", "prioritert arbeidsstyrkestatus",
                     {"TOT": "I alt", "NEET2": NEET13563}),
                    ("ContentsCode", "statistikkvariabel", {"Bosatte": "Bosatte"}),
                    ("Tid", "år", {y: y for y in self.years})]
        return [("Region", "region", REGIONS[table]), ("Kjonn", "kjønn", {"0": "Begge kjønn"}),
                ("Alder", "alder", AGES),
                ("HovArbStyrkStatus", "arbeidsstyrkestatus",
                 {"NEET": NEET13563 + " (NEET)", "A.TOT": "I alt"}),
                ("ContentsCode", "statistikkvariabel",
                 {"Bosatte": "Bosatte", "BosatteProsent": "Bosatte (prosent)"}),
                ("Tid", "år", {y: y for y in self.years})]

    def document(self, table: str, kind: str, query: dict) -> dict:
        dims = []
        for d, label, cats in self.dims(table):
            chosen = query.get(f"valueCodes[{d}]", "*")
            if kind == "data" and chosen != "*":
                cats = {c: v for c, v in cats.items() if c in chosen.split(",")}
            dims.append((d, label, cats))
        doc = {"version": "2.0", "class": "dataset", "label": TITLES[table],
               "source": "Statistisk sentralbyrå",
               "updated": self.updated, "id": [d for d, _, _ in dims], "size": [len(c) for _, _, c in dims],
               "role": {"geo": ["Region"], "time": ["Tid"], "metric": ["ContentsCode"]},
               "dimension": {d: {"label": lab, "category": {"index": {c: i for i, c in enumerate(cats)},
                                                              "label": cats}} for d, lab, cats in dims},
               "extension": {"px": {"tableid": table, "language": "no"}}}
        if self.note:
            doc["note"] = [self.note]
        if kind == "metadata":
            return doc
        values, status = [], {}
        names = [d for d, _, _ in dims]
        for n, combo in enumerate(itertools.product(*(list(c) for _, _, c in dims))):
            at = dict(zip(names, combo))
            res, neet = counts(at["Region"], at["Alder"], at["Tid"])
            if (_plain(at["Region"]), at["Alder"]) in self.suppressed:
                values.append(None)
                status[str(n)] = ":"
                continue
            is_neet = at["HovArbStyrkStatus"] in ("NEET2", "NEET")
            if at["ContentsCode"] == "BosatteProsent":
                values.append(round(100 * neet / res, 1) if is_neet else 100.0)
            else:
                values.append(neet if is_neet else res)
        doc["value"] = values
        if status:
            doc["status"] = status
        return doc
