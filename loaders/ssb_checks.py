"""What SSB's readers (loaders.ssb_common.neet_frame, loaders.ssb_sheet) check beyond SSB's own
layout: sum rows an analyst added ('Samla', 'Totalsum'), and shares under a percent header
written as fractions (0,113 for 11,3 %), decided by the counts beside them or, alone, by the
indicator's plausible range (loaders.plausible)."""
from __future__ import annotations

import re

from geo import codes
from loaders.base import LoadError
from loaders.plausible import share_reading
from vocab.i18n import _, ngettext
from vocab.numbers import as_written, percent
from vocab.text import lower_first, where

_SUM_WORDS = re.compile(r"^(samla|samlet|sum|summer|summert|totalsum|total|totalt|i alt|grand total)"
                        r"(\s|$)")


def is_sum_label(label) -> bool:
    """'Samla', 'Sum', 'Totalsum', 'Totalt Telemark': a sum row an analyst added (never SSB's: SSB
    writes the country as '0 Hele landet' and a county with its number or name)."""
    s = codes.fold_name(re.sub(r"<[^>]*>", " ", "" if label is None else str(label)))
    return bool(_SUM_WORDS.match(s)) and not re.search(r"\d", s)


def sums_note(sums: dict[tuple, str]) -> str:
    shown = [f"{lower_first(where(sheet, row))} («{label}»)"
             for (sheet, row), label in list(sums.items())[:4]]
    listed = ", ".join(shown)
    if len(sums) > 4:
        listed = _("{list} og {n} til").format(list=listed, n=len(sums) - 4)
    return _("Summeringsrader lagt til i filen er ikke lest inn (Innenfor summerer selv): "
             "{list}.").format(list=listed)


def _label(c) -> str:
    """The heading a share was published under ('Bosatte (prosent)')."""
    return " ".join(str(c.dims.get("statistikkvariabel") or c.dims.get("status") or _("andel")).split())


def _at(c) -> str:
    """Where a cell (loaders.ssb_common.Cell) is, inside a sentence: 'arket «Telemark», rad 24'."""
    return lower_first(where(c.sheet, c.row))


def fractions(rows: list[dict], as_fraction: list, share_only: list, notes: list) -> None:
    """Shares under a percent header written as fractions (0,113 for 11,3 %). Beside counts the
    counts decide, row by row (the value is worked out from them); alone, the indicator's
    plausible range decides for the whole file (loaders.plausible.share_reading), or the file
    is refused when it cannot be told."""
    if as_fraction:
        s, exact, c = as_fraction[0]
        notes.append(ngettext(
            "Andelene under «{label}» er skrevet som brøk, ikke prosent (f.eks. {at}: {example} der "
            "antallene gir {exact}); {n} andel er derfor regnet ut av antallene.",
            "Andelene under «{label}» er skrevet som brøk, ikke prosent (f.eks. {at}: {example} der "
            "antallene gir {exact}); {n} andeler er derfor regnet ut av antallene.",
            len(as_fraction)).format(label=_label(c), at=_at(c), example=as_written(s),
                                     exact=percent(exact), n=len(as_fraction)))
    if not share_only:
        return
    reading = share_reading([rows[i]["value"] for i, _c in share_only], "neet")
    c, example = share_only[0][1], rows[share_only[0][0]]["value"]
    if reading == "unclear":
        raise LoadError(_("Andelene under «{label}» er alle 1 eller mindre (f.eks. {at}: {example}), og "
                          "filen har ikke antall å regne dem ut av: Innenfor kan ikke avgjøre om de er "
                          "prosent eller brøk. Last ned tabellen med antall (bosatte i alt og NEET).")
                        .format(label=_label(c), at=_at(c), example=as_written(example)))
    if reading == "fraction":
        for i, _c in share_only:
            rows[i]["value"] = round(rows[i]["value"] * 100, 10)
        notes.append(ngettext(
            "Andelene under «{label}» er skrevet som brøk (f.eks. {at}: {example}), ikke prosent; "
            "{n} andel er lest som prosent (ganget med 100).",
            "Andelene under «{label}» er skrevet som brøk (f.eks. {at}: {example}), ikke prosent; "
            "{n} andeler er lest som prosent (ganget med 100).",
            len(share_only)).format(label=_label(c), at=_at(c), example=as_written(example),
                                    n=len(share_only)))
