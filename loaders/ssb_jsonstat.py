"""SSB PxWebApi v2 responses in JSON-stat 2.0 (outputFormat=json-stat2), tables 13563 and 13556:

    {"version": "2.0", "class": "dataset", "label": "13563: …",
     "id": ["Region", "Alder", "HovArbStyrkStatus", "ContentsCode", "Tid"], "size": [2, 1, 2, 1, 1],
     "role": {"geo": ["Region"], "time": ["Tid"], "metric": ["ContentsCode"]},
     "dimension": {"Region": {"label": "region", "category": {"index": {"K-3807": 0, …},
                                                              "label": {"K-3807": "Skien", …}}}, …},
     "value": [9641, 1125, …] or {"0": 9641, …},   # row-major, the last dimension fastest
     "status": {"3": ":"}}                          # SSB's symbols where a value is null

Dimensions are recognised by id (Region, Tid, Alder, Kjonn, HovArbStyrkStatus, ContentsCode,
InnvandrKat) or label; the codes ride along with the labels (NEET2, TOT3, BosatteProsent)."""
from __future__ import annotations

import itertools
import json
import math
import re
from datetime import UTC, datetime

from loaders.base import SYMBOLS, LoadError, RawFile, Release
from loaders.ssb_common import Cell, check_table, clean, dim_kind, neet_frame, release_of, table_id
from vocab import i18n
from vocab.i18n import N_, _, ngettext

NAME = N_("SSB PxWebApi JSON-stat2")   # stored as the format's name: translate where it is shown
_NONFINITE = {"inf": "Infinity", "-inf": "-Infinity", "nan": "NaN"}   # as JSON writes them


def _json(raw: RawFile):
    if raw.text is None or raw.head_text is None or not raw.head_text.lstrip().startswith("{"):
        return None
    try:
        return json.loads(raw.text)
    except ValueError:
        return None
    except RecursionError:
        raise LoadError(_(TOO_DEEP)) from None


TOO_DEEP = N_("JSON-filen er nestet for dypt (lister eller objekter inne i hverandre tusenvis av nivåer "
            "ned) til å være et svar fra SSB. Hent tabellen på nytt som JSON-stat2.")


def _looks_like(raw: RawFile) -> bool:
    """JSON-stat by its opening, so a truncated download is named as such, not as unknown."""
    head = (raw.head_text or "").lstrip()[:20000]
    return head.startswith("{") and '"dimension"' in head and ('"dataset"' in head or '"id"' in head)


def detect(raw: RawFile) -> bool:
    j = _json(raw)
    if j is None:
        return _looks_like(raw)
    return isinstance(j, dict) and (
        (j.get("class") == "dataset" and "dimension" in j) or
        (isinstance(j.get("dataset"), dict) and "dimension" in j["dataset"]))   # JSON-stat 1


def read(raw: RawFile):
    j = _json(raw)
    if j is None:
        raise LoadError(_("JSON-stat-filen kan ikke leses: den er avkortet eller ikke gyldig JSON. "
                          "Hent tabellen på nytt fra SSB."))
    if "dataset" in j and "class" not in j:
        raise LoadError(_("Dette er JSON-stat versjon 1 (SSBs gamle API). Hent tabellen på nytt fra "
                          "PxWebApi v2 med outputFormat=json-stat2."))
    for key in ("id", "size", "dimension", "value"):
        if key not in j:
            raise LoadError(_("JSON-stat2-svaret mangler «{key}»; filen kan være avkortet eller ikke et "
                              "svar fra SSBs API.").format(key=key))
    _check_size(j)
    return j, raw.period_hint, raw._notes


MAX_CELLS = 10_000_000   # cells a response may declare (the product of `size`)
MAX_SPARSE = 50          # … and at most this many per value it gives


