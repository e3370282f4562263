"""Coordinator sign-in rules and the workspace steps: preview, save, history, undo, original."""
import duckdb
import pytest

from loaders import access, workspace

HEADER = "indikator;kommunenr;periode;alder;kjonn;kategori;antall;nevner;status\n"


@pytest.fixture(autouse=True)
def _fresh_limits(tmp_path, monkeypatch):
    """The sign-in book lies beside the store: a private one per test."""
    monkeypatch.setenv("INNENFOR_DB", str(tmp_path / "innlogging" / "s.duckdb"))
    yield
    access.reset_rate_limits()


def test_password_hashes_are_salted_and_verified():
    h1, h2 = access.make_hash("hemmelig"), access.make_hash("hemmelig")
    assert h1 != h2 and h1.startswith("scrypt$32768$8$3$")
    assert access.check_hash("hemmelig", h1) and not access.check_hash("Hemmelig", h1)
    assert not access.check_hash("hemmelig", "not-a-hash")
    old = access.make_pbkdf2_hash("hemmelig")                 # older versions' hashes still work
    assert access.check_hash("hemmelig", old) and not access.check_hash("Hemmelig", old)


def test_accounts_from_environment_and_secrets(monkeypatch):
    monkeypatch.setenv("INNENFOR_COORDINATORS",
                       "kari=pbkdf2_sha256$1$YQ==$YQ==; ola=pbkdf2_sha256$1$Yg==$Yg==")
    found = access.accounts({"coordinators": {"per": "pbkdf2_sha256$1$Yw==$Yw=="}})
    assert set(found) == {"kari", "ola", "per"}
    monkeypatch.delenv("INNENFOR_COORDINATORS")
    assert access.accounts(None) == {}


def test_sign_in_and_rate_limit():
    accts = {"kari": access.make_hash("riktig")}
    ok, msg = access.sign_in("kari", "riktig", accts, now=1000.0)
    assert ok and "kari" in msg
    for i in range(access.MAX_FAILURES):
        ok, msg = access.sign_in("kari", "feil", accts, now=1000.0 + i)
        assert not ok and "Feil brukernavn eller passord" in msg
    ok, msg = access.sign_in("kari", "riktig", accts, now=1010.0)
    assert not ok and "For mange" in msg                       # even the right password waits
    ok, _ = access.sign_in("kari", "riktig", accts, now=1000.0 + access.LOCKOUT_SECONDS + 10)
    assert ok


def test_unknown_user_gets_the_same_message():
    ok, msg = access.sign_in("ingen", "x", {"kari": access.make_hash("riktig")})
    assert not ok and msg.startswith("Feil brukernavn eller passord")


def test_preview_then_save_then_undo_then_original(writable_db):
    data = (HEADER + "ufore;4003 Skien;2026;18-29;alle;alle;301;7902;\n"
                     "ufore;4010 Siljan;2026;18-29;alle;alle;;300;*\n").encode("utf-8")
    before = writable_db.read_bytes()
    p = workspace.preview("uføre 2026.csv", data, writable_db)
    assert p.can_save and p.summary["kommuner"] == 2 and p.summary["skjermet"] == 1
    assert writable_db.read_bytes() == before                  # nothing stored by a preview
    r = workspace.save("uføre 2026.csv", data, "kari", writable_db)
    assert r.outcome == "loaded"
    h = workspace.history(writable_db)
    top = h.iloc[0]
    assert top.file_name == "uføre 2026.csv" and top.loaded_by == "kari" and top.indicators == "ufore"
    assert workspace.original(top.sha256, writable_db) == data
    assert workspace.original("../../etc/passwd", writable_db) is None
    msg = workspace.undo(int(top.source_id), writable_db)
    assert "fjernet" in msg
    con = duckdb.connect(str(writable_db), read_only=True)
    assert con.execute("SELECT count(*) FROM observations "
                       "WHERE period = '2026' AND indicator = 'ufore'").fetchone()[0] == 0
    con.close()
    assert workspace.original(top.sha256, writable_db) == data     # nothing the user gave is lost


def test_preview_lists_problems_in_norwegian(writable_db):
    data = (HEADER + "ufore;4099;2026;18-29;alle;alle;301;7902;\n").encode("utf-8")
    p = workspace.preview("feil.csv", data, writable_db)
    assert not p.can_save and "4099" in " ".join(p.result.problems)
