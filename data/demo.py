"""Bundled DEMO data for the seed counties (Vestfold, Telemark, Østfold), 2015–2025.

Deterministic (fixed seed) and written in the real source layouts, so building the store runs
the real loaders. County totals are calibrated to the figures the seeds state
(shared/BRIEF.md); everything else is plausible, not true. Every view labels it "Demodata".

    python -m data.demo          # rewrite the files in data/demo/
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from geo import codes
from vocab.keys import TEMPLATE

HERE = Path(__file__).parent
DEMO_DIR = HERE / "demo"
SEED = 2035
YEARS = list(range(2015, 2026))

# Approximate total population 2022 per 2024 municipality (rounded; only used to scale).
POPULATION = {
    "3901": 27600, "3903": 25300, "3905": 58000, "3907": 65300, "3909": 48100, "3911": 27100,
    "4001": 37400, "4003": 55500, "4005": 13100, "4010": 2400, "4012": 14100, "4014": 10400,
    "4016": 4100, "4018": 6500, "4020": 10800, "4022": 3000, "4024": 1600, "4026": 5700,
    "4028": 2400, "4030": 1400, "4032": 1300, "4034": 2200, "4036": 3800,
    "3101": 31800, "3103": 50300, "3105": 58900, "3107": 84300, "3110": 4800, "3112": 7800,
    "3114": 6000, "3116": 3900, "3118": 45900, "3120": 8300, "3122": 3600, "3124": 1300,
}
# Pre-2020 parts of merged municipalities: their share of the merged population.
PART_WEIGHT = {"0722": 0.82, "0723": 0.18, "0702": 0.50, "0714": 0.14, "0715": 0.64, "0713": 0.36,
               "0704": 0.82, "0716": 0.18, "0709": 0.95, "0728": 0.05, "0821": 0.58, "0822": 0.42,
               "0104": 0.67, "0136": 0.33, "0122": 0.12, "0123": 0.13, "0124": 0.35, "0125": 0.28,
               "0138": 0.12}
VT = [c for c in POPULATION if c[:2] in ("39", "40")]
OSTFOLD = [c for c in POPULATION if c[:2] == "31"]
MONTHS = [f"{y}-{m:02d}" for y in YEARS for m in range(1, 13)]


def codes_in(target: str, year: int) -> list[str]:
    """The municipality numbers in use in `year` that make up today's `target` (from 2017 on:
    the 2017 Stokke split is not reproduced in demo data)."""
    y = max(year, 2017)
    found = [c for c in codes.sources_of(target) if codes.valid_in(c, y)]
    return sorted(found) or [target]


def split(total: int, weights) -> list[int]:
    """Integers proportional to weights that sum exactly to total (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    raw = total * w / w.sum()
    out = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - out))[: total - out.sum()]:
        out[i] += 1
    return [int(x) for x in out]


def parts(target: str, year: int) -> list[tuple[str, float]]:
    cs = codes_in(target, year)
    return [(c, PART_WEIGHT.get(c, 1.0)) for c in cs]


def label(code: str) -> str:
    return f"{code} {sorted(codes.known_names()[code])[0]}" if code in codes.known_names() else code


class Model:
    """Per-municipality levels and yearly paths, all from one seeded generator."""

    def __init__(self):
        rng = np.random.default_rng(SEED)
        self.rng = rng
        munis = list(POPULATION)
        self.neet_level = dict(zip(munis, rng.normal(0, 0.12, len(munis))))
        self.ufore_level = dict(zip(munis, rng.uniform(0, 1, len(munis))))
        self.ot_level = dict(zip(munis, rng.normal(1, 0.18, len(munis))))
        self.nav_level = dict(zip(munis, rng.normal(1, 0.2, len(munis))))

    def pop_15_29(self, code: str, year: int) -> int:
        growth = 1 + 0.004 * (year - 2022)
        return int(round(POPULATION[code] * 0.168 * growth))


NEET_NATIONAL = dict(zip(YEARS, [9.6, 9.7, 9.5, 9.2, 9.0, 10.1, 9.8, 9.7, 9.8, 9.9, 10.0]))
AGE_BANDS = {"15-19": (0.34, 0.40), "20-24": (0.33, 1.30), "25-29": (0.33, 1.30)}