def _check_size(j: dict) -> None:
    """Refuse a response whose `size` declares far more cells than it could hold (a 200 kB file
    declaring 10⁸ cells), before anything is built for them."""
    size, values = j["size"], j["value"]
    if not isinstance(size, list) or not all(isinstance(n, int) and not isinstance(n, bool)
                                             and n >= 0 for n in size):
        raise LoadError(_("JSON-stat2-svaret har en ugyldig «size»: den skal være en liste med antall "
                          "kategorier per dimensjon. Hent tabellen på nytt fra SSB."))
    total = math.prod(size)
    given = len(values) if isinstance(values, (list, dict)) else 0
    if total > MAX_CELLS or total > MAX_SPARSE * max(given, 1):
        raise LoadError(_("JSON-stat2-svaret sier det har {cells} celler (produktet av «size»), men gir "
                          "bare {values} verdier. Innenfor leser høyst {max} celler, og høyst {sparse} "
                          "per verdi som er gitt. Filen er skadet eller ikke et svar fra SSBs API; hent "
                          "tabellen på nytt.").format(cells=_spaced(total), values=_spaced(given),
                                                      max=_spaced(MAX_CELLS), sparse=MAX_SPARSE))


def _spaced(n: int) -> str:
    if n >= 10 ** 15:
        return f"10^{len(str(n)) - 1}"
    return f"{n:,}" if i18n.current() == "en" else f"{n:,}".replace(",", " ")


def _categories(j: dict) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(dimension id, dimension label, [(code, label)] in index order) per dimension."""
    ids, size = j["id"], j["size"]
    if not isinstance(ids, list) or not isinstance(size, list) or len(ids) != len(size):
        raise LoadError(_("JSON-stat2-svaret har ulikt antall dimensjoner i «id» og «size»."))
    out = []
    for d, n in zip(ids, size):
        dim = j["dimension"].get(d)
        if not isinstance(dim, dict) or not isinstance(dim.get("category"), dict):
            raise LoadError(_("JSON-stat2-svaret mangler beskrivelsen av dimensjonen «{dimension}».")
                            .format(dimension=d))
        cat = dim["category"]
        index, labels = cat.get("index"), cat.get("label") or {}
        if index is None:
            order = list(labels)
        elif isinstance(index, list):
            order = index
        else:
            order = sorted(index, key=index.get)
        if len(order) != n:
            raise LoadError(_("Dimensjonen «{dimension}» har {n} kategorier, men «size» sier {size}.")
                            .format(dimension=d, n=len(order), size=n))
        out.append((d, clean(dim.get("label", d)), [(str(c), clean(labels.get(c, c))) for c in order]))
    return out


def _text(code: str, label: str) -> str:
    """'K-3807' + 'Skien' → 'K-3807 Skien'; the code is kept for status/content (NEET2, TOT3)."""
    return label if not label or code == label or label.startswith(code + " ") else f"{code} {label}"


def _shown(key) -> str:
    return str(int(key) + 1) if str(key).isdigit() else f"«{str(key)[:20]}»"


def _get(container, i: int):
    if isinstance(container, list):
        return container[i] if i < len(container) else None
    if isinstance(container, dict):
        return container.get(str(i))
    return container   # one status string for every cell


def release(raw: RawFile) -> Release:
    """Table number and SSB's `updated` time (PxWebApi v2), which orders releases."""
    j = _json(raw) or {}
    tid = ((j.get("extension") or {}).get("px") or {}).get("tableid") or table_id(j.get("label") or "")
    rel = release_of([tid], timestamp(j.get("updated")))
    notes = j.get("note") or []
    said = [clean(n) for n in (notes if isinstance(notes, list) else [notes])
            if "foreløpig" in str(n).lower()]
    if said:                      # SSB's own words, e.g. «Tallene for siste årgang er foreløpige.»
        rel.preliminary, rel.words = True, said[0][:200]
        years = re.findall(r"\b(?:19|20)[0-9]{2}\b", said[0])
        tid = ((j.get("dimension") or {}).get("Tid") or {}).get("category") or {}
        found = list(tid.get("index") or tid.get("label") or [])
        if years:
            rel.periods = tuple(years)
        elif "siste" in said[0].lower() and found:    # «siste årgang»: the newest year only
            rel.periods = (max(str(y) for y in found),)
    return rel


