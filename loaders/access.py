"""Who may change the store. Viewing is open; loading, undoing and downloading originals
need a coordinator sign-in.

Accounts come from `.streamlit/secrets.toml` ([coordinators] name = "hash") or the environment
(INNENFOR_COORDINATORS="kari=scrypt$...;ola=scrypt$..."), never from the repository. Make a
hash with:  python -m loaders.access hash

Passwords are hashed with scrypt (memory-hard, in the standard library). Hashes made by older
versions (pbkdf2_sha256$...) are still accepted. The accounts live in secrets.toml or the
environment, which Innenfor never writes (a deployment's secrets may be read-only, and a TOML
rewrite would lose the operator's comments), so at the first sign-in with an old hash an scrypt
hash of the same password is kept in the sign-in book below, tied to that old hash, and used
from then on; the log asks the operator to replace the old hash.

The sign-in book (loaders.access_book) is `<store>.innlogging.sqlite3` beside the store, or,
with INNENFOR_DATABASE_URL, tables in PostgreSQL that every replica shares. Each attempt is
counted *before* its password is checked, in one transaction, so parallel guesses cannot slip
past the limit, and the counts survive a restart:

- MAX_FAILURES failed tries per name from one client (the browser's cookie, else its address)
  pause that client for that name for LOCKOUT_SECONDS;
- MAX_FAILURES_PER_NAME failed tries per name from clients that have never signed in as that
  name pause all such clients; a browser that has signed in as the name before is not paused
  by them, so a stranger cannot lock a coordinator out.

Every attempt costs exactly one hash of the same cost (an unknown name is hashed against a
dummy), so the time taken does not tell whether a name exists.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import secrets
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from loaders import access_book, store
from loaders.access_book import LOCKOUT_SECONDS as LOCKOUT_SECONDS  # re-exported: the limits
from loaders.access_book import MAX_FAILURES as MAX_FAILURES
from loaders.access_book import MAX_FAILURES_PER_NAME as MAX_FAILURES_PER_NAME
from loaders.access_book import TRUSTED_SECONDS as TRUSTED_SECONDS
from vocab import settings
from vocab.i18n import _, ngettext

# scrypt as OWASP recommends it (N=2^15, r=8, p=3): 32 MiB and about half a second per hash.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 15, 8, 3
SCRYPT_MAX_MEMORY = 256 * 1024 * 1024   # a configured hash asking for more is a typo
PBKDF2_ITERATIONS = 240_000             # what older versions wrote (still accepted)
MAX_ITERATIONS = 10_000_000             # more than this is a typo, not a stronger hash
BOOK_SUFFIX = ".innlogging.sqlite3"

log = logging.getLogger(__name__)
# At most two hashes at a time (64 MiB): parallel sign-ins queue instead of exhausting memory.
_HASHING = threading.BoundedSemaphore(2)
_DUMMY_SALT = secrets.token_bytes(16)


# --- hashes ------------------------------------------------------------------------------------

def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, length: int = 32) -> bytes:
    with _HASHING:
        return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length,
                              maxmem=128 * r * (n + p + 2) + 1024 * 1024)


def make_hash(password: str, salt: bytes | None = None) -> str:
    """«scrypt$N$r$p$salt$digest» (base64), what `python -m loaders.access hash` prints."""
    salt = salt or secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def make_pbkdf2_hash(password: str, salt: bytes | None = None,
                     iterations: int = PBKDF2_ITERATIONS) -> str:
    """The old format (pbkdf2_sha256$rounds$salt$digest), still accepted; for tests."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"pbkdf2_sha256${iterations}${_b64(salt)}${_b64(digest)}"


def _parse(stored: str) -> tuple | None:
    """('scrypt', n, r, p, salt, digest) or ('pbkdf2', rounds, salt, digest); None (and a logged
    configuration error) for a hash that cannot be read."""
    parts = (stored or "").strip().split("$")
    try:
        if parts[0] == "scrypt" and len(parts) == 6:
            n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
            if not (2 <= n <= 2 ** 20 and n & (n - 1) == 0 and 1 <= r <= 64 and 1 <= p <= 64
                    and 128 * r * n <= SCRYPT_MAX_MEMORY):
                raise ValueError(f"scrypt-parametre N={n}, r={r}, p={p}")
            salt, digest = (base64.b64decode(x, validate=True) for x in parts[4:])
            return "scrypt", n, r, p, salt, digest
        if parts[0] == "pbkdf2_sha256" and len(parts) == 4:
            rounds = int(parts[1])
            if not 1 <= rounds <= MAX_ITERATIONS:   # a huge count would hang the sign-in
                raise ValueError(f"iterations {parts[1]}")
            salt, digest = (base64.b64decode(x, validate=True) for x in parts[2:])
            return "pbkdf2", rounds, salt, digest
        raise ValueError("ukjent hash-type" if len(parts) > 1 else "ikke en hash")
    except (ValueError, OverflowError, binascii.Error) as e:
        log.error("Feil i koordinatoroppsettet: en passord-hash kan ikke leses (%s). Lag den på "
                  "nytt med: python -m loaders.access hash", e)
        return None


def _matches(password: str, parsed: tuple) -> bool:
    if parsed[0] == "scrypt":
        _kind, n, r, p, salt, want = parsed
        got = _scrypt(password, salt, n, r, p, len(want) or 32)
    else:
        _kind, rounds, salt, want = parsed
        with _HASHING:
            got = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, rounds)
    return hmac.compare_digest(got, want)


def _dummy(password: str) -> None:
    """The same work as checking a password against a default hash, for a name without one."""
    _scrypt(password, _DUMMY_SALT, SCRYPT_N, SCRYPT_R, SCRYPT_P)


