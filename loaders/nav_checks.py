"""Checks on NAV's long monthly tables (loaders.nav_long) that look at the whole file: a table
repeated on several sheets, shares under a percent header written as fractions, NAV's «*»
turned into 0 by an analyst, and «Begge kjønn» that must be Kvinner + Menn."""
from __future__ import annotations

import numpy as np
import pandas as pd

from loaders.base import LoadError
from loaders.frames import groups
from loaders.nav_common import month_of
from loaders.plausible import decimals, share_reading
from vocab.i18n import N_, _, ngettext
from vocab.numbers import as_written, integer
from vocab.text import lower_first, where

# Stored as the note of such a figure (in bokmål, like every stored note; shown with _()).
ZERO_NOTE = N_("«0» i filen er trolig NAVs «*» (færre enn 4) gjort om til 0")
VALUES = ("count", "percent", "fraction")


def one_copy_per_sheet(df: pd.DataFrame, notes: list) -> pd.DataFrame:
    """A workbook with the same table on several sheets (all rows, then Telemark, Landet and
    Fylker again): a row identical to one on an earlier sheet is the same row, read once. A row
    whose place, month, group and sex are on another sheet with other figures is refused,
    naming both places; a row twice on one sheet is left to validation («dobbel rad»)."""
    data = [c for c in df.columns if c not in ("row", "sheet", "block")]
    sheet_idx, sheets = pd.factorize(df["sheet"])
    grp, first = groups(df, data, ordered=False)
    copy = sheet_idx != sheet_idx[first[grp]]
    if copy.any():
        repeated = [str(s) for s in pd.unique(df["sheet"][copy])]
        listed, n = ", ".join(f"«{s}»" for s in repeated), int(copy.sum())
        if len(repeated) > 1:
            said = _("Arkene {sheets} gjentar {n} rader som står likt på et annet ark; de er lest inn én "
                     "gang.")
        else:
            said = ngettext("Arket {sheets} gjentar {n} rad som står likt på et annet ark; den er lest inn "
                            "én gang.",
                            "Arket {sheets} gjentar {n} rader som står likt på et annet ark; de er lest "
                            "inn én gang.", n)
        notes.append(said.format(sheets=listed, n=integer(n)))
        df = df[~copy].reset_index(drop=True)
        sheet_idx = sheet_idx[~copy]
    key = [c for c in data if c not in VALUES]
    grp, _first = groups(df, key, ordered=False)
    lo = np.full(grp.max(initial=-1) + 1, len(sheets), dtype=np.int64)
    hi = np.full_like(lo, -1)
    np.minimum.at(lo, grp, sheet_idx)
    np.maximum.at(hi, grp, sheet_idx)
    clash = np.flatnonzero(lo != hi)
    if not clash.size:
        return df
    shown = []
    for g in clash[:20]:
        rows = df[grp == g]
        a, b = rows.iloc[0], next(r for _i, r in rows.iterrows() if r["sheet"] != rows.iloc[0]["sheet"])
        what = " ".join(month_of(a[c]) if c == "period" else str(a[c]) for c in key
                        if a[c] is not None and str(a[c]) != "nan")
        figs = [" / ".join(as_written(x) if isinstance(x, (int, float)) else str(x)
                           for x in (r.get(c) for c in VALUES if c in rows) if x is not None)
                for r in (a, b)]
        shown.append(_("{where} og {where2}: {what} har {a} på det ene arket og {b} på det andre.").format(
            where=where(a["sheet"], a["row"]), where2=lower_first(where(b["sheet"], b["row"])), what=what,
            a=figs[0], b=figs[1]))
    raise LoadError(ngettext(
        "Arkene gjentar tabellen, men ikke med de samme tallene ({n} rad står med ulike tall på to ark). "
        "Innenfor kan ikke velge mellom dem; rett filen eller last inn ett av arkene.",
        "Arkene gjentar tabellen, men ikke med de samme tallene ({n} rader står med ulike tall på to ark). "
        "Innenfor kan ikke velge mellom dem; rett filen eller last inn ett av arkene.",
        len(clash)).format(n=integer(len(clash))), shown)


