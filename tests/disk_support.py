"""Real disks that refuse writes, for the tests of a full disk and a read-only folder: a small
tmpfs (`mount -t tmpfs -o size=…`) needs root and a kernel that lets this process mount. Where
it cannot, `mounted` yields None and the tests simulate the error (OSError ENOSPC / EROFS)
instead, saying so in their output."""
from __future__ import annotations

import subprocess
from contextlib import contextmanager
from pathlib import Path


def _run(*args: str) -> bool:
    try:
        return subprocess.run(list(args), capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@contextmanager
def mounted(where: Path, size_kb: int, read_only: bool = False):
    """A tmpfs of `size_kb` at `where` (created), or None when this machine does not allow it.
    Unmounted afterwards, whatever happened."""
    where.mkdir(parents=True, exist_ok=True)
    opts = f"size={size_kb}k" + (",ro" if read_only else "")
    if not _run("mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(where)):
        yield None
        return
    try:
        yield where
    finally:
        if not _run("umount", str(where)):
            _run("umount", "-l", str(where))


def remount(where: Path, read_only: bool) -> bool:
    return _run("mount", "-o", "remount," + ("ro" if read_only else "rw"), str(where))