def timestamp(text) -> datetime | None:
    """'2025-03-13T07:00:00Z' as a naive UTC time (how the store keeps times); None if absent."""
    try:
        t = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t


def normalise(table):
    j, hint, notes = table
    tid = ((j.get("extension") or {}).get("px") or {}).get("tableid")
    check_table(f"{tid}:" if tid else j.get("label"))
    cats = _categories(j)
    role = j.get("role") or {}
    kind = {}
    for d, label, _cats in cats:
        kind[d] = ("region" if d in role.get("geo", []) else "period" if d in role.get("time", [])
                   else dim_kind(d) or dim_kind(label) or label or d)
    if "region" not in kind.values():
        raise LoadError(_("JSON-stat2-svaret har ingen regiondimensjon (Region)."))
    total = math.prod(len(c) for _d, _l, c in cats)
    values, status = j["value"], j.get("status")
    if isinstance(values, list) and len(values) != total:
        raise LoadError(_("JSON-stat2-svaret har {n} verdier, men dimensjonene gir {total}. Filen kan "
                          "være avkortet.").format(n=len(values), total=total))
    if isinstance(status, dict):
        beyond = [k for k in status if not str(k).isdigit() or int(k) >= total]
        if beyond:
            raise LoadError(_("«status» gjelder verdi nr. {value}, men svaret har {total} verdier. Filen "
                              "er trolig satt sammen feil; hent tabellen på nytt.").format(
                value=_shown(beyond[0]), total=total))
    cells, overruled = [], []
    for n, combo in enumerate(itertools.product(*(c for _d, _l, c in cats))):
        dims, region, period = {}, "", ""
        for (d, _l, _c), (code, label) in zip(cats, combo):
            k = kind[d]
            if k == "region":
                region = _text(code, label)
            elif k == "period":
                period = code
            else:
                dims[k] = _text(code, label)
        v, symbol = _get(values, n), _get(status, n)
        if isinstance(v, float) and not math.isfinite(v):
            raise LoadError(_("Verdi nr. {n}: «{value}» er ikke et endelig tall. SSB skriver et manglende "
                              "tall som null med et symbol i «status» («..», «:»). Hent tabellen på nytt "
                              "fra SSB.").format(n=n + 1, value=_NONFINITE[str(v)]))
        if isinstance(symbol, str) and symbol.strip() and symbol not in SYMBOLS:
            raise LoadError(_("Verdi nr. {n}: ukjent symbol «{symbol}» i «status» (SSB bruker «.», «..», "
                              "«...», «:» og «-»). Hent tabellen på nytt fra SSB.").format(
                n=n + 1, symbol=symbol[:20]))
        if v is not None and isinstance(symbol, str) and SYMBOLS.get(symbol, ("ok",))[0] != "ok":
            overruled.append(_("verdi nr. {n} ({value} med «{symbol}»)").format(n=n + 1, value=v,
                                                                                 symbol=symbol))
            v = None   # the source's status wins: a suppressed figure is never shown
        cells.append(Cell(region=region, period=period, raw=v if v is not None else symbol,
                          dims=dims, row=n + 1, sheet="#Verdi"))
    if overruled:
        listed = ", ".join(overruled[:5])
        if len(overruled) > 5:
            listed = _("{list} og {n} til").format(list=listed, n=len(overruled) - 5)
        notes.append(ngettext(
            "{n} verdi har både et tall og et symbol for skjermet eller manglende tall i «status»; "
            "symbolet gjelder, og tallet er ikke lagret: {values}.",
            "{n} verdier har både et tall og et symbol for skjermet eller manglende tall i «status»; "
            "symbolet gjelder, og tallet er ikke lagret: {values}.",
            len(overruled)).format(n=len(overruled), values=listed))
    return neet_frame(cells, decimal=".", period_hint=hint, notes=notes)
