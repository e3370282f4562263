"""Municipality numbers across the 2020 and 2024 reforms (facts: SSB KLASS 131)."""
import csv

import pytest

from geo import codes

# Every Vestfold og Telemark municipality: number before 2020 (one of them where there was
# one 1:1 predecessor), 2020–2023 and 2024.
VT_CHAINS = {
    "Horten": ("0701", "3801", "3901"), "Holmestrand": ("0715", "3802", "3903"),
    "Tønsberg": ("0704", "3803", "3905"), "Sandefjord": ("0710", "3804", "3907"),
    "Larvik": ("0712", "3805", "3909"), "Færder": ("0729", "3811", "3911"),
    "Porsgrunn": ("0805", "3806", "4001"), "Skien": ("0806", "3807", "4003"),
    "Notodden": ("0807", "3808", "4005"), "Siljan": ("0811", "3812", "4010"),
    "Bamble": ("0814", "3813", "4012"), "Kragerø": ("0815", "3814", "4014"),
    "Drangedal": ("0817", "3815", "4016"), "Nome": ("0819", "3816", "4018"),
    "Midt-Telemark": ("0821", "3817", "4020"), "Seljord": ("0828", "3820", "4022"),
    "Hjartdal": ("0827", "3819", "4024"), "Tinn": ("0826", "3818", "4026"),
    "Kviteseid": ("0829", "3821", "4028"), "Nissedal": ("0830", "3822", "4030"),
    "Fyresdal": ("0831", "3823", "4032"), "Tokke": ("0833", "3824", "4034"),
    "Vinje": ("0834", "3825", "4036"),
}


@pytest.mark.parametrize("name,chain", VT_CHAINS.items())
def test_every_vestfold_telemark_number_lands_on_its_2024_number(name, chain):
    old, mid, new = chain
    for code in chain:
        h = codes.to_2024(code)
        assert h is not None and h.exact and h.code == new, (code, h)
    assert codes.name_matches(mid, name) and codes.name_matches(new, name)
    assert codes.valid_in(old, 2019) and not codes.valid_in(old, 2020)
    assert codes.valid_in(mid, 2020) and codes.valid_in(mid, 2023) and not codes.valid_in(mid, 2024)
    assert codes.valid_in(new, 2024) and not codes.valid_in(new, 2023)


def test_all_23_municipalities_are_covered():
    vt = {c for c, r in codes.municipalities_2024().items() if r["county_code"] in ("39", "40")}
    assert vt == {chain[2] for chain in VT_CHAINS.values()}


@pytest.mark.parametrize("parts,target", [
    (("0722", "0723"), "3911"),                    # Færder = Nøtterøy + Tjøme (2018)
    (("0702", "0714", "0713"), "3903"),            # Holmestrand = Holmestrand + Hof (2018) + Sande (2020)
    (("0704", "0716"), "3905"),                    # Tønsberg = Tønsberg + Re
    (("0821", "0822"), "4020"),                    # Midt-Telemark = Bø + Sauherad
    (("0104", "0136"), "3103"),                    # Moss = Moss + Rygge (Østfold)
])
def test_merged_municipalities_share_one_2024_number(parts, target):
    assert {codes.to_2024(p).code for p in parts} == {target}
    assert set(parts) <= codes.sources_of(target)


def test_alesund_2024_split_is_flagged_not_guessed():
    h = codes.to_2024("1507")
    assert not h.exact and h.code == "1507" and h.split_into == ("1508", "1580")
    # Before 2020 the parts are known exactly (SSB's grouping): Haram → 1580, the rest → 1508.
    assert codes.to_2024("1534").code == "1580"
    assert {codes.to_2024(c).code for c in ("1504", "1523", "1529", "1546")} == {"1508"}


def test_every_2020_number_reaches_2024():
    for code in codes.municipalities_2020():
        h = codes.to_2024(code)
        assert h is not None
        assert h.code in codes.municipalities_2024() or code == "1507"


def test_reference_files_are_the_attributed_klass_facts():
    from geo.codes import REFERENCE
    text = (REFERENCE / "KILDE.md").read_text(encoding="utf-8")
    assert "KLASS 131" in text and "NLOD" in text
    with open(REFERENCE / "kommune_endringer.csv", encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == 511


@pytest.mark.parametrize("code,name,ok", [
    ("3807", "Skien", True), ("4003", "skien", True), ("1875", "Hamarøy", True),
    ("1875", "Hábmer", True), ("0713", "Sande (Vestf.)", True), ("3806", "Skien", False),
    ("40", "Telemark", True), ("38", "Vestfold og Telemark", True), ("0", "Hele landet", True),
])
def test_names_are_checked_against_numbers(code, name, ok):
    assert codes.name_matches(code, name) is ok


def test_unknown_code_is_none():
    assert codes.to_2024("3899") is None


def test_old_county_exactness_follows_from_the_change_table():
    """A pre-2020 county is exact when every municipality it had in 2019 went wholly into its
    2024 county, that county holds nothing from other old counties (but merge partners), and
    every merge partner is exact too (so the parts add up to the whole)."""
    def alone(old: str, new: str) -> bool:
        partners = {c for c, (n, _) in codes.OLD_COUNTIES.items() if n == new}
        for m in (c for c in codes.known_names() if len(c) == 4 and c[:2] == old
                  and codes.valid_in(c, 2019)):
            h = codes.to_2024(m)
            if not h.exact or h.code[:2] != new:
                return False
        return all(s[:2] in partners for k in codes.municipalities_2024() if k[:2] == new
                   for s in codes.sources_of(k) if len(s) == 4 and codes.valid_in(s, 2019))
    for old, (new, exact) in codes.OLD_COUNTIES.items():
        partners = [c for c, (n, _) in codes.OLD_COUNTIES.items() if n == new]
        assert exact == all(alone(p, new) for p in partners), (old, new, exact)
    assert codes.county_to_2024("01") == ("31", False)        # Rømskog went to Akershus
