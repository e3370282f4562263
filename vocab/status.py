"""What a stored figure's status is, which statuses carry a number, their words, and the one
rule for the status of a sum whose parts have different statuses."""
from __future__ import annotations

from collections.abc import Iterable

from vocab.i18n import N_, _

# ok: published; suppressed: hidden by the source (too few persons); missing: not available;
# provisional: preliminary; break: a break in the series.
STATUSES = ("ok", "suppressed", "missing", "provisional", "break")
VALUE_STATUSES = ("ok", "provisional", "break")   # statuses that carry a number

# The word beside a value (screen, tables, files, messages). A published number needs none.
# Bokmål, as delivery files may write them (loaders.delivery); shown through word()/_().
WORDS = {"ok": N_("publisert"), "suppressed": N_("skjermet"), "missing": N_("mangler"),
         "provisional": N_("foreløpig"), "break": N_("brudd i serien")}
# The explanation in legends and the «Om tallene» sheet (shown through long()).
LONG = {"ok": N_("Publisert"), "suppressed": N_("Skjermet (for få personer til å vises)"),
        "missing": N_("Mangler (ikke tilgjengelig)"), "provisional": N_("Foreløpig tall"),
        "break": N_("Brudd i serien")}
# A figure Innenfor added up itself (a sum, a moving average); shown as _(COMPUTED_WORD).
COMPUTED_WORD = N_("beregnet")

# A sum takes the status of its weakest part, in this order: a part the source hid hides the sum,
# a part that is not there (`absent`: no row at all) or missing makes it missing, and a part's
# mark (break, preliminary) carries over to it. Loaders (merged municipalities), queries
# (counties, groups, category totals) and views (a map area of two parts) all use this order.
PRECEDENCE = ("suppressed", "absent", "missing", "break", "provisional", "ok")


def has_value(status: str | None) -> bool:
    return status in VALUE_STATUSES


def word(status: str | None) -> str:
    """'skjermet', 'mangler', 'foreløpig', 'brudd i serien' (in the current language); '' for a
    published number."""
    if not status or status == "ok":
        return ""
    return _(WORDS[status]) if status in WORDS else status


def long(status: str | None) -> str:
    key = status or "ok"
    return _(LONG[key]) if key in LONG else (status or "")


def computed_word() -> str:
    """'beregnet' in the current language."""
    return _(COMPUTED_WORD)


def combined(statuses: Iterable[str | None]) -> str:
    """The status of a sum of parts (None for a part with no row): 'missing' for an absent part."""
    found = {"absent" if s is None else s for s in statuses}
    first = next((s for s in PRECEDENCE if s in found), "missing")
    return "missing" if first == "absent" else first


def sql_combined(flags: dict[str, str]) -> str:
    """The same rule as a SQL CASE over boolean expressions, one per status in PRECEDENCE that
    the query can tell (e.g. {'absent': 'n_rows < n_members', 'suppressed': 'any_suppressed'})."""
    whens = [f"WHEN {flags[s]} THEN '{'missing' if s == 'absent' else s}'"
             for s in PRECEDENCE if s != "ok" and s in flags]
    return "CASE " + " ".join(whens) + " ELSE 'ok' END"


def sql_list(statuses: Iterable[str] = VALUE_STATUSES) -> str:
    """"('ok', 'provisional', 'break')" for SQL IN."""
    return "(" + ", ".join(f"'{s}'" for s in statuses) + ")"


SQL_HAS_VALUE = sql_list(VALUE_STATUSES)
SQL_STATUSES = sql_list(STATUSES)
