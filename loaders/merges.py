"""Parts of a merged municipality or county: a figure for one part is not the whole.

A file with only 0723 Tjøme for 2017 says nothing about 3911 Færder (Nøtterøy + Tjøme) that
year. Such a key is stored as 'missing', with a note naming the parts the file lacks, so it
neither shows as Færder's figure nor contradicts a later file with the whole."""
from __future__ import annotations

import numpy as np
import pandas as pd

from geo import codes
from loaders.frames import plain
from vocab.i18n import _, ngettext
from vocab.keys import KEY


def incomplete(df: pd.DataFrame, grp: np.ndarray, years: np.ndarray, code_of: list, lab_region,
               lab_level, span: np.ndarray) -> pd.DataFrame | None:
    """The keys (KEY + note, and the parts `present` and `lacking`) published only in part, or
    None. `grp` numbers each row's region label; code_of, lab_region, lab_level and span
    ([first, end) year in use) are per label."""
    old = np.array([c is not None and c != r for c, r in zip(code_of, lab_region)], dtype=bool)
    if not old.any():
        return None   # every row is under its 2024 number (the usual case): nothing to check
    targets = {code_of[i] for i in np.flatnonzero(old)}
    inside = np.array([c in targets for c in code_of], dtype=bool)[grp] & (years >= 0)
    if not inside.any():
        return None
    sub = pd.DataFrame({c: df[c].to_numpy()[inside] for c in KEY})
    sub["lab"], sub["year"] = grp[inside], years[inside]
    per = sub.groupby(KEY, sort=False, observed=True).agg(labs=("lab", frozenset), year=("year", "first"))
    found, cache = [], {}
    for key, labs, year in zip(per.index, per["labs"], per["year"]):
        if (labs, year) not in cache:
            cache[labs, year] = _lacking(labs, int(year), code_of, lab_region, lab_level, span)
        if parts := cache[labs, year]:
            found.append((*key, _note(*parts), *parts))
    return pd.DataFrame(found, columns=KEY + ["note", "present", "lacking"]) if found else None


def _note(present: tuple, lacking: tuple) -> str:
    """The stored note (bokmål, like every stored note): 'bare 0723 Tjøme i filen; mangler 0722
    Nøtterøy'."""
    return f"bare {_names(present)} i filen; mangler {_names(lacking)}"


def _lacking(labs, year: int, code_of, lab_region, lab_level, span) -> tuple | None:
    """((parts in the file), (parts it lacks)), or None when the parts make the whole."""
    target = code_of[next(iter(labs))]
    present = {lab_region[i] for i in labs}
    if target in present:
        return None   # published under today's number: the whole area
    if lab_level[next(iter(labs))] == "fylke":
        needed = set(codes.old_county_parts(target))
    else:
        # Numbers in use that year decide; a number published outside its years (SSB's tables
        # on current borders) stands for its area as it was while in use.
        current = [i for i in labs if span[i, 0] <= year < span[i, 1]]
        needed = set()
        for i in current or labs:
            era = min(max(year, int(span[i, 0])), int(span[i, 1]) - 1)
            needed |= codes.parts_in_use(target, era)
    missing = sorted(needed - present)
    if not missing:
        return None
    return tuple(sorted(present)), tuple(missing)


def _names(cs, translated: bool = False) -> str:
    """'0722 Nøtterøy og 0723 Tjøme' (bokmål for a stored note; `translated`: in the language
    of the moment, for a message)."""
    named = [f"{c} {codes.name_of(c)}" if codes.name_of(c) != c else c for c in cs]
    if len(named) == 1:
        return named[0]
    if translated:
        return _("{items} og {last}").format(items=", ".join(named[:-1]), last=named[-1])
    return ", ".join(named[:-1]) + " og " + named[-1]


def mark(out: pd.DataFrame, found: pd.DataFrame, warnings: list[str]) -> pd.DataFrame:
    """Set the keys in `found` to 'missing' (no value, no counts) with their note."""
    sel = np.flatnonzero(out["region_code"].isin(set(found["region_code"])).to_numpy())
    if not len(sel):
        return out
    keys = pd.MultiIndex.from_frame(out.iloc[sel][KEY].astype(str))
    notes = pd.Series(found["note"].to_numpy(), index=pd.MultiIndex.from_frame(found[KEY].astype(str)))
    hit = keys.isin(notes.index)
    if not hit.any():
        return out
    rows = out.index[sel[hit]]
    out = plain(out, ["status", "note"])
    out.loc[rows, "status"] = "missing"
    out.loc[rows, ["value", "numerator", "denominator"]] = np.nan
    out.loc[rows, "note"] = notes.reindex(keys[hit]).to_numpy()
    first = found.iloc[0]
    n = int(hit.sum())
    example = "{code} {name} {period}: {note}".format(
        code=first["region_code"], name=codes.name_of(first["region_code"]), period=first["period"],
        note=_("bare {present} i filen; mangler {lacking}").format(
            present=_names(first["present"], True), lacking=_names(first["lacking"], True)))
    warnings.append(ngettext(
        "{n} rad gjelder bare en del av en sammenslått kommune eller et sammenslått fylke og lagres "
        "som «mangler», uten tall (f.eks. {example}). Last inn en fil med alle delene, eller med "
        "tallet for hele området.",
        "{n} rader gjelder bare en del av en sammenslått kommune eller et sammenslått fylke og lagres "
        "som «mangler», uten tall (f.eks. {example}). Last inn en fil med alle delene, eller med "
        "tallet for hele området.", n).format(n=n, example=example))
    return out