def percent_or_fraction(share: tuple, keep: np.ndarray, header: str, df: pd.DataFrame,
                        notes: list) -> tuple:
    """A column under a percent header ('% av arbeidsstyrken') that holds fractions (0,032 for
    3,2 %): read as percent, with a warning naming the column. NAV writes percent with one
    decimal, so when the indicator's plausible range cannot tell (loaders.plausible), one
    decimal is percent and three decimals (0,032) whose hundredfold has one are a fraction;
    otherwise the file is refused rather than stored 100 times off."""
    value = share[0]
    kept = value[keep & np.isfinite(value)]
    reading = share_reading(kept, "arbeidssokere_andel")
    positive = kept[kept > 0]
    if reading == "unclear":
        if (decimals(positive) <= 1).all():
            reading = "percent"
        elif (decimals(positive * 100) <= 1).all():
            reading = "fraction"
    if reading == "percent":
        return share
    i = int(np.flatnonzero(keep & np.isfinite(value) & (value > 0))[0]) if positive.size else 0
    at, example = where(df["sheet"].iat[i], int(df["row"].to_numpy()[i])), value[i]
    if reading == "unclear":
        raise LoadError(_("Kolonnen «{column}» har bare andeler mellom 0 og 1 (f.eks. {at}: {example}), og "
                          "Innenfor kan ikke avgjøre om de er prosent ({example} %) eller brøk "
                          "({percent} %). Skriv andelene i prosent, eller kall kolonnen «Andel av "
                          "arbeidsstyrken» hvis de er brøk.").format(
            column=header, at=lower_first(at), example=as_written(example),
            percent=as_written(example * 100)))
    n = int(np.isfinite(value).sum())
    notes.append(ngettext(
        "Kolonnen «{column}» har andelene som brøk, ikke prosent (f.eks. {at}: {example}, som er "
        "{percent} %); den ene andelen er lest som prosent (ganget med 100).",
        "Kolonnen «{column}» har andelene som brøk, ikke prosent (f.eks. {at}: {example}, som er "
        "{percent} %); alle {n} andeler er lest som prosent (ganget med 100).", n).format(
        column=header, at=lower_first(at), example=as_written(example),
        percent=as_written(example * 100), n=integer(n)))
    return (np.round(value * 100, 10),) + share[1:]


def false_zeros(count, share, keep, notes):
    """NAV publishes '*' for 1–3 persons. A file with no '*' at all but a 0 where the share is
    above 0 has had '*' replaced by 0 (an analyst's processing): then no 0 in it can be trusted,
    and every 0 is stored as suppressed rather than as a number that may be false."""
    value, idx, res = count
    zero = (value == 0) & keep
    if share is None or not zero.any():
        return count
    contradiction = zero & (share[0] > 0)
    if not contradiction.any():
        return count
    has_star = any(r[1] == "suppressed" for r in res)
    mark = contradiction if has_star else zero
    res = res + [(None, "suppressed", ZERO_NOTE)]
    if has_star:
        notes.append(ngettext("{n} antall er «0» selv om andelen er over 0; det er lagret som skjermet "
                              "(færre enn 4), ikke som 0.",
                              "{n} antall er «0» selv om andelen er over 0; de er lagret som skjermet "
                              "(færre enn 4), ikke som 0.", int(mark.sum())).format(n=int(mark.sum())))
    else:
        notes.append(ngettext("Filen har «0» der andelen er over 0 og ingen «*»: NAVs «*» (færre enn 4) er "
                              "gjort om til 0. Alle {n} nuller er derfor lagret som skjermet, ikke som 0.",
                              "Filen har «0» der andelen er over 0 og ingen «*»: NAVs «*» (færre enn 4) er "
                              "gjort om til 0. Alle {n} nuller er derfor lagret som skjermet, ikke som 0.",
                              int(mark.sum())).format(n=int(mark.sum())))
    return np.where(mark, np.nan, value), np.where(mark, len(res) - 1, idx), res


def check_totals(counts: pd.DataFrame) -> None:
    """'Begge kjønn' must be Kvinner + Menn wherever all three are published: catches a second
    block read against the wrong rows, and files that were edited by hand."""
    ok = counts[counts["status"] == "ok"]
    if not {"alle", "kvinner", "menn"} <= set(pd.unique(ok["sex"])):
        return
    key = ["region", "period", "category", "age"]
    w = ok.groupby(key + ["sex"], sort=False)["value"].sum().unstack("sex")
    w = w.dropna(subset=["alle", "kvinner", "menn"])
    bad = w[(w["kvinner"] + w["menn"] - w["alle"]).abs() > 1e-9]
    if len(bad):
        at = ok[ok["sex"] == "alle"].groupby(key, sort=False)[["sheet", "row"]].first()
        shown = [_("{where}: {region} {period} {category}: begge kjønn {both}, men kvinner {women} + menn "
                   "{men} = {sum}.").format(where=where(at.loc[k, "sheet"], at.loc[k, "row"]), region=k[0],
                                            period=k[1], category=k[2], both=as_written(t["alle"]),
                                            women=as_written(t["kvinner"]), men=as_written(t["menn"]),
                                            sum=as_written(t["kvinner"] + t["menn"]))
                 for k, t in zip(bad.index[:5], bad.head(5).to_dict("records"))]
        raise LoadError(ngettext("Tallene for begge kjønn stemmer ikke med kvinner + menn i {n} tilfelle; "
                                 "filen kan være redigert eller feil lest.",
                                 "Tallene for begge kjønn stemmer ikke med kvinner + menn i {n} tilfeller; "
                                 "filen kan være redigert eller feil lest.", len(bad)).format(n=len(bad)),
                        shown)
