"""Totals against their parts, for every format: a county against its municipalities, Norway
against its counties and municipalities, «alle» against menn and kvinner, an age band against
the bands inside it, category «alle» against the other categories (OT reasons, NAV groups).

Runs on the harmonised rows (loaders.pipeline, after loaders.harmonise): an area published
under an old and a new number is one row by then, so it is never counted twice. A county is
compared with the municipalities whose published number begins with its own (08 with 0806,
38 with 3807), and Norway with the counties of one division at a time; municipalities summed
from several numbers and counties whose borders have moved since (not `exact`) are left out.

The rule, per whole and quantity (a count indicator's value; a share's numerator, and its
denominator except across categories, which all share the whole's denominator):
- Refused (impossible): the parts that are known add up to clearly more than the whole. A
  suppressed or missing part is unknown, so it can never make a sum too large.
- Warned (doubtful): only where the parts make up the whole by definition (menn + kvinner =
  alle; age bands that tile the whole band), every part is there and known, and they add up
  to clearly less. Municipalities are not: a file may hold a few of a county's, and NAV's and
  SSB's totals count persons with no known municipality. Categories are not: NAV and VIGO-OT
  have groups Innenfor does not load.
«Clearly»: beyond TOLERANCE of the whole plus one person per part, for sources that perturb or
round small cells (SSB's published county totals can differ a little from their municipalities).
"""
from __future__ import annotations

import re
from itertools import pairwise

import numpy as np
import pandas as pd

from geo import codes
from loaders.frames import factorize
from loaders.validate import MAX_PROBLEMS  # named; all are counted
from vocab import indicators
from vocab.i18n import _, ngettext
from vocab.numbers import integer
from vocab.status import VALUE_STATUSES
from vocab.text import listing, where

TOLERANCE = 0.02       # of the whole, on top of one person per part
OUTER = ("indicator", "region_code", "period", "age", "sex", "category")


def tolerance(whole: np.ndarray, parts: np.ndarray) -> np.ndarray:
    return TOLERANCE * np.abs(whole) + parts + 1e-9


def check(df: pd.DataFrame) -> tuple[list[str], int, list[str]]:
    """(problems naming the first MAX_PROBLEMS wholes, how many in all, warnings) for the
    harmonised rows `df` (columns of vocab.keys.KEY plus region, level, value, numerator,
    denominator, status, row, sheet, and `exact` and `computed` where harmonise set them).
    Works on each column's distinct values numbered once (a 1 M-row file has a few hundred)."""
    if len(df) < 2:
        return [], 0, []
    t = _Table(df)
    found = _Found()
    for dim, pairs in (("sex", _sex_pairs(t)), ("category", _category_pairs(t)),
                       ("age", _age_pairs(t)), ("place", _region_pairs(t))):
        for whole_mask, part_mask, whole_of, words, complete in pairs:
            _compare(t, dim, (whole_mask, part_mask, whole_of), words, complete, found)
    warnings = []
    if found.doubtful:
        warnings.append(ngettext(   # (bokmål and nynorsk say «tall»/«tal» for one and for many)
            "{n} tall der delene summerer til klart mindre enn totalen (f.eks. {example}). De lagres "
            "likevel; sjekk at de hører sammen.",
            "{n} tall der delene summerer til klart mindre enn totalen (f.eks. {example}). De lagres "
            "likevel; sjekk at de hører sammen.", found.doubtful).format(
                n=integer(found.doubtful), example=found.doubtful_example))
    return found.problems, found.total, warnings


class _Found:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.total = 0
        self.doubtful = 0
        self.doubtful_example = ""