def check_hash(password: str, stored: str) -> bool:
    parsed = _parse(stored)
    return parsed is not None and _matches(password or "", parsed)


def is_old_hash(stored: str) -> bool:
    return (stored or "").startswith("pbkdf2_sha256$")


# --- accounts ----------------------------------------------------------------------------------

def accounts(secrets_mapping=None) -> dict[str, str]:
    """Configured coordinators: name → password hash. Empty means uploads are switched off."""
    found: dict[str, str] = {}
    env = settings.env("INNENFOR_COORDINATORS") or ""
    for part in filter(None, (p.strip() for p in env.split(";"))):
        name, _eq, h = part.partition("=")
        if name and h:
            found[name.strip()] = h.strip()
    if secrets_mapping:
        section = settings.secret(secrets_mapping, "coordinators")
        if isinstance(section, Mapping):
            for name, h in section.items():
                found[str(name)] = str(h)
        elif section is not None:
            log.error("Feil i koordinatoroppsettet: [coordinators] i secrets.toml er ikke en "
                      "tabell med navn = \"hash\".")
    return found


# --- the sign-in book (loaders.access_book) ----------------------------------------------------

def book_path(db=None) -> Path:
    """Where the SQLite book is (used without INNENFOR_DATABASE_URL)."""
    p = store.db_path(db)
    return p.with_name(p.name + BOOK_SUFFIX)


def book(db=None) -> access_book.Book:
    """The book that counts sign-ins for the store `db`: PostgreSQL's when configured."""
    return access_book.open_book(book_path(db))


def _key(text: str) -> str:
    """Names and clients are kept as hashes: the book holds no names, addresses or cookies."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check(bk: access_book.Book, key: str, password: str,
           stored: str | None) -> tuple[bool, tuple[str, str] | None]:
    """(password right, (old hash, its scrypt upgrade) to keep) with exactly one hash, of the
    default cost for every current account and every unknown name."""
    parsed = _parse(stored) if stored else None
    if parsed is None:
        _dummy(password)
        return False, None
    if parsed[0] == "pbkdf2" and stored:
        newer = bk.upgraded(key, _key(stored))
        if newer and (up := _parse(newer)) is not None:
            return _matches(password, up), None
        if _matches(password, parsed):
            return True, (_key(stored), make_hash(password))
        return False, None
    return _matches(password, parsed), None


def _minutes(seconds: int) -> int:
    return max(1, -(-seconds // 60))


UNAVAILABLE = access_book.FOLDER_PROBLEM   # (an N_ constant: translate with _() where shown)


def sign_in(name: str, password: str, accounts_map: dict[str, str], now: float | None = None, *,
            client: str = "", db=None) -> tuple[bool, str]:
    """(ok, message in the current language). Unknown names and wrong passwords count and cost alike.
    `client` names the browser (cookie) or address the attempt came from; `db` the store whose
    sign-in book counts the attempts."""
    name = (name or "").strip()
    password = password or ""
    now = time.time() if now is None else now
    key, who = _key(name), _key(client or "")
    bk = book(db)
    try:
        wait, name_wide, left = bk.reserve(key, who, now)
        if wait:
            m = _minutes(wait)   # (bokmål says «minutter» after any number here, as it always has)
            if name_wide:
                msg = ngettext("For mange mislykkede forsøk. Prøv igjen om {n} minutter, eller fra en "
                               "nettleser du har logget inn med før.",
                               "For mange mislykkede forsøk. Prøv igjen om {n} minutter, eller fra en "
                               "nettleser du har logget inn med før.", m)
            else:
                msg = ngettext("For mange mislykkede forsøk. Prøv igjen om {n} minutter.",
                               "For mange mislykkede forsøk. Prøv igjen om {n} minutter.", m)
            return False, msg.format(n=m)
        ok, upgrade = _check(bk, key, password, accounts_map.get(name))
        if not ok:
            return False, _("Feil brukernavn eller passord.") + (
                " " + _("{n} forsøk igjen før pause.").format(n=left) if left > 0 else "")
        bk.succeeded(key, who, now, upgrade)
    except access_book.Unavailable as e:
        log.exception("innloggingsboka %s kan ikke brukes", bk.where)
        return False, str(e)
    if upgrade:
        log.warning("Koordinatoren «%s» har en passord-hash av den gamle typen (PBKDF2). Innenfor "
                    "bruker nå en scrypt-hash av samme passord, lagret i %s. Lag en ny hash med "
                    "python -m loaders.access hash og bytt ut den gamle i secrets.toml eller "
                    "INNENFOR_COORDINATORS.", name, bk.where)
    return True, _("Logget inn som {name}.").format(name=name)


def reset_rate_limits(db=None) -> None:
    """Forget every counted attempt and known browser (tests, and `unlock`)."""
    book(db).reset()


def unlock(name: str, db=None) -> int:
    """Lift the pause for one name (every client); returns how many attempts were forgotten."""
    return book(db).unlock(_key(name.strip()))


USAGE = ("Bruk: python -m loaders.access hash          (lag en passord-hash)\n"
         "      python -m loaders.access unlock NAVN   (opphev pausen etter for mange forsøk)")

if __name__ == "__main__":
    if sys.argv[1:] == ["hash"]:
        import getpass
        pw = getpass.getpass("Passord: ")
        if pw != getpass.getpass("Gjenta passord: "):
            sys.exit("Passordene er ulike.")
        print(make_hash(pw))
    elif len(sys.argv) == 3 and sys.argv[1] == "unlock":
        try:
            n = unlock(sys.argv[2])
        except access_book.Unavailable as e:
            sys.exit(str(e))
        print(f"Pausen for «{sys.argv[2].strip()}» er opphevet ({n} forsøk glemt).")
    else:
        sys.exit(USAGE)
