"""One list of settings (vocab/settings.py): every setting in it is documented in README.md, the code
reads no environment variable, secrets key or Streamlit option that is not in it, and every option
in .streamlit/config.toml is in it with the value the file sets."""
from __future__ import annotations

import ast
import functools
import re
import tomllib
from pathlib import Path

import pytest

from vocab import settings

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {"node_modules", "test-artifacts", "static", "__pycache__"}
# Modules that still read os.environ themselves; the next step moves them to vocab.settings.
PENDING: tuple[str, ...] = ()
ACCESSORS = {"env", "env_int", "env_flag", "is_set"}


def names(source: str) -> set[str]:
    return {s.name for s in settings.SETTINGS if s.source == source}


def python_files() -> list[Path]:
    files = [ROOT / "app.py"]
    for d in sorted(p for p in ROOT.iterdir() if p.is_dir()):
        if d.name.startswith(".") or d.name in SKIP_DIRS:
            continue
        files += [p for p in sorted(d.rglob("*.py")) if not SKIP_DIRS & set(p.parts)]
    return files


@functools.cache
def parsed() -> list[tuple[str, ast.AST]]:
    """Every module but this one (its tests use names that are not settings on purpose)."""
    return [(str(p.relative_to(ROOT)), ast.parse(p.read_text(encoding="utf-8"))) for p in python_files()
            if p != Path(__file__).resolve()]


