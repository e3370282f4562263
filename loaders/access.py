"""Who may change the store. Viewing is open; loading, undoing and downloading originals
need a coordinator sign-in.

Accounts come from `.streamlit/secrets.toml` ([coordinators] name = "hash") or the environment
(INNENFOR_COORDINATORS="kari=pbkdf2_sha256$...;ola=pbkdf2_sha256$..."), never from the
repository. Make a hash with:  python -m loaders.access hash
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import sys
import threading
import time

from vocab import settings

ITERATIONS = 240_000
MAX_ITERATIONS = 10_000_000   # more than this is a typo, not a stronger hash
MAX_FAILURES = 5            # failed sign-ins per account before a pause
LOCKOUT_SECONDS = 15 * 60

log = logging.getLogger(__name__)
_failures: dict[str, list[float]] = {}
_lock = threading.Lock()


def make_hash(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, ITERATIONS)
    return f"pbkdf2_sha256${ITERATIONS}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_hash(password: str, stored: str) -> bool:
    try:
        algo, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if algo != "pbkdf2_sha256":
        return False
    try:
        rounds = int(iterations)
        if not 1 <= rounds <= MAX_ITERATIONS:   # a huge count would hang or overflow the sign-in
            raise ValueError(f"iterations {iterations}")
        want = base64.b64decode(digest, validate=True)
        got = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"),
                                  base64.b64decode(salt, validate=True), rounds)
    except (ValueError, OverflowError) as e:   # (binascii.Error is a ValueError)
        log.error("Feil i koordinatoroppsettet: en passord-hash kan ikke leses (%s). Lag den på "
                  "nytt med: python -m loaders.access hash", e)
        return False
    return hmac.compare_digest(got, want)


def accounts(secrets_mapping=None) -> dict[str, str]:
    """Configured coordinators: name → password hash. Empty means uploads are switched off."""
    found: dict[str, str] = {}
    env = settings.env("INNENFOR_COORDINATORS") or ""
    for part in filter(None, (p.strip() for p in env.split(";"))):
        name, _, h = part.partition("=")
        if name and h:
            found[name.strip()] = h.strip()
    if secrets_mapping:
        try:
            for name, h in dict(settings.secret(secrets_mapping, "coordinators") or {}).items():
                found[str(name)] = str(h)
        except Exception:  # noqa: BLE001 - a malformed secrets file means "no accounts there"
            pass
    return found


def seconds_locked(name: str, now: float | None = None) -> int:
    now = now or time.time()
    with _lock:
        recent = [t for t in _failures.get(name, []) if now - t < LOCKOUT_SECONDS]
        _failures[name] = recent
        if len(recent) < MAX_FAILURES:
            return 0
        return int(LOCKOUT_SECONDS - (now - recent[-MAX_FAILURES])) + 1


def sign_in(name: str, password: str, accounts_map: dict[str, str],
            now: float | None = None) -> tuple[bool, str]:
    """(ok, Norwegian message). Unknown names and wrong passwords count alike."""
    name = (name or "").strip()
    wait = seconds_locked(name, now)
    if wait:
        return False, f"For mange mislykkede forsøk. Prøv igjen om {max(1, wait // 60)} minutter."
    stored = accounts_map.get(name)
    if stored and check_hash(password or "", stored):
        with _lock:
            _failures.pop(name, None)
        return True, f"Logget inn som {name}."
    if not stored:
        check_hash(password or "", make_hash("x"))   # same work either way: no name probing by timing
    with _lock:
        _failures.setdefault(name, []).append(now or time.time())
    left = MAX_FAILURES - len(_failures[name])
    return False, "Feil brukernavn eller passord." + (f" {left} forsøk igjen før pause." if left > 0 else "")


def reset_rate_limits() -> None:
    with _lock:
        _failures.clear()


if __name__ == "__main__":
    if sys.argv[1:] == ["hash"]:
        import getpass
        pw = getpass.getpass("Passord: ")
        if pw != getpass.getpass("Gjenta passord: "):
            sys.exit("Passordene er ulike.")
        print(make_hash(pw))
    else:
        sys.exit("Bruk: python -m loaders.access hash")