def neet_file(m: Model) -> Path:
    """SSB Statistikkbanken CSV, table 13563 layout, ISO-8859-1, with title line."""
    years = YEARS[:-1]   # the register statistics lag: 2024 is the newest year
    rows = []
    for target in VT + OSTFOLD:
        base = (1.17 if target in VT else 1.12) * np.exp(m.neet_level[target])
        for year in years:
            pop = m.pop_15_29(target, year)
            rate = NEET_NATIONAL[year] / 100 * base * (1 + m.rng.normal(0, 0.03))
            neet = int(round(pop * rate))
            if (target, year) == ("4003", 2022):
                pop, neet = 9641, 1125   # the figure the issue quotes for Skien 2022
            ps = parts(target, year)
            ws = [w for _code, w in ps]
            for (code, _w), p, n in zip(ps, split(pop, ws), split(neet, ws)):
                rows.append((code, year, p, n))
    by_code: dict[str, dict] = {}
    for code, year, pop, neet in rows:
        by_code.setdefault(code, {})[year] = (pop, neet)
    # Calibrate Vestfold og Telemark 2022 to SSB's 8 126 of 72 158 (shared/realdata SOURCE.txt).
    vt22 = [(c, v[2022]) for c, v in by_code.items() if 2022 in v and codes.to_2024(c).code in VT]
    pops = split(72158 - 9641, [p for c, (p, _n) in vt22 if c != "3807"])
    neets = split(8126 - 1125, [n for c, (_p, n) in vt22 if c != "3807"])
    for (c, _v), p, n in zip([x for x in vt22 if x[0] != "3807"], pops, neets):
        by_code[c][2022] = (p, n)
    header = ["region", "alder", "arbeidsstyrkestatus"] + [f"Bosatte {y}" for y in years]
    out = []
    for code in sorted(by_code):
        for band in ["15-29", *AGE_BANDS]:
            for status in ("I alt", "Utenfor arbeid, utdanning og arbeidsmarkedstiltak (NEET)"):
                cells = []
                for y in years:
                    if y not in by_code[code] or not codes.valid_in(code, max(y, 2017)):
                        cells.append(".")
                        continue
                    pop, neet = by_code[code][y]
                    p_band, n_band = _band(pop, neet, band)
                    value = p_band if status == "I alt" else n_band
                    cells.append(":" if status != "I alt" and 0 < value < 3 else str(value))
                out.append([f"K-{label(code)}", f"{band} år", status] + cells)
    nat = []
    for band in ["15-29"] + list(AGE_BANDS):
        for status in ("I alt", "Utenfor arbeid, utdanning og arbeidsmarkedstiltak (NEET)"):
            cells = []
            for y in years:
                pop = 1_026_843 if y == 2022 else int(1_026_843 * (1 + 0.005 * (y - 2022)))
                neet = 99_160 if y == 2022 else int(round(pop * NEET_NATIONAL[y] / 100))
                p_band, n_band = _band(pop, neet, band)
                cells.append(str(p_band if status == "I alt" else n_band))
            nat.append(["0 Hele landet", f"{band} år", status] + cells)
    path = DEMO_DIR / "ssb_13563_neet_kommuner_2015-2024_DEMO.csv"
    title = ('"13563: Personer 15-29 år, etter region, alder, arbeidsstyrkestatus, statistikkvariabel '
             'og år (DEMODATA, ikke ekte tall)"')
    with open(path, "w", encoding="latin-1", newline="") as f:
        f.write(title + "\r\n\r\n")
        w = csv.writer(f, delimiter=";", quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
        w.writerow(header)
        for r in nat + out:
            w.writerow(r[:3] + [int(c) if c.isdigit() else c for c in r[3:]])
    return path


def _band(pop: int, neet: int, band: str) -> tuple[int, int]:
    """Split a 15–29 total into bands deterministically (sums of bands equal the total)."""
    if band == "15-29":
        return pop, neet
    names = list(AGE_BANDS)
    pops = split(pop, [AGE_BANDS[b][0] for b in names])
    neets = split(neet, [AGE_BANDS[b][0] * AGE_BANDS[b][1] for b in names])
    i = names.index(band)
    return pops[i], min(neets[i], pops[i])


DELIVERY_HEADER = TEMPLATE


def _write_delivery(path: Path, rows: list[list]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(DELIVERY_HEADER)
        w.writerows(rows)
    return path


UFORE_NATIONAL = dict(zip(YEARS, [1.9, 2.0, 2.1, 2.2, 2.35, 2.45, 2.5, 2.55, 2.6, 2.6, 2.65]))


def ufore_file(m: Model) -> Path:
    """NAV delivery (Innenfor template): uføre 18–29 per municipality, 2015–2025.
    Calibrated: Vestfold og Telemark 2021 = 3,8 %, municipalities between 0,9 % and 5,1 %."""
    # 2021 rates: spread 0.9..5.1 by the seeded level, then scale the middle to hit 3.8 % in all.
    lv = {c: m.ufore_level[c] for c in VT}
    big = [c for c in VT if POPULATION[c] > 10000]   # so rounding cannot push them past the range
    lo, hi = min(big, key=lv.get), max(big, key=lv.get)
    rate21 = {c: 0.9 + 4.2 * (lv[c] - lv[lo]) / (lv[hi] - lv[lo]) for c in VT}
    den = {c: int(round(m.pop_15_29(c, 2021) * 0.8)) for c in VT}
    for _i in range(50):
        total = sum(rate21[c] * den[c] for c in VT) / sum(den.values())
        f = 3.8 / total
        rate21 = {c: rate21[c] if c in (lo, hi) else min(4.8, max(1.2, rate21[c] * f)) for c in VT}
    for c in OSTFOLD:
        rate21[c] = 2.9 * np.exp(0.25 * (m.ufore_level[c] - 0.5))
    rows = []
    for target in VT + OSTFOLD:
        for year in YEARS:
            d = int(round(m.pop_15_29(target, year) * 0.8))
            r = rate21[target] * UFORE_NATIONAL[year] / UFORE_NATIONAL[2021]
            if year != 2021:
                r *= 1 + m.rng.normal(0, 0.04)
            n = int(round(d * r / 100))
            ps = parts(target, year)
            ws = [w for _code, w in ps]
            for (code, _w), dd, nn in zip(ps, split(d, ws), split(n, ws)):
                status = "*" if 0 < nn < 4 else ""
                rows.append(["ufore", label(code), str(year), "18-29", "alle", "alle",
                             "" if status else nn, dd, status])
    for year in YEARS:
        d = int(820_000 * (1 + 0.004 * (year - 2021)))
        rows.append(["ufore", "0 Hele landet", str(year), "18-29", "alle", "alle",
                     int(round(d * UFORE_NATIONAL[year] / 100)), d, ""])
    return _write_delivery(DEMO_DIR / "nav_ufore_18-29_kommuner_DEMO.csv", rows)


OT_REASONS = {"ikke_sokt": 1381, "takket_nei": 460, "avbrutt": 581, "andre": 517}


def ot_file(m: Model) -> Path:
    """VIGO-OT delivery (Innenfor template): OT registrations by reason per school year.
    Calibrated: Vestfold og Telemark 2020–2021 = 2 939 (1 381 / 460 / 581 / 517)."""
    rows = []
    for county, targets, scale in (("VT", VT, 1.0), ("Østfold", OSTFOLD, 0.72)):
        for year in YEARS:           # school year (year-1)–year, counted 15 June `year`
            f = 1.0 if (year == 2021 and county == "VT") else scale * (1 + 0.05 * (2021 - year) / 4
                                                                        + m.rng.normal(0, 0.04))
            weights = [m.pop_15_29(c, year) * max(0.3, m.ot_level[c]) for c in targets]
            per_reason = {r: split(int(round(n * f)), weights) for r, n in OT_REASONS.items()}
            for i, target in enumerate(targets):
                ps = parts(target, year)
                per_part = {r: split(per_reason[r][i], [w for _code, w in ps]) for r in OT_REASONS}
                for j, (code, _w) in enumerate(ps):
                    for r in OT_REASONS:
                        rows.append(["ot_tilmeldt", label(code), f"{year - 1}-{year}", "16-21", "alle",
                                     r, per_part[r][j], "", ""])
    return _write_delivery(DEMO_DIR / "vigo_ot_tilmeldte_kommuner_DEMO.csv", rows)


NAV_MAY21 = {"helt_ledige": 2080, "delvis_ledige": 1246, "tiltak": 454}


def _nav_factor(month: str) -> float:
    y, mo = int(month[:4]), int(month[5:])
    trend = {2015: 1.25, 2016: 1.3, 2017: 1.15, 2018: 1.0, 2019: 0.95, 2020: 1.6, 2021: 1.05,
             2022: 0.75, 2023: 0.8, 2024: 0.88, 2025: 0.92}[y]
    if y == 2020 and mo in (3, 4, 5):
        trend = {3: 2.6, 4: 3.0, 5: 2.4}[mo]
    season = 1 + 0.12 * np.cos((mo - 1) / 12 * 2 * np.pi)
    return trend * season / (1.05 * (1 + 0.12 * np.cos(4 / 12 * 2 * np.pi)))


def nav_file(m: Model) -> Path:
    """NAV delivery (Innenfor template): job seekers under 30 per municipality and month, by
    group and in all ('alle'), with NAV's '*' for counts under 4, and county and national
    figures by group as NAV publishes them.
    Calibrated: Vestfold og Telemark May 2021 = 2 080 / 1 246 / 454 (3 780 in all)."""
    rows = []
    county_rows = []
    for county, targets, scale in (("38", VT, 1.0), ("31", OSTFOLD, 0.7)):
        weights = [m.pop_15_29(c, 2021) * max(0.3, m.nav_level[c]) for c in targets]
        for month in MONTHS:
            year = int(month[:4])
            f = _nav_factor(month) * scale * (1 + (0 if month == "2021-05" else m.rng.normal(0, 0.03)))
            per_cat = {k: split(int(round(n * f)), weights) for k, n in NAV_MAY21.items()}
            for k in NAV_MAY21:
                total = sum(per_cat[k])
                for cc in _county_codes(county, year):
                    if cc in ("38", "31", "01"):
                        county_rows.append(["arbeidssokere", cc, month, "under30", "alle", k, total, "", ""])
                    else:   # Vestfold and Telemark separately (07/08 before 2020, 39/40 from 2024)
                        new = {"07": "39", "08": "40"}.get(cc, cc)
                        sub = sum(n for c, n in zip(targets, per_cat[k]) if c[:2] == new)
                        county_rows.append(["arbeidssokere", cc, month, "under30", "alle", k, sub, "", ""])
            for i, target in enumerate(targets):
                ps = parts(target, year)
                by_part = {k: split(per_cat[k][i], [w for _code, w in ps]) for k in NAV_MAY21}
                # NAV publishes the total too ('alle'), hidden only when the total is under 4:
                # summed from the groups it would be hidden whenever one small group is.
                by_part["alle"] = [sum(ns) for ns in zip(*(by_part[k] for k in NAV_MAY21))]
                for k in [*NAV_MAY21, "alle"]:
                    for (code, _w), n in zip(ps, by_part[k]):
                        star = 0 < n < 4
                        rows.append(["arbeidssokere", label(code), month, "under30", "alle", k,
                                     "" if star else n, "", "*" if star else ""])
    for month in MONTHS:
        for k, n in NAV_MAY21.items():
            county_rows.append(["arbeidssokere", "0 Hele landet", month, "under30", "alle", k,
                                int(round(n * 13.5 * _nav_factor(month))), "", ""])
    return _write_delivery(DEMO_DIR / "nav_arbeidssokere_under30_kommuner_DEMO.csv", county_rows + rows)


def _county_codes(county: str, year: int) -> list[str]:
    """County numbers NAV published under in that year (07/08 and 01 before 2020)."""
    if county == "38":
        return ["38"] if 2020 <= year <= 2023 else (["39", "40"] if year >= 2024 else ["07", "08"])
    return ["31"] if year >= 2024 else (["01"] if year < 2020 else [])


def write_all() -> list[Path]:
    DEMO_DIR.mkdir(exist_ok=True)
    m = Model()
    return [neet_file(m), ufore_file(m), ot_file(m), nav_file(m)]


if __name__ == "__main__":
    for p in write_all():
        print(p.relative_to(HERE.parent), p.stat().st_size, "bytes")
