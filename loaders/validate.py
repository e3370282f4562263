"""Validate the normalised rows of one file before anything is stored: known indicators,
statuses, periods, age bands and categories; counts that are counts; no key twice. Every
problem names where in the file it is (vocab.text.where)."""
from __future__ import annotations

import datetime

import numpy as np
import pandas as pd

from loaders.base import MAX_COUNT, count_text
from loaders.frames import combined_codes, factorize, groups
from loaders.plausible import agrees
from vocab import indicators, periods
from vocab.i18n import _
from vocab.numbers import as_written
from vocab.status import STATUSES, VALUE_STATUSES
from vocab.text import where

MAX_PROBLEMS = 20   # per check: the first ones, and how many there are in all


class Problems(list):
    """Problem texts, at most MAX_PROBLEMS per check, and how many there are in all."""
    total = 0


def validate(df: pd.DataFrame) -> Problems:
    """Problems with the normalised rows (before harmonisation), each naming its row.
    Vectorised: each check is a mask over all rows, and text checks (periods, ages, categories)
    run once per distinct value."""
    problems = Problems()
    known = indicators.all_indicators()

    def add(mask: np.ndarray, template: str, count: str = "value", **extra) -> None:
        """Count the rows in `mask` and name the first ones: `template` (translated) is filled
        from the row's fields, plus numerator_text, denominator_text and value_text as the file
        wrote them, count_text (the `count` column's), and `extra`."""
        if not mask.any():
            return
        problems.total += int(mask.sum())
        for r in df[mask].head(MAX_PROBLEMS).to_dict("records"):
            at = where(r["sheet"], r["row"]) if r["row"] else f"{r['region']} {r['period']}"
            fields: dict = r | {f"{c}_text": as_written(r[c]) for c in ("numerator", "denominator", "value")}
            if r["denominator"] and r["denominator"] == r["denominator"]:   # (not NaN)
                fields["counts_share_text"] = as_written(100 * r["numerator"] / r["denominator"], 1)
            fields |= {"count_text": fields[f"{count}_text"], **extra}
            problems.append(f"{at}: " + template.format_map({str(k): v for k, v in fields.items()}))

    def per_value(col: str) -> tuple[np.ndarray, list]:
        """(number of each row's distinct value, the distinct values): checks run per value."""
        return factorize(df[col])

    ind_idx, ind_uniq = per_value("indicator")
    is_known = np.array([u in known for u in ind_uniq] or [False], dtype=bool)[ind_idx]
    add(~is_known, _("ukjent indikator «{indicator}» (kjente: {known})."), known=", ".join(known))
    status_known = df["status"].isin(STATUSES).to_numpy()
    add(~status_known, _("ukjent status «{status}»."))
    p_idx, p_uniq = per_value("period")
    a_idx, a_uniq = per_value("age")
    c_idx, c_uniq = per_value("category")

    def table(values: list, test) -> np.ndarray:
        return np.array([bool(test(v)) for v in values] or [False], dtype=bool)

    school_year = table(p_uniq, periods.PATTERNS["school_year"].match)
    consecutive = table(p_uniq, lambda p: periods.PATTERNS["school_year"].match(p)
                        and int(p[:4]) + 1 == int(p[5:]))
    first, last = periods.FIRST_YEAR, datetime.date.today().year + periods.YEARS_AHEAD
    in_years = table(p_uniq, lambda p: first <= (periods.year(p) or first) <= last)
    value, num, den = (df[c].to_numpy(dtype="float64") for c in ("value", "numerator", "denominator"))

    def not_count(v: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return (v < 0) | (~np.isnan(v) & ((v != np.round(v)) | np.isinf(v)))

    def too_many(v: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return np.isfinite(v) & (v > MAX_COUNT)

    # Final guards, whatever a reader let through: a stored period is one of vocab.periods'
    # forms in ASCII digits, a stored region code is ASCII (no page can break on either).
    any_period = table(p_uniq, lambda p: any(rx.fullmatch(p) for rx in periods.PATTERNS.values()))
    add(~is_known & ~any_period[p_idx], _("perioden «{period}» er ikke en gyldig periode (skrives med "
                                          "sifrene 0–9, f.eks. 2022, 2021-05 eller 2020-2021)."))
    r_idx, r_uniq = per_value("region")
    ascii_region = table(r_uniq, lambda r: r.isascii() and r.isprintable() and r.strip() == r)
    add(~ascii_region[r_idx], _("regionnummeret «{region}» har tegn som ikke er vanlige sifre eller "
                                "bokstaver (A–Z, 0–9). Skriv nummeret med vanlige sifre."))

    for k in sorted((k for k, u in enumerate(ind_uniq) if u in known), key=lambda k: ind_uniq[k]):
        ind = known[ind_uniq[k]]
        m = ind_idx == k
        ok = table(p_uniq, periods.PATTERNS[ind.period_type].fullmatch)
        add(m & ~ok[p_idx], _("ugyldig periode «{period}» for {indicator} (forventet f.eks. {example})."),
            example=periods.EXAMPLES[ind.period_type])
        add(m & school_year[p_idx] & ~consecutive[p_idx],
            _("skoleåret «{period}» må være to år etter hverandre."))
        add(m & ok[p_idx] & ~in_years[p_idx],
            _("perioden «{period}» ligger utenfor {first}–{last} (skrivefeil i året?)."),
            first=first, last=last)
        ages = table(a_uniq, lambda a, ind=ind: a in (*ind.ages, "alle") or a == "")
        add(m & ~ages[a_idx], _("aldersgruppen «{age}» finnes ikke for {indicator} ({ages})."),
            ages=", ".join(ind.ages))
        cats = table(c_uniq, lambda c, ind=ind: c in ind.categories)
        add(m & ~cats[c_idx], _("kategorien «{category}» finnes ikke for {indicator} ({categories})."),
            categories=", ".join(ind.categories))
        # Counts first: a share worked out from a bad count is not a second problem.
        count = "numerator" if ind.kind == "share" else "value"
        bad = not_count(num) if ind.kind == "share" else not_count(value)
        add(m & bad, _("antallet {count_text} er ikke et ikke-negativt heltall."), count)
        bad_den = not_count(den)
        add(m & bad_den, _("nevneren {denominator_text} er ikke et ikke-negativt heltall."))
        counted = num if ind.kind == "share" else value
        huge, huge_den = too_many(counted) & ~bad, too_many(den) & ~bad_den
        add(m & huge, _("antallet {count_text} er større enn folketallet i Norge (over {limit}); det "
                        "kan ikke være et antall personer."), count, limit=count_text(MAX_COUNT))
        add(m & huge_den, _("nevneren {denominator_text} er større enn folketallet i Norge (over "
                            "{limit}); det kan ikke være et antall personer."),
            limit=count_text(MAX_COUNT))
        bad, bad_den = bad | huge, bad_den | huge_den
        over = num > den
        add(m & over & ~bad & ~bad_den,
            _("antallet ({numerator_text}) er større enn nevneren ({denominator_text})."))
        if ind.kind == "share":
            outside = (value < 0) | (value > 100) | np.isinf(value)
            add(m & outside & ~bad & ~bad_den & ~over, _("andelen {value_text} er utenfor 0–100."))
            add(m & _off_its_counts(value, num, den) & ~outside & ~bad & ~bad_den & ~over,
                _("andelen {value_text} % stemmer ikke med antallet {numerator_text} av "
                  "{denominator_text} ({counts_share_text} %), heller ikke avrundet. Sjekk kolonnene "
                  "for antall, nevner og andel."))
    has_value = df["status"].isin(VALUE_STATUSES).to_numpy()
    add(is_known & has_value & np.isnan(value), _("status «{status}» men ingen verdi."))
    add(is_known & ~has_value & ~np.isnan(value) & status_known,
        _("status «{status}» skal ikke ha en verdi."))
    key = ["indicator", "region", "period", "age", "sex", "category"]   # as published
    code, size = combined_codes(df, key)
    if size <= 2 * len(df) and np.bincount(code, minlength=size).max(initial=0) <= 1:
        dup = np.zeros(len(df), dtype=bool)   # the usual case, found without numbering groups
    else:
        dup = np.ones(len(df), dtype=bool)
        dup[groups(df, key, ordered=False)[1]] = False
    add(is_known & dup, _("dobbel rad for {indicator} {region} {period} (alder {age}, "
                          "kjønn {sex}, kategori {category})."))
    return problems


def _off_its_counts(value: np.ndarray, num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Rows whose share is further from 100 × count / denominator than its rounding allows
    (a share of 3,2 beside 1 085 of 9 572). Checked only where all three are there."""
    off = np.zeros(len(value), dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        both = np.flatnonzero(~np.isnan(value) & ~np.isnan(num) & (den > 0))
    if both.size:
        off[both] = ~agrees(value[both], 100 * num[both] / den[both])
    return off