class _Table:
    """The rows as numbers: each text column as codes into its distinct values (`values`), the
    quantities compared (`count`: a count's value or a share's numerator; `den`: a share's
    denominator), NaN where not a published number. `place` is the published region (Norway
    '0'), coded in `values['place']`, which also holds each municipality's county prefix."""

    def __init__(self, df: pd.DataFrame):
        self.n = len(df)
        self.codes: dict[str, np.ndarray] = {}
        self.values: dict[str, list[str]] = {}
        for c in (*OUTER, "level", "sheet", "region"):
            idx, uniq = factorize(df[c])
            self.codes[c], self.values[c] = np.asarray(idx, dtype=np.int64), [str(u) for u in uniq]
        kinds = indicators.all_indicators()
        share = self.lookup("indicator", lambda i: i in kinds and kinds[i].kind == "share")
        has = self.lookup_status(df)
        for name, col in (("count", np.where(share, df["numerator"], df["value"])),
                          ("den", np.where(share, df["denominator"], np.nan))):
            v = np.asarray(col, dtype="float64")
            setattr(self, name, np.where(has & np.isfinite(v), v, np.nan))
        self.row = df["row"].to_numpy(dtype=np.int64) if "row" in df else np.zeros(self.n, np.int64)
        self.exact = df["exact"].to_numpy(dtype=bool) if "exact" in df else np.ones(self.n, bool)
        computed = df["computed"].fillna(False) if "computed" in df else None
        self.computed = computed.to_numpy(dtype=bool) if computed is not None else np.zeros(self.n, bool)
        # place: the published number, Norway as '0'; `prefix`: a municipality's county, as published
        regions = self.values["region"]
        places = sorted({*regions, *(r[:2] for r in regions), codes.NORWAY})
        at = {p: i for i, p in enumerate(places)}
        self.values["place"] = places
        land = self.lookup("level", lambda v: v == "land")
        self.codes["place"] = np.where(land, at[codes.NORWAY],
                                       np.array([at[r] for r in regions], np.int64)[self.codes["region"]])
        self.prefix = np.array([at[r[:2]] for r in regions], np.int64)[self.codes["region"]]

    def lookup(self, col: str, test) -> np.ndarray:
        """test(value) for each row's value of `col`, asked once per distinct value."""
        table = np.array([bool(test(v)) for v in self.values[col]] or [False], dtype=bool)
        return table[self.codes[col]]

    def lookup_status(self, df: pd.DataFrame) -> np.ndarray:
        idx, uniq = factorize(df["status"])
        return np.array([str(u) in VALUE_STATUSES for u in uniq] or [False], dtype=bool)[idx]

    def code_of(self, col: str, value: str) -> int:
        return self.values[col].index(value) if value in self.values[col] else -1

    def text(self, col: str, i: int) -> str:
        return self.values[col][self.codes[col][i]]


# Each pairs function yields (whole rows, part rows, each row's whole as a code of the
# dimension, words for the parts, how many parts make up the whole by definition (0: none)).

def _sex_pairs(t: _Table):
    whole, parts = t.lookup("sex", lambda v: v == "alle"), t.lookup("sex", lambda v: v in ("menn", "kvinner"))
    if whole.any() and parts.any():
        yield whole, parts, np.full(t.n, t.code_of("sex", "alle")), _("menn og kvinner"), 2


def _category_pairs(t: _Table):
    whole = t.lookup("category", lambda v: v == "alle")
    if whole.any() and not whole.all():
        yield whole, ~whole, np.full(t.n, t.code_of("category", "alle")), _("kategoriene"), 0


_BAND = re.compile(r"(\d+)-(\d+)")


def _band(age: str) -> tuple[int, int] | None:
    """(first, last) year of age of a band: '15-19', 'under30', 'alle' (everyone)."""
    if age in ("alle", ""):
        return 0, 999
    if m := _BAND.fullmatch(age):
        return int(m[1]), int(m[2])
    if m := re.fullmatch(r"under(\d+)", age):
        return 0, int(m[1]) - 1
    return None


def _age_pairs(t: _Table):
    bands = {a: b for a in t.values["age"] if (b := _band(a))}
    for w, (lo, hi) in sorted(bands.items()):
        inside = sorted((b, a) for a, b in bands.items() if a != w and lo <= b[0] and b[1] <= hi)
        if not inside:
            continue
        disjoint = all(x[0][1] < y[0][0] for x, y in pairwise(inside))
        for g in ([inside] if disjoint else [[one] for one in inside]):
            names = [a for _b, a in g]
            tiles = disjoint and g[0][0][0] == lo and g[-1][0][1] == hi and all(
                x[0][1] + 1 == y[0][0] for x, y in pairwise(g))
            yield (t.lookup("age", lambda a, w=w: a == w), t.lookup("age", lambda a, n=names: a in n),
                   np.full(t.n, t.code_of("age", w)),
                   _("aldersgruppene {ages}").format(ages=listing(names)) if len(names) > 1
                   else _("aldersgruppen {age}").format(age=names[0]),
                   len(names) if tiles and len(names) > 1 else 0)


def _region_pairs(t: _Table):
    """A county as published (its number then: 08, 38 or 40) against the municipalities whose
    published number begins with it; Norway against every municipality, and against the counties
    of one division (2024, 2020–2023, before 2020) at a time. Merged municipalities (summed by
    harmonise) are left out: their parts may have been in two counties."""
    alone = t.exact & ~t.computed
    county = t.lookup("level", lambda v: v == "fylke")
    municipality = t.lookup("level", lambda v: v == "kommune")
    if (county & alone).any() and (municipality & alone).any():
        yield county & alone, municipality & alone, t.prefix, _("kommunene i fylket"), 0
    land = t.lookup("level", lambda v: v == "land")
    if not land.any():
        return
    everywhere = np.full(t.n, t.code_of("place", codes.NORWAY))
    if (municipality & alone).any():
        yield land, municipality & alone, everywhere, _("kommunene"), 0
    # Counties against Norway one division at a time: a file may hold old and new ones.
    for division in _divisions():
        counties = county & ~t.computed & t.lookup("region", lambda r, d=division: r in d)
        if counties.any():
            yield land, counties, everywhere, _("fylkene"), 0


