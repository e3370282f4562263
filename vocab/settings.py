"""Every setting Innenfor reads, in one list: environment variables, keys in
`.streamlit/secrets.toml` and the options in `.streamlit/config.toml` the project relies on.

Code reads an environment variable through env(), env_int(), env_flag() or is_set(), which refuse
a name that is not listed here. An empty variable counts as not set. README.md («Innstillinger»)
lists the same settings, and tests/test_settings.py checks that the list, the README, the code and
config.toml agree."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Source = Literal["env", "secrets", "config"]


@dataclass(frozen=True)
class Setting:
    name: str               # INNENFOR_DB; a secrets key as section.key; a config option as section.option
    source: Source          # env: environment variable; secrets: secrets.toml; config: config.toml
    default: str | None     # used when not set (env); for config the value config.toml sets; None: none
    description: str        # one line, Norwegian (README.md shows it)


SETTINGS: tuple[Setting, ...] = (
    # --- environment variables ---------------------------------------------------------------
    Setting("INNENFOR_DB", "env", "data/innenfor.duckdb",
            "Lageret (DuckDB-fil) appen, kommandolinjen og testene bruker."),
    Setting("INNENFOR_DATABASE_URL", "env", None,
            "PostgreSQL som felles lager for flere maskiner (`postgresql://bruker@vert/db`); uten den er "
            "DuckDB-filen alene lageret."),
    Setting("INNENFOR_COORDINATORS", "env", None,
            "Koordinatorkontoer som `navn=hash;navn=hash`, i tillegg til `[coordinators]` i secrets.toml."),
    Setting("INNENFOR_MAX_UPLOAD_MB", "env", "50",
            "Største fil som kan lastes inn, i MB; høyere enn 50 krever også `server.maxUploadSize`."),
    Setting("BROWSER_PATH", "env", None,
            "Chromium som lager bildene (PNG, SVG, PDF); ellers brukes Debians `chromium`."),
    Setting("INNENFOR_NO_FIRST_PICTURE", "env", None,
            "Satt: ingen bilde av sidens første figur mens plotly.js lastes (bildene lages av "
            "Chromium på serveren, i bakgrunnen). Testene setter den, unntatt der bildet prøves."),
    Setting("INNENFOR_REQUIRE_BROWSER", "env", None,
            "Tester: satt (til hva som helst) feiler nettleser- og axe-testene når Chromium eller "
            "axe-core mangler, i stedet for å hoppe over dem (`.ci/run` setter den)."),
    Setting("INNENFOR_ONLINE", "env", None,
            "Tester: satt kjøres testene som henter tall fra SSBs API over nettet."),
    Setting("SOURCE_DATE_EPOCH", "env", None,
            "`geo/build_boundaries.py`: byggedato (sekunder siden 1970) for like filer ved hvert bygg."),
    Setting("PORT", "env", "8501", "`make run`: porten dashbordet lytter på (`make run PORT=8502`)."),
    Setting("PY", "env", "python3", "`make`: Python 3.11 som lager det virtuelle miljøet `.venv`."),
    Setting("REPLICAS", "env", "2",
            "`make cluster`: antall Streamlit-prosesser (replikaer) bak nginx (`make cluster REPLICAS=3`)."),
    Setting("CLUSTER_PORT", "env", "8500",
            "`make cluster`: porten nginx lytter på; replikaene får 8511, 8512 …"),
    # --- .streamlit/secrets.toml (never in git) -------------------------------------------------
    Setting("coordinators", "secrets", None,
            "Koordinatorkontoer: én linje `navn = \"hash\"` per konto (`python -m loaders.access hash`)."),
    Setting("coordinators_oidc.emails", "secrets", None,
            "E-postadresser som er koordinatorer når de logger inn med `st.login` (krever `[auth]`)."),
    Setting("auth", "secrets", None,
            "Streamlits innlogging (OIDC): `redirect_uri`, `cookie_secret`, `client_id`, "
            "`client_secret`, `server_metadata_url`, eller én underseksjon per leverandør."),
    # --- .streamlit/config.toml ------------------------------------------------------------------
    Setting("browser.gatherUsageStats", "config", "false", "Ingen bruksstatistikk sendes til Streamlit."),
    Setting("server.enableStaticServing", "config", "true",
            "Serverer `static/` (den tomme topojson-filen plotlys kart spør etter)."),
    Setting("server.fileWatcherType", "config", "none",
            "Følger ikke med på kildekoden (raskere økter); `auto` under utvikling."),
    Setting("server.maxUploadSize", "config", "50",
            "Største opplasting Streamlit tar imot, i MB; minst `INNENFOR_MAX_UPLOAD_MB`."),
    Setting("server.headless", "config", "true", "Åpner ikke nettleseren når serveren starter."),
    Setting("server.baseUrlPath", "config", "",
            "Stien appen ligger under bak en proxy (f.eks. `innenfor`); lenkene bygges med den."),
    Setting("secrets.files", "config", None,
            "Hvor Streamlit leter etter `secrets.toml` (uten valget `~/.streamlit/secrets.toml` og "
            "`.streamlit/secrets.toml`); Data-siden sier fra med filnavn og linje når en av dem ikke "
            "kan leses."),
    Setting("runner.postScriptGC", "config", "false",
            "Ingen full søppeltømming etter hver kjøring av siden (sparte mye CPU under last)."),
    Setting("client.toolbarMode", "config", "viewer", "Verktøylinjen viser bare valg for lesere."),
    Setting("theme.base", "config", "light", "Lyst tema."),
    Setting("theme.primaryColor", "config", "#1a4478",
            "Hovedfarge (knapper, lenker); 4,6:1 kontrast for hintet på knappene (WCAG 1.4.3)."),
    Setting("theme.backgroundColor", "config", "#ffffff", "Bakgrunnsfarge."),
    Setting("theme.secondaryBackgroundColor", "config", "#eef1f5", "Bakgrunn for sidemeny og felt."),
    Setting("theme.textColor", "config", "#1a1a1a", "Tekstfarge."),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def setting(name: str, source: Source | None = None) -> Setting:
    """The listed setting, or KeyError for a name that is not in SETTINGS (add it there first)."""
    s = BY_NAME.get(name)
    if s is None or (source is not None and s.source != source):
        raise KeyError(f"{name} er ikke i vocab/settings.py SETTINGS" + (f" ({source})" if source else ""))
    return s


def is_set(name: str) -> bool:
    """Whether environment variable `name` is set to something (an empty value is not set)."""
    setting(name, "env")
    return bool(os.environ.get(name))


def env(name: str) -> str | None:
    """Environment variable `name`, or its listed default when it is not set."""
    s = setting(name, "env")
    return os.environ.get(name) or s.default


def env_int(name: str) -> int:
    """Environment variable `name` as a whole number (its default when not set)."""
    value = env(name)
    if value is None:
        raise KeyError(f"{name} har ingen standardverdi")
    return int(value)


def env_flag(name: str) -> bool:
    """A switch: on when the variable is set to anything."""
    return is_set(name)


def secret(mapping: Mapping[str, Any], name: str) -> Any:
    """The value of a listed secrets key (`section` or `section.key`) in st.secrets as a dict,
    or None when it is not there."""
    setting(name, "secrets")
    value: Any = mapping
    for part in name.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value