def const(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


# --- environment variables --------------------------------------------------------------------

def env_reads(tree: ast.AST) -> tuple[set[str], set[str]]:
    """(names the module reads or sets, names it reads from os.environ itself)."""
    seen, direct = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f, arg = dotted(node.func), const(node.args[0]) if node.args else None
            if arg is None:
                continue
            if f in ("os.environ.get", "environ.get", "os.getenv", "getenv"):
                seen.add(arg)
                direct.add(arg)
            elif f.split(".")[-1] in {"setenv", "delenv"} or (
                    f.split(".")[-1] in ACCESSORS and f.startswith("settings.")):
                seen.add(arg)
        elif isinstance(node, ast.Subscript) and dotted(node.value) in ("os.environ", "environ"):
            if (name := const(node.slice)) is not None:
                seen.add(name)
                if isinstance(node.ctx, ast.Load):
                    direct.add(name)
        elif (isinstance(node, ast.Compare) and (name := const(node.left)) is not None
              and any(dotted(c) in ("os.environ", "environ") for c in node.comparators)):
            seen.add(name)
            direct.add(name)
        elif (name := const(node)) is not None and re.fullmatch(r"INNENFOR_[A-Z0-9_]+", name):
            seen.add(name)          # handed to a subprocess, a dict of variables, a message ...
    return seen, direct


def shell_env_names() -> set[str]:
    """Variables the Makefile takes from the environment (NAME ?= ...) and .ci/run exports."""
    make = re.findall(r"^([A-Z_][A-Z0-9_]*)\s*\?=", (ROOT / "Makefile").read_text(), re.M)
    ci = re.findall(r"^\s*export ([A-Z_][A-Z0-9_]*)=", (ROOT / ".ci" / "run").read_text(), re.M)
    return set(make) | (set(ci) - {"DEBIAN_FRONTEND"})


def test_code_reads_only_listed_environment_variables():
    found: dict[str, str] = {}
    for path, tree in parsed():
        for name in env_reads(tree)[0]:
            found.setdefault(name, path)
    for name in shell_env_names():
        found.setdefault(name, "Makefile/.ci/run")
    unlisted = {n: p for n, p in found.items() if n not in names("env")}
    assert not unlisted, f"miljøvariabler som ikke står i vocab/settings.py SETTINGS: {unlisted}"
    assert {"INNENFOR_DB", "BROWSER_PATH"} <= set(found)      # the scan sees the code's reads


def test_environment_is_read_through_vocab_settings():
    direct = sorted(f"{path}: {name}" for path, tree in parsed() if not path.startswith(PENDING)
                    and path != "vocab/settings.py" for name in env_reads(tree)[1])
    assert not direct, "les miljøvariabler med vocab.settings.env(...): " + ", ".join(direct)


# --- secrets.toml -------------------------------------------------------------------------------

def secrets_reads(tree: ast.AST) -> set[str]:
    """Keys read from st.secrets or a mapping made from it (a name that says «secrets», or one
    assigned from such a read), as `section` or `section.key`."""
    bound: dict[str, str] = {}

    def path(node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return bound.get(node.id, "" if "secrets" in node.id else None)
        if isinstance(node, ast.Attribute) and node.attr == "secrets":
            return ""
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return path(node.values[0])
        if isinstance(node, ast.Subscript) and (key := const(node.slice)) is not None:
            base = path(node.value)
            return None if base is None else f"{base}.{key}".strip(".")
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id == "dict" and node.args:
                return path(node.args[0])
            if isinstance(f, ast.Name | ast.Attribute) and dotted(f).endswith("secrets"):
                return ""                                   # secrets(): st.secrets as a dict
            if isinstance(f, ast.Attribute) and f.attr == "to_dict":
                return path(f.value)
            if isinstance(f, ast.Attribute) and f.attr == "get" and node.args:
                base, key = path(f.value), const(node.args[0])
                return None if base is None or key is None else f"{base}.{key}".strip(".")
            if dotted(f).endswith("settings.secret") and len(node.args) == 2:
                return const(node.args[1])
        return None

    for node in ast.walk(tree):       # names bound to a read: s = secrets(); auth = s.get("auth")
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and (p := path(node.value)) is not None):
            bound[node.targets[0].id] = p
    return {p for node in ast.walk(tree) if isinstance(node, ast.Call | ast.Subscript)
            if (p := path(node))}


def test_code_reads_only_listed_secrets():
    listed = names("secrets")
    found = {p: path for path, tree in parsed() for p in secrets_reads(tree)}

    def known(p: str) -> bool:
        return any(p == n or p.startswith(n + ".") or n.startswith(p + ".") for n in listed)
    unlisted = {p: path for p, path in found.items() if not known(p)}
    assert not unlisted, f"secrets-nøkler som ikke står i vocab/settings.py SETTINGS: {unlisted}"
    assert {"coordinators", "auth"} <= set(found)            # the scan sees the code's reads


# --- config.toml ------------------------------------------------------------------------------

def config_options() -> dict[str, str]:
    conf = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    return {f"{section}.{k}": str(v).lower() if isinstance(v, bool) else str(v)
            for section, opts in conf.items() for k, v in opts.items()}


def options_read_in_code() -> set[str]:
    return {name for _, tree in parsed() for node in ast.walk(tree)
            if isinstance(node, ast.Call) and dotted(node.func).endswith("get_option")
            and (name := const(node.args[0] if node.args else None))}


def test_config_options_are_listed_with_their_values():
    listed = {s.name: s.default for s in settings.SETTINGS if s.source == "config"}
    conf = config_options()
    assert not set(conf) - set(listed), f"config.toml-valg som ikke er i SETTINGS: {set(conf) - set(listed)}"
    wrong = {k: (v, listed[k]) for k, v in conf.items() if listed[k] != v}
    assert not wrong, f"config.toml og SETTINGS er uenige (fil, liste): {wrong}"
    read = options_read_in_code()
    assert not read - set(listed), f"st.get_option leser valg som ikke er i SETTINGS: {read - set(listed)}"
    # Every listed option is set in config.toml or read by the code.
    assert not set(listed) - set(conf) - read


def test_streamlit_accepts_the_upload_limit():
    default = settings.setting("INNENFOR_MAX_UPLOAD_MB").default
    assert default and int(config_options()["server.maxUploadSize"]) >= int(default)


# --- README -------------------------------------------------------------------------------------

def test_readme_lists_every_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Innstillinger\n", 1)[1].split("\n## ", 1)[0]
    documented = [m[1] for line in section.splitlines() if (m := re.match(r"\|\s*`([^`]+)`", line))]
    listed = [s.name for s in settings.SETTINGS]
    assert not set(listed) - set(documented), f"mangler i README.md: {set(listed) - set(documented)}"
    assert not set(documented) - set(listed), f"i README.md, ikke i SETTINGS: {set(documented) - set(listed)}"


# --- the list and its accessors -----------------------------------------------------------------

def test_list_is_well_formed():
    assert len(settings.BY_NAME) == len(settings.SETTINGS), "et navn står to ganger"
    for s in settings.SETTINGS:
        assert s.source in ("env", "secrets", "config") and s.description.strip(), s
        assert "\n" not in s.description, s


def test_env_gives_the_value_or_the_default(monkeypatch):
    monkeypatch.delenv("INNENFOR_MAX_UPLOAD_MB", raising=False)
    assert settings.env("INNENFOR_MAX_UPLOAD_MB") == "50" and settings.env_int("INNENFOR_MAX_UPLOAD_MB") == 50
    monkeypatch.setenv("INNENFOR_MAX_UPLOAD_MB", "")               # empty counts as not set
    assert settings.env_int("INNENFOR_MAX_UPLOAD_MB") == 50
    assert not settings.is_set("INNENFOR_MAX_UPLOAD_MB")
    monkeypatch.setenv("INNENFOR_MAX_UPLOAD_MB", "10")
    assert settings.env_int("INNENFOR_MAX_UPLOAD_MB") == 10 and settings.is_set("INNENFOR_MAX_UPLOAD_MB")
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    assert settings.env("BROWSER_PATH") is None
    monkeypatch.setenv("INNENFOR_ONLINE", "1")
    assert settings.env_flag("INNENFOR_ONLINE")


def test_accessors_refuse_unlisted_names():
    with pytest.raises(KeyError):
        settings.env("INNENFOR_NOT_A_SETTING")
    with pytest.raises(KeyError):
        settings.env("server.maxUploadSize")                       # a config option, not a variable
    with pytest.raises(KeyError):
        settings.secret({}, "passwords")


def test_secret_reads_a_section_or_a_key():
    conf = {"coordinators": {"kari": "hash"}, "coordinators_oidc": {"emails": ["a@b.no"]}}
    assert settings.secret(conf, "coordinators") == {"kari": "hash"}
    assert settings.secret(conf, "coordinators_oidc.emails") == ["a@b.no"]
    assert settings.secret(conf, "auth") is None
