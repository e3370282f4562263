"""Harmonise: every published region code to its 2024 number (geo.codes), and one row per
2024 key — merged municipalities summed (counts added, shares recomputed, never averaged), a
part of a merged area that stands alone marked missing (loaders.merges), a split one flagged."""
from __future__ import annotations

import numpy as np
import pandas as pd

from geo import codes
from loaders import merges
from loaders.base import mojibake
from loaders.frames import coded_strings, factorize, groups, plain
from loaders.validate import MAX_PROBLEMS
from vocab import indicators
from vocab import periods as periods_
from vocab.i18n import _
from vocab.keys import KEY
from vocab.status import PRECEDENCE, VALUE_STATUSES
from vocab.text import where


def harmonise(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Map every region to its 2024 code; sum merged municipalities' counts.

    Returns (observations keyed by 2024 code, problems, warnings). The rows are assumed to have
    passed validate(); with duplicates in them only the problems mean anything."""
    problems: list[str] = []
    warnings: list[str] = []
    county_breaks, split_notes = set(), {}
    # Work on each distinct label once (a NAV file repeats the same few hundred labels).
    grp, first = groups(df, ["region", "region_name", "level"])
    labels = df[["region", "region_name", "level", "row", "sheet"]].iloc[first]
    code_of: list[str | None] = [None] * len(first)
    exact_of = np.ones(len(first), dtype=bool)
    for i, (code, name, level, row, sheet) in enumerate(
            labels[["region", "region_name", "level", "row", "sheet"]].itertuples(index=False)):
        at = f"{where(sheet, row)}: " if row else ""
        if level == "land":
            if code != codes.NORWAY or not codes.name_matches(code, name):
                problems.append(at + _("«{code} {name}» er ikke «0 Hele landet».").format(
                    code=code, name=name))
            code_of[i] = codes.NORWAY
        elif level == "fylke":
            c = codes.county_to_2024(code)
            if c is None:
                problems.append(at + _("ukjent fylkesnummer {code} («{name}»).").format(code=code, name=name))
                continue
            if not codes.name_matches(code, name):
                problems.append(at + _("fylkesnummer {code} og navnet «{name}» passer ikke sammen.").format(
                    code=code, name=name) + _encoding_hint(name))
            code_of[i], exact_of[i] = c
            if not c[1]:
                county_breaks.add(code)
        else:
            h = codes.to_2024(code)
            if h is None:
                problems.append(at + (_("ukjent kommunenummer {code} («{name}»).") if name
                                      else _("ukjent kommunenummer {code}.")).format(code=code, name=name))
                continue
            if not codes.name_matches(code, name):
                known = " / ".join(sorted(codes.known_names()[code]))
                problems.append(at + _("kommunenummer {code} heter «{known}», ikke «{name}».").format(
                    code=code, known=known, name=name) + _encoding_hint(name))
            if not h.exact:
                split_notes[code] = h.split_into
            code_of[i], exact_of[i] = h.code, h.exact
    if problems:
        return df.iloc[0:0], problems, warnings
    for code, parts in split_notes.items():
        warnings.append(_("{code} {name} ble delt ({parts}); tallene lagres på {code} og fordeles ikke.")
                        .format(code=code, name=codes.name_of(code), parts=_joined(parts)))
    lab_level = labels["level"].to_numpy(dtype=object)
    lab_region = labels["region"].to_numpy(dtype=object)
    status = df["status"]
    has_value = status.isin(VALUE_STATUSES).to_numpy()
    df = df.assign(region_code=coded_strings(code_of, grp), exact=exact_of[grp])
    # An old county whose borders moved (07 Vestfold lost Svelvik) is not the same series.
    if county_breaks:
        moved = np.array([lv == "fylke" and r in county_breaks
                          for lv, r in zip(lab_level, lab_region)])[grp] & has_value
        df = plain(df, ["status", "note"])
        df.loc[moved, "status"] = "break"
        df.loc[moved, "note"] = ("fylke " + df.loc[moved, "region"].astype("str")
                                 + " hadde andre grenser enn i dag")
    # A code not in use in the period, published with no number, is SSB's "cannot occur": drop it.
    kommune = lab_level == "kommune"
    span = np.array([codes.valid_years(r) if k else (0, 9999) for r, k in zip(lab_region, kommune)],
                    dtype=np.int64).reshape(-1, 2)
    pidx, periods = factorize(df["period"])
    years = np.array([periods_.year(p) or -1 for p in periods], dtype=np.int64)[pidx]
    in_use = ~kommune[grp] | (years < 0) | ((span[grp, 0] <= years) & (years < span[grp, 1]))
    df["in_use"] = in_use
    keep = in_use | has_value | (status == "suppressed").to_numpy()
    if not keep.all():
        df, grp, years = df[keep], grp[keep], years[keep]
    partial = merges.incomplete(df, grp, years, code_of, lab_region, lab_level, span)
    # Several published codes in one 2024 code (a merger, an old and a new number): sum them.
    # Only rows under such a code can need it; the rest are one row per key already.
    regions_in: dict[str, set] = {}
    for target, published in zip(code_of, lab_region):
        regions_in.setdefault(str(target), set()).add(published)
    shared = np.array([len(regions_in[str(t)]) > 1 for t in code_of], dtype=bool)[grp]
    if shared.any():
        out = pd.concat([df[~shared], _combine(plain(df[shared]), problems)], ignore_index=True)
    else:
        out = df.reset_index(drop=True)
    if split_notes:
        out = plain(out, ["status", "note"])
        _mark_split_neighbours(out, df, split_notes)
    if partial is not None:
        out = merges.mark(out, partial, warnings)
    return out, problems, warnings


def _joined(parts) -> str:
    """'3905 og 3907', '5055 og 5056 og 5059' (every part joined by the language's «og»)."""
    out = ""
    for p in parts:
        out = _("{items} og {last}").format(items=out, last=p) if out else p
    return out


def _encoding_hint(name: str) -> str:
    fixed = mojibake(name)
    return (" " + _("Navnet har trolig feil tegnkoding («{fixed}» lagret som UTF-8 og lest som "
                    "ISO-8859-1): lagre filen med én tegnkoding (UTF-8) og prøv igjen.").format(
        fixed=fixed)) if fixed else ""


def _combine(df: pd.DataFrame, problems: list[str]) -> pd.DataFrame:
    """One row per 2024 key. Merged municipalities: sum counts, recompute shares, never
    average them; a suppressed or missing part makes the sum suppressed or missing."""
    key = KEY
    size = df.groupby(key, sort=False)["region"].transform("size")
    single, multi = df[size == 1], df[size > 1].copy()
    if multi.empty:
        return single.reset_index(drop=True)
    # Rows under a number not in use that period only count when nothing current is published.
    has_current = multi.groupby(key, sort=False)["in_use"].transform("any")
    stale = multi[has_current & ~multi["in_use"] & multi["status"].isin(VALUE_STATUSES)]
    if not stale.empty:
        current = multi[multi["in_use"]]
        col = "value"
        a = current.groupby(key)[col].sum()
        b = stale.groupby(key)[col].sum()
        for k in b.index[(a.reindex(b.index) - b).abs() > 1e-6][:MAX_PROBLEMS]:
            problems.append(f"{k[1]} {k[2]}: " + _("både gammelt og nytt kommunenummer har tall for samme "
                                                   "område og periode, og de stemmer ikke overens."))
    multi = multi[multi["in_use"] | ~has_current]
    kinds = multi["indicator"].map({k: i.kind for k, i in indicators.all_indicators().items()})
    rank = {s: i for i, s in enumerate(PRECEDENCE)}
    multi = multi.assign(_rank=multi["status"].astype("str").map(rank),
                         _numna=multi["numerator"].isna(), _denna=multi["denominator"].isna(),
                         _share=kinds == "share")
    g = multi.groupby(key, sort=False)
    out = g.agg(region_name=("region_name", "first"), level=("level", "first"), row=("row", "first"),
                value=("value", "sum"), numerator=("numerator", "sum"),
                denominator=("denominator", "sum"), parts=("region", lambda r: ", ".join(sorted(r))),
                n=("region", "size"), rank=("_rank", "min"), numna=("_numna", "any"),
                denna=("_denna", "any"), share=("_share", "first"), region=("region", "first"),
                exact=("exact", "all"), in_use=("in_use", "any")).reset_index()
    one = out["n"] == 1   # a group that had only stale rows dropped is a single row again
    # The sum takes its weakest part's status (vocab.status.PRECEDENCE, the rule queries use too).
    out["status"] = [PRECEDENCE[int(r)] for r in out["rank"]]
    out["note"] = "summert fra " + out["parts"]
    cant_share = out["share"] & (out["numna"] | out["denna"])
    out.loc[out["share"] & ~cant_share, "value"] = 100 * out["numerator"] / out["denominator"]
    out.loc[out["numna"], "numerator"] = None
    out.loc[out["denna"], "denominator"] = None
    cant_share &= out["status"].isin(VALUE_STATUSES)
    out.loc[cant_share, "status"] = "missing"
    for mask, text in ((cant_share, "andeler for {} kan ikke slås sammen uten antall"),
                       (~cant_share & (out["status"] == "missing"), "mangler fordi en av {} mangler"),
                       (out["status"] == "suppressed", "skjermet fordi en av {} er skjermet")):
        out.loc[mask, "note"] = out.loc[mask, "parts"].map(text.format)
    gone = ~out["status"].isin(VALUE_STATUSES)
    out.loc[gone, ["value", "numerator"]] = None
    out.loc[one, "note"] = ""
    out["computed"] = ~one
    single = single.assign(computed=False)
    return pd.concat([single, out.reindex(columns=single.columns)], ignore_index=True)


def _mark_split_neighbours(out: pd.DataFrame, df: pd.DataFrame, split_notes: dict) -> None:
    """A municipality that got part of a split one is incomplete in the periods before the split."""
    for code, parts in split_notes.items():
        periods = set(df.loc[df["region"] == code, "period"])
        mask = out["region_code"].isin(parts) & out["period"].isin(periods) & \
            out["status"].isin(VALUE_STATUSES)
        out.loc[mask, "status"] = "break"
        out.loc[mask, "note"] = f"uten den delen av {code} {codes.name_of(code)} som kom hit"