def _divisions() -> tuple[tuple[str, ...], ...]:
    """The county numbers of each division of Norway: 2024, 2020–2023, and before 2020."""
    return (tuple(codes.counties_2024()), tuple(codes.counties_2020()),
            (*codes.OLD_COUNTIES, "03", "50"))


def _keys(t: _Table, cols: list[str]) -> np.ndarray:
    """One number per row for its values of `cols` (renumbered densely when it would grow large)."""
    key = np.zeros(t.n, dtype=np.int64)
    size = 1
    for c in cols:
        k = max(len(t.values[c]), 1)
        if size * k >= 2 ** 62:
            key = pd.factorize(key)[0].astype(np.int64)
            size = int(key.max()) + 1
        key = key * k + t.codes[c]
        size *= k
    return key


def _compare(t: _Table, dim: str, masks, words: str, complete: int, found: _Found) -> None:
    whole_mask, part_mask, whole_of = masks
    cols = [c for c in OUTER if c != dim and not (dim == "place" and c == "region_code")]
    size = max(len(t.values[dim]), 1)
    base = _keys(t, cols) * size
    group = np.where(part_mask, base + whole_of, -1)      # the whole each part belongs to
    own = base + t.codes[dim]                            # each whole's own group
    for q in ("count", "den"):
        if q == "den" and dim == "category":
            continue   # every category is a share of the same denominator
        v = getattr(t, q)
        wholes = np.flatnonzero(whole_mask & ~np.isnan(v))
        parts = np.flatnonzero(part_mask)
        if not wholes.size or not parts.size:
            continue
        ids, inv = np.unique(group[parts], return_inverse=True)
        known = ~np.isnan(v[parts])
        total = np.bincount(inv, weights=np.where(known, v[parts], 0.0), minlength=len(ids))
        n_known = np.bincount(inv, weights=known, minlength=len(ids))
        pos = np.searchsorted(ids, own[wholes]).clip(0, len(ids) - 1)
        hit = ids[pos] == own[wholes]
        wholes, pos = wholes[hit], pos[hit]
        whole, total_w, known_w = v[wholes], total[pos], n_known[pos]
        tol = tolerance(whole, known_w)
        over = total_w > whole + tol
        for i, s in zip(wholes[over][:max(0, MAX_PROBLEMS - len(found.problems))], total_w[over]):
            found.problems.append(_message(t, int(i), q, words, s, group == own[i], v))
        found.total += int(over.sum())
        if complete:
            kinds = np.unique(np.stack([inv, t.codes[dim][parts]]), axis=1)[0]
            n_kinds = np.bincount(kinds, minlength=len(ids))[pos]
            n_rows = np.bincount(inv, minlength=len(ids))[pos]
            under = (known_w == n_rows) & (n_kinds == complete) & (total_w < whole - tol)
            if under.any():
                if not found.doubtful:
                    i = int(wholes[under][0])
                    found.doubtful_example = _("{place}: {parts} {sum}, totalen {total}").format(
                        place=_place(t, i), parts=words, sum=integer(total_w[under][0]),
                        total=integer(whole[under][0]))
                found.doubtful += int(under.sum())


def _place(t: _Table, i: int) -> str:
    region = t.text("region_code", i)
    return _("{region} {name} {period}, {indicator} (alder {age}, kjønn {sex}, kategori {category})").format(
        region=region, name=codes.name_of(region), period=t.text("period", i),
        indicator=t.text("indicator", i), age=t.text("age", i), sex=t.text("sex", i),
        category=t.text("category", i))


def _message(t: _Table, i: int, q: str, words: str, total: float, parts: np.ndarray,
             v: np.ndarray) -> str:
    """Names the whole's row, its place and key, the sum and the parts' rows."""
    sheet = t.text("sheet", i)
    at = where(sheet, t.row[i]) if t.row[i] else f"{t.text('region_code', i)} {t.text('period', i)}"
    mine = np.flatnonzero(parts & ~np.isnan(v))
    rows = [str(int(x)) for x in t.row[mine[:6]] if x]
    named = ""
    if rows:
        shown = listing(rows[:5])
        if len(rows) > 5:
            shown = _("{rows} m.fl.").format(rows=shown)
        if sheet.startswith("#"):   # (bokmål and nynorsk say «rad» and «verdi nr.» before one or many)
            named = ngettext("verdi nr. {rows}", "verdi nr. {rows}", len(rows)).format(rows=shown)
        else:
            named = ngettext("rad {rows}", "rad {rows}", len(rows)).format(rows=shown)
        named = f" ({named})"
    if q == "count":
        text = _("{at}: antallet i {place} er {value}, men {parts} summerer til {sum}{rows}. Delene kan "
                 "ikke være flere enn totalen; sjekk at tallene står i riktig rad og kolonne.")
    else:
        text = _("{at}: nevneren i {place} er {value}, men {parts} summerer til {sum}{rows}. Delene kan "
                 "ikke være flere enn totalen; sjekk at tallene står i riktig rad og kolonne.")
    return text.format(at=at, place=_place(t, i), value=integer(v[i]), parts=words,
                       sum=integer(total), rows=named)
