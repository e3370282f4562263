"""The "Last ned" buttons: a chart as PNG, SVG, PDF, Excel and CSV, and a municipality's
presentation (PPTX) and "Saksvedlegg" (zip). The files are made by the exports package.

Nothing is rendered while a page runs. Every button is an st.download_button whose data is a
callable ("deferred" downloads, Streamlit 1.67): Streamlit calls it in a worker thread when the
user clicks, and `on_click="ignore"` keeps the click from rerunning the page. A rerun only
registers the callables (microseconds), so page speed is unchanged. The bytes are cached with
st.cache_data keyed on (store file, store version) + the view, so a second click on the same
view is instant and a new load of data is never served from an old file.

File names must be known before the bytes exist (the button carries them): images and tables
take the figure's own file name (layout.meta["innenfor"]["filename"]); the municipality files
follow exports' own pattern (innenfor_<kommune>_presentasjon_<dato>.pptx)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import streamlit as st

import exports
from exports import images, safe, tables
from indicators import progress
from loaders import store
from ui import data, state
from vocab import i18n
from vocab.i18n import N_, _

# Labels and help are marked N_: chart_buttons() translates them where the buttons are made.
IMAGE_FORMATS = (("png", "PNG", N_("Bilde i dobbel oppløsning, for dokumenter og trykk.")),
                 ("svg", "SVG", N_("Vektorbilde som kan skaleres og redigeres.")),
                 ("pdf", "PDF", N_("Én side med figuren, for saksdokumenter.")))
TABLE_FORMATS = (("xlsx", N_("Excel"), N_("Arket «Data» med tallene (ekte tall med norsk format) "
                                          "og arket «Om tallene» med definisjoner, kilder og "
                                          "tegnforklaring.")),
                 ("csv", N_("CSV for Excel"), N_("Semikolon og desimalkomma: åpnes rett i norsk "
                                                 "Excel.")),
                 ("csv_plain", N_("CSV (standard)"), N_("Komma og desimalpunktum (UTF-8), for R, "
                                                        "Python og andre programmer.")))
# What failed, by the file a button makes (_deferred's `what`).
FAILED = {"bildet": N_("Kunne ikke lage bildet: {error}"),
          "filen": N_("Kunne ikke lage filen: {error}"),
          "presentasjonen": N_("Kunne ikke lage presentasjonen: {error}"),
          "saksvedlegget": N_("Kunne ikke lage saksvedlegget: {error}")}
CACHE_SECONDS = 3600


@dataclass(frozen=True)
class ChartExport:
    """What a chart's download buttons need besides the figure: the rows it was drawn from
    (indicators.queries columns) and the selection they belong to."""
    key: str                          # unique on the page: "kart", "mk-neet", …
    ind_id: str
    frame: pd.DataFrame = field(compare=False, repr=False)
    age: str | None = None
    category: str = "alle"
    place: str | None = None          # put on the image when the title does not name it
    target_region: str | None = None  # the place whose target path is drawn (its rows go in the table)


# --- making the bytes (on click) --------------------------------------------------------------

class ExportFailed(RuntimeError):
    """Shown (for a few seconds) under a download button whose file could not be made."""


def _deferred(what: str, make):
    """The zero-argument callable a download button runs on click. An error is shown under
    the button for a few seconds: say what failed (ChromiumMissing already does). The click is
    served in another thread, so the file is made, and the error written, in the language of
    the run that made the button."""
    lang = i18n.current()

    def run() -> bytes:
        with i18n.use(lang):
            try:
                return make()
            except images.ChromiumMissing:
                raise
            except Exception as e:
                raise ExportFailed(_(FAILED.get(what, FAILED["filen"])).format(error=e)) from e
    return run


# The leading underscore keeps an argument out of the cache key (figures and frames are neither
# cheap nor stable to hash); everything that decides the file is in the other arguments.

@st.cache_data(show_spinner=False, max_entries=64, ttl=CACHE_SECONDS)
def _image_bytes(store_key, view_key, fmt: str, place, _figure, lang: str = i18n.DEFAULT) -> bytes:
    images.start_server()          # one kept-alive browser: the next image is ~0.3 s
    fig = _figure() if callable(_figure) else _figure
    return exports.image(fig, fmt, place=place).data


@st.cache_data(show_spinner=False, max_entries=64, ttl=CACHE_SECONDS)
def _table_bytes(store_key, view_key, kind: str, ind_id: str, age, category: str, title: str,
                 notes: tuple, _frame, target_region: str | None = None,
                 lang: str = i18n.DEFAULT) -> bytes:
    with store.reader(store_key[0]) as con:
        target = progress.for_view(con, target_region, ind_id, age, category) if target_region else None
        t = tables.from_store(con, ind_id, _frame, age=age, category=category, title=title,
                              notes=notes, targets=[target] if target else [])
    if kind == "xlsx":
        return exports.table_xlsx(t, name="x.xlsx").data
    return exports.table_csv(t, plain=kind == "csv_plain", name="x.csv").data


@st.cache_data(show_spinner=False, max_entries=16, ttl=CACHE_SECONDS)
def _municipality_bytes(store_key, kind: str, code: str, period, day: str,
                        lang: str = i18n.DEFAULT) -> bytes:
    images.start_server()
    with store.reader(store_key[0]) as con:
        if kind == "pptx":
            return exports.presentation(con, code, period=period).data
        return exports.saksvedlegg(con, code, period=period).data


def images_available() -> bool:
    """Chromium is installed (a few stat calls: cheap enough for every rerun)."""
    return exports.images_available()


def missing_chromium_text() -> str:
    return _(images.MISSING_MESSAGE)


# --- buttons -----------------------------------------------------------------------------------

def _view_key(extra: tuple = ()) -> tuple:
    """The view as the URL has it (page + parameters) plus what tells charts on a page apart."""
    page = (st.session_state.get("_page") or ("", ""))[0]
    try:
        params = tuple(sorted(state.params(state.current(), page).items()))
    except Exception:       # noqa: BLE001 - a page run on its own in a test harness
        params = ()
    return (page, params) + tuple(extra)


def chart_buttons(m: dict, spec: ChartExport, figure) -> None:
    """A compact "Last ned" popover under a chart: PNG, SVG, PDF, Excel and two CSVs.
    `m` is the chart's words (charts.meta); `figure` the plotly figure for the images, or a
    function that makes it (the Kart page draws its own SVG and builds the figure on click)."""
    skey = data.key()
    title = m.get("title") or ""
    vkey = _view_key((spec.key, spec.ind_id, spec.age, spec.category, spec.place, title))
    notes = tuple(m.get("notes") or ())
    k = f"dl_{spec.key}"
    lang = i18n.current()
    with st.popover(_("Last ned"), icon=":material/download:"):
        st.markdown(_("**Figur**"))
        if images_available():
            with st.container(horizontal=True, gap="small"):
                for fmt, label, tip in IMAGE_FORMATS:
                    st.download_button(
                        label, key=f"{k}_{fmt}", help=_(tip), on_click="ignore",
                        icon=":material/image:" if fmt != "pdf" else ":material/picture_as_pdf:",
                        data=_deferred("bildet", lambda fmt=fmt: _image_bytes(
                            skey, vkey, fmt, spec.place, figure, lang=lang)),
                        file_name=safe.file_name(m.get("filename") or "innenfor", ext=fmt),
                        mime=exports.MIME[fmt])
        else:
            st.markdown(f":small[{missing_chromium_text()}]")
        st.markdown(_("**Tallene**"))
        stem = m.get("filename") or "innenfor"
        with st.container(horizontal=True, gap="small"):
            for kind, label, tip in TABLE_FORMATS:
                ext = "xlsx" if kind == "xlsx" else "csv"
                name = safe.file_name(stem + ("_plain" if kind == "csv_plain" else ""), ext=ext)
                mime = exports.MIME[ext] + ("; charset=utf-8" if ext == "csv" else "")
                st.download_button(
                    _(label), key=f"{k}_{kind}", help=_(tip), on_click="ignore",
                    icon=":material/table_view:" if ext == "xlsx" else ":material/description:",
                    data=_deferred("filen", lambda kind=kind: _table_bytes(
                        skey, vkey, kind, spec.ind_id, spec.age, spec.category, title, notes,
                        spec.frame, spec.target_region, lang=lang)),
                    file_name=name, mime=mime)
        st.markdown(":small[" + (_("Bildene har tittel, sted, enhet og kildelinje og er merket "
                                   "«Demodata».") if m.get("demo") else
                                 _("Bildene har tittel, sted, enhet og kildelinje.")) + "]")


def municipality_buttons(code: str, name: str, period: str | None) -> None:
    """"Last ned presentasjon" (PPTX) and "Saksvedlegg (zip)" for one municipality."""
    if not images_available():
        st.info(missing_chromium_text())
        return
    skey = data.key()
    today = date.today().isoformat()
    lang = i18n.current()
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            _("Last ned presentasjon"), key="dl_presentasjon", type="primary", on_click="ignore",
            icon=":material/slideshow:",
            help=_("PowerPoint (16:9) for {name}: ett lysbilde per indikator med figur, "
                   "hovedsetning og kilde, ett per mål med status og tiltak, og definisjonene til "
                   "slutt. Tar noen sekunder.").format(name=name),
            data=_deferred("presentasjonen",
                           lambda: _municipality_bytes(skey, "pptx", code, period, today,
                                                       lang=lang)),
            file_name=safe.file_name("innenfor", name, f"presentasjon_{today}", ext="pptx"),
            mime=exports.MIME["pptx"])
        st.download_button(
            _("Saksvedlegg (zip)"), key="dl_saksvedlegg", on_click="ignore",
            icon=":material/folder_zip:",
            help=_("Presentasjonen, figurene som PNG, tallene i Excel og en LESMEG med kildene, "
                   "i én zip-fil til en politisk sak. Har kommunen mål og tiltak, følger de med "
                   "i egen Excel-fil."),
            data=_deferred("saksvedlegget",
                           lambda: _municipality_bytes(skey, "zip", code, period, today,
                                                       lang=lang)),
            file_name=safe.file_name("innenfor", name, f"saksvedlegg_{today}", ext="zip"),
            mime=exports.MIME["zip"])
