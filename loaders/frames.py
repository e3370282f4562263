"""The normalised rows as frames: their shape (vocab.keys.NORMALISED), and numbering distinct
values and groups once (a 1 M-row file has a few hundred distinct strings), which the readers,
validate and harmonise all lean on."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import cast

import numpy as np
import pandas as pd

from vocab.keys import NORMALISED as COLUMNS


def normalised_frame(rows) -> pd.DataFrame:
    """The normalised rows (a list of dicts, or a DataFrame with some or all of COLUMNS)."""
    df = pd.DataFrame(rows, columns=COLUMNS) if not isinstance(rows, pd.DataFrame) else \
        rows.reindex(columns=COLUMNS)
    for col in ("value", "numerator", "denominator"):
        if df[col].dtype != "float64":
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
        v = df[col].to_numpy()
        if np.signbit(v).any() and ((v == 0) & np.signbit(v)).any():
            df[col] = np.where(v == 0, 0.0, v)   # -0 → 0: a page never shows «-0»
    for col in ("indicator", "region", "region_name", "level", "period", "age", "sex", "category",
                "status", "note", "sheet"):
        if isinstance(df[col].dtype, pd.CategoricalDtype) and not df[col].hasnans:
            continue
        if df[col].dtype != "str" or df[col].hasnans:
            df[col] = df[col].astype("str").fillna("")
    if df["row"].dtype != "int64":
        df["row"] = pd.to_numeric(df["row"], errors="coerce").fillna(0).astype("int64")
    return df


_factors = threading.local()   # column → (codes, values), remembered within pipeline.prepare()


@contextmanager
def remember_factors():
    """While active, str columns factorized with factorize() keep their (codes, distinct values),
    so grouping by a column never hashes its strings twice."""
    _factors.cache = {}
    try:
        yield
    finally:
        _factors.cache = None


def _arrow(col):
    arr = col.array if isinstance(col, pd.Series) else col
    return getattr(arr, "_pa_array", arr)   # the Arrow data: shared by copies of a frame


def factorize(col: pd.Series) -> tuple[np.ndarray, list]:
    """(number of each row's value among the distinct values, the distinct values). The values
    are distinct; their order is not promised, and for a categorical column they may include
    values no row has."""
    cache = getattr(_factors, "cache", None)
    data = _arrow(col)   # (one object: kept below, so no other can be given its id meanwhile)
    key = id(data)
    if cache is not None and key in cache:
        return cache[key][1:]
    if isinstance(col.dtype, pd.CategoricalDtype) and not col.hasnans:
        idx, uniq = col.cat.codes.to_numpy().astype(np.intp), col.cat.categories   # (int8 overflows)
    else:
        idx, uniq = pd.factorize(col, use_na_sentinel=False)
    if cache is not None:
        cache[key] = (data, idx, list(uniq))   # keeps the data alive: its id stays unique
    return idx, list(uniq)


def combined_codes(df: pd.DataFrame, cols: list[str]) -> tuple[np.ndarray, int]:
    """(a number per row for its combination of `cols`, the numbers' upper bound): a factorize
    per column, combined arithmetically."""
    n = len(df)
    code = np.zeros(n, dtype=np.int64)
    size = 1
    for c in cols:
        idx, uniq = factorize(df[c])
        k = max(len(uniq), 1)
        if size * k >= 2 ** 62:   # keep the combined number small
            code = pd.factorize(code)[0].astype(np.int64)
            size = int(code.max()) + 1 if n else 1
        code *= k   # (in place: no new 8-byte array per column)
        code += idx
        size *= k
    return code, size


def groups(df: pd.DataFrame, cols: list[str], ordered: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(group number of each row, position of each group's first row) for the distinct values
    of `cols`, numbered in order of first appearance (ordered=False: in no particular order).
    Vectorised: the combinations (combined_codes) numbered through a dense table when there can be
    few (a file has a few hundred places and periods), else a hash table."""
    n = len(df)
    code, size = combined_codes(df, cols)
    if size <= 2 * n:   # a table of every possible combination costs at most 10 bytes a row
        seen = np.zeros(size, dtype=bool)
        seen[code] = True
        dense = np.cumsum(seen, dtype=np.int32) - 1   # group numbers in order of `code`
        grp = dense[code]
        first = np.full(int(seen.sum()), n, dtype=np.int64)
        np.minimum.at(first, grp, np.arange(n, dtype=np.int64))
        if not ordered:
            return grp, first
        order = np.argsort(first, kind="stable")   # renumber in order of first appearance
        renumber = np.empty_like(order)
        renumber[order] = np.arange(len(order))
        return renumber[grp], first[order]
    grp = pd.factorize(code)[0]
    first = pd.Series(grp).drop_duplicates().index.to_numpy()
    return grp, first


def coded_strings(values: list, idx: np.ndarray, repeat: int = 1) -> pd.Categorical:
    """A text column from its values and each row's index into them, `repeat` times over: an
    ordered categorical with sorted categories, so it sorts, compares and has min/max as str
    does, and reaches the store as an Arrow dictionary (no string per row is built)."""
    strs = ["" if v is None else str(v) for v in values]
    uniq = sorted(set(strs)) or [""]
    pos = {u: i for i, u in enumerate(uniq)}
    small = np.int8 if len(uniq) < 128 else np.int16 if len(uniq) < 32768 else np.int32
    codes = np.array([pos[x] for x in strs] or [0], dtype=small)[idx]
    if repeat != 1:
        codes = np.tile(codes, repeat)
    dtype = pd.CategoricalDtype(uniq, ordered=True)
    return cast(pd.Categorical, pd.Categorical.from_codes(codes, dtype=dtype))


def plain(df: pd.DataFrame, cols=None) -> pd.DataFrame:
    """`cols` (default: all) as str, for code that sets values a categorical does not have or
    builds strings from it. Used where few rows are involved (merged municipalities, breaks)."""
    return df.assign(**{c: df[c].astype("str") for c in (df.columns if cols is None else cols)
                        if isinstance(df[c].dtype, pd.CategoricalDtype)})
