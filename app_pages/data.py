"""Data: coordinators load files (preview first, nothing stored before «Lagre»), fetch the latest
NEET from SSB, see the history, download originals and undo a load. Anyone may read how it
works and download the delivery template; everything that changes the store needs a sign-in.
The rules are in loaders.access/loaders.workspace; the session glue in ui.coordinator."""
import streamlit as st

from loaders import delivery
from ui import coordinator as co
from ui import plans_form
from ui.markdown import escape as md_escape
from vocab.i18n import _, ngettext

HISTORY_ROWS = 25


def show_flash() -> None:
    for kind, text in co.take_flash():
        getattr(st, kind)(text)


def bullets(items) -> str:
    return "\n".join(f"- {md_escape(str(p))}" for p in items)


# --- anonymous -----------------------------------------------------------------------------------

def switched_off() -> None:
    if problem := co.secrets_problem():
        st.error(_("**Opplasting er slått av:** {problem} Slik settes koordinatorer opp:").format(
            problem=md_escape(problem)))
    else:
        st.info(_("**Opplasting er slått av:** ingen koordinatorer er satt opp på denne serveren. "
                  "Den som drifter Innenfor slår den på slik:"))
    st.markdown(_("1. Lag en passord-hash (i mappen til Innenfor, på serveren):"))
    st.code("python -m loaders.access hash", language=None)
    st.markdown(_("2. Legg navn og hash inn i `.streamlit/secrets.toml` (opprett filen om den "
                  "mangler):"))
    st.code('[coordinators]\nkari = "scrypt$32768$8$3$..."', language=None)
    st.markdown("   " + _("eller i miljøvariabelen `INNENFOR_COORDINATORS` (flere kontoer skilles "
                          "med `;`):"))
    st.code('INNENFOR_COORDINATORS="kari=scrypt$32768$8$3$...;ola=scrypt$32768$8$3$..."',
            language=None)
    st.markdown(_("3. Last siden på nytt. En endret miljøvariabel gjelder først når Innenfor er "
                  "startet på nytt.\n\n"
                  "Legg aldri kontoer eller passord i git-repoet: `.streamlit/secrets.toml` står i "
                  "`.gitignore`."))


def sign_in_form() -> None:
    with st.form("innlogging", clear_on_submit=False, border=True, width=420):
        name = st.text_input(_("Brukernavn"), autocomplete="username")
        password = st.text_input(_("Passord"), type="password", autocomplete="current-password")
        pressed = st.form_submit_button(_("Logg inn"), type="primary")
    if pressed:
        ok, msg = co.sign_in(name, password)
        if ok:
            st.rerun()
        st.error(msg)


def oidc_button(o: dict) -> None:
    email = co.oidc_email()
    if email:
        st.warning(_("Du er logget inn som {email}, men adressen står ikke på lista over "
                     "koordinatorer ([coordinators_oidc] emails i secrets.toml).").format(
                         email=md_escape(email)))
        if st.button(_("Logg ut"), key="oidc_logout"):
            st.logout()
        return
    if st.button(_("Logg inn med organisasjonskonto"), key="oidc_login"):
        try:
            st.login(o["provider"]) if o["provider"] else st.login()
        except Exception as e:  # noqa: BLE001 - e.g. Authlib missing or [auth] incomplete
            st.error(_("Innlogging med organisasjonskonto virker ikke på denne serveren: "
                       "{error}").format(error=md_escape(str(e))))


def anonymous(hist) -> None:
    st.markdown(_("Alle kan se tallene i Innenfor uten å logge inn. Å **laste inn** nye tall, "
                  "**angre** en innlasting og **hente originalfilene** krever at du er logget inn "
                  "som koordinator."))
    last = co.last_updated(hist)
    if last:
        st.markdown(_("Tallene ble sist oppdatert {time}.").format(time=last))
    st.subheader(_("Logg inn for koordinatorer"))
    if not co.uploads_enabled():
        switched_off()
        return
    if problem := co.secrets_problem():
        st.warning(md_escape(problem))
    o = co.oidc()
    if o and o["emails"]:
        oidc_button(o)
    if co.accounts():
        sign_in_form()


# --- signed in -----------------------------------------------------------------------------------

def file_card(f, c: co.Card, user: str, hist) -> None:
    with st.container(border=True, key=f"card_{c.file_id}"):
        st.markdown(f"**{md_escape(c.name)}** · {co.size_text(f.size)}")
        if c.state == "too_big":
            st.error(md_escape(c.message))
            return
        if c.state == "saved":
            st.success(md_escape(c.message))
            return
        format_shown = f"**{md_escape(_(c.format_name))}**" if c.format_name else _("ikke gjenkjent")
        st.markdown(_("Format: {format}").format(format=format_shown)
                    + (" · " + _("år oppgitt: **{year}**").format(year=md_escape(c.period))
                       if c.period else ""))
        if c.facts:
            st.markdown(" · ".join(f"{k}: **{md_escape(v)}**" for k, v in c.facts))
        if c.state == "duplicate":
            st.info(md_escape(c.message))
        elif c.state == "checked":
            st.success(_("Filen er gyldig og kan lagres. Ingenting er lagret ennå."))
        else:
            text = md_escape(c.message) or _("Filen kan ikke lagres.")
            problems = co.by_row(c.problems)
            shown = problems[:12]
            st.error(text + ("\n\n" + bullets(shown) if shown else ""))
            if len(problems) > len(shown):
                with st.expander(_("Vis alle {n} problemene").format(n=len(problems))):
                    st.markdown(bullets(problems))
        if c.hint:
            st.info(md_escape(c.hint))
        if c.warnings:
            st.warning(_("**Merk:**") + "\n\n" + bullets(c.warnings))
        if c.conflicts or c.choice:
            st.radio(_("Tallene i filen avviker fra en annen kilde. Hvilke skal vises?"),
                     list(co.CHOICES), format_func=co.choice_text, index=None,
                     key=f"choice_{c.file_id}",
                     help=_("Begge lagres; valget avgjør hvilke tall sidene viser. Angre filen for "
                            "å gjøre om valget."))
        if c.state in ("checked", "rejected") and c.format_name and not plans_form.is_plan(c.format_name):
            st.checkbox(_("Tallene er foreløpige"), key=f"prelim_{c.file_id}",
                        help=_("Merk tallene «foreløpig» på alle sider og i alle eksporter, når "
                               "filen ikke sier det selv. En senere utgave fra samme kilde "
                               "erstatter dem."))
        if c.can_save and st.button(_("Lagre"), key=f"save_{c.file_id}", type="primary"):
            with st.spinner(_("Lagrer {name} …").format(name=md_escape(c.name))):
                co.save(f, c, user)
            st.rerun()


def upload(user: str, hist) -> None:
    st.subheader(_("Last inn filer"))
    st.markdown(_("Innenfor kjenner igjen filer fra SSB (Statistikkbanken CSV/Excel og JSON-stat2), "
                  "NAV, Udir og leveransemalen under. Hver fil kontrolleres og vises først; "
                  "**ingenting lagres før du trykker «Lagre»**."))
    year_text = st.text_input(_("År (for filer uten årstall)"), max_chars=4, width=220,
                              placeholder=_("f.eks. 2023"),
                              help=_("Noen uttak fra SSB sier ikke hvilket år tallene gjelder. "
                                     "Året brukes bare for slike filer; filer med årstall beholder "
                                     "sitt."))
    year, year_error = co.year_input(year_text)
    if year_error:
        st.error(year_error)
    mb = co.max_upload_mb()
    files = st.file_uploader(_("Velg én eller flere filer"), accept_multiple_files=True,
                             max_upload_size=mb, key="data_uploader",
                             help=_("Største filstørrelse er {mb} MB per fil.").format(mb=mb)) or []
    co.forget_removed(files)
    cards = []
    for f in files:
        prelim = bool(st.session_state.get(f"prelim_{f.file_id}"))
        choice = st.session_state.get(f"choice_{f.file_id}")
        with st.spinner(_("Kontrollerer {name} …").format(name=md_escape(f.name))):
            cards.append((f, co.card(f, year, hist, preliminary=prelim, choice=choice)))
    for f, c in cards:
        file_card(f, c, user, hist)
    ready = [(f, c) for f, c in cards if c.can_save]
    if len(ready) > 1 and st.button(_("Lagre alle gyldige ({n} filer)").format(n=len(ready)),
                                    type="primary", key="save_all"):
        with st.spinner(_("Lagrer …")):
            for f, c in ready:
                co.save(f, c, user)
        st.rerun()


def ssb(user: str) -> None:
    st.subheader(_("Hent nyeste fra SSB"))
    st.markdown(_("Henter andelen unge utenfor arbeid, utdanning og opplæring (NEET) for alle "
                  "kommuner, fylker og landet fra SSBs API (tabell 13563 og 13556, alle år og "
                  "aldersgrupper SSB har) og lagrer tallene med samme kontroll som en fil. Bare det "
                  "SSB har publisert siden forrige henting hentes; reviderte tall vises, de forrige "
                  "blir liggende som historikk. Krever internett."))
    if st.button(_("Hent nyeste fra SSB"), key="ssb_fetch"):
        bar = st.progress(0.0, text=_("Spør SSB …"))
        co.fetch_ssb(user, progress=lambda done, total, what: bar.progress(done / max(total, 1), text=what))
        st.rerun()


def history(hist, user: str) -> None:
    st.subheader(_("Historikk"))
    if hist.empty:
        st.markdown(_("Ingen filer er lastet inn ennå."))
        return
    rows = co.history_rows(hist)
    demo = [r for r in rows if r["demo"]]
    if demo:
        demo_notice(demo)
    if lost := [r for r in rows if not r["demo"] and not co.has_original(r["sha256"])]:
        st.warning(_("{n} av filene under mangler originalfilen i arkivet (lagret før Innenfor "
                     "arkiverte originalen før lagringen). Last inn de samme filene på nytt, så "
                     "arkiveres originalene; tallene endres ikke.").format(n=len(lost)))
    show_all = len(rows) <= HISTORY_ROWS or st.toggle(
        _("Vis alle {n} innlastinger").format(n=len(rows)), key="history_all")
    shown = rows if show_all else rows[:HISTORY_ROWS]
    widths = [1.05, 0.9, 2.5, 0.65, 1.3, 1.5, 2.3]
    with st.container(border=True):     # bordered like the rows, so the columns line up
        head = st.columns(widths, vertical_alignment="bottom")
        for col, label in zip(head, [_("Tid"), _("Lastet av"), _("Fil, format og sha256"),
                                     _("Rader"), _("Indikatorer"), _("Perioder"),
                                     _("Handlinger")]):
            col.markdown(f"**{label}**")
    confirm = st.session_state.get("_data_undo")
    for r in shown:
        with st.container(border=True, key=f"hist_{r['source_id']}"):
            c = st.columns(widths, vertical_alignment="center")
            day, _sep, clock = md_escape(r["time"]).rpartition(" ")      # date, then time
            c[0].markdown(f"{day}  \n{clock}" if day else clock)
            c[1].markdown(md_escape(r["who"]))
            c[2].markdown(f"{md_escape(r['file_name'])}"
                          + (" " + _("(demodata)") if r["demo"] else "")
                          + f"  \n:small[{md_escape(r['format'])} · sha256 `{r['sha_short']}`]",
                          help=f"sha256: {md_escape(r['sha256'])}")
            c[3].markdown(md_escape(r["rows"]))
            c[4].markdown(md_escape(r["indicators"]))
            c[5].markdown(md_escape(r["periods"]))
            with c[6].container(horizontal=True, gap="xsmall"):
                if co.has_original(r["sha256"]):
                    st.download_button(_("Original"), data=co.original(r["sha256"], user,
                                                                      r["file_name"]),
                                       file_name=r["file_name"], mime=co.original_mime(user),
                                       on_click="ignore", icon=":material/download:",
                                       key=f"orig_{r['source_id']}",
                                       help=_("Last ned «{name}» slik den ble lastet inn.").format(
                                           name=md_escape(r["file_name"])))
                if st.button(_("Angre"), key=f"undo_{r['source_id']}",
                             help=_("Fjern «{name}» fra datalageret").format(
                                 name=md_escape(r["file_name"]))):
                    st.session_state["_data_undo"] = r["source_id"]
                    st.rerun()
            if confirm == r["source_id"]:
                confirm_undo(r)


def demo_notice(demo: list[dict]) -> None:
    """The bundled demo files clash with real files for the same periods: one click removes them."""
    st.info(ngettext("Datalageret har oppdiktede demodata ({n} fil, merket «demodata» under). Ekte "
                     "tall for de samme indikatorene og periodene blir avvist så lenge demodataene "
                     "ligger der: fjern dem først.",
                     "Datalageret har oppdiktede demodata ({n} filer, merket «demodata» under). "
                     "Ekte tall for de samme indikatorene og periodene blir avvist så lenge "
                     "demodataene ligger der: fjern dem først.", len(demo)).format(n=len(demo)))
    if st.session_state.get("_data_undo") != "demo":
        if st.button(_("Fjern alle demodata"), key="undo_demo"):
            st.session_state["_data_undo"] = "demo"
            st.rerun()
        return
    st.warning(ngettext("Fjerne {n} demodatafil fra datalageret? Sidene viser da bare tall fra "
                        "filer dere har lastet inn. Originalfilen beholdes i arkivet.",
                        "Fjerne alle {n} demodatafilene fra datalageret? Sidene viser da bare tall "
                        "fra filer dere har lastet inn. Originalfilene beholdes i arkivet.",
                        len(demo)).format(n=len(demo)))
    with st.container(horizontal=True, gap="small"):
        if st.button(_("Ja, fjern demodataene"), key="undo_demo_yes", type="primary"):
            st.session_state.pop("_data_undo", None)
            for r in demo:
                co.undo(r["source_id"])
            st.rerun()
        if st.button(_("Avbryt"), key="undo_demo_no"):
            st.session_state.pop("_data_undo", None)
            st.rerun()


def confirm_undo(r) -> None:
    st.warning(_("Fjerne **{name}** ({rows} rader) fra datalageret? Tallene fra denne filen "
                 "forsvinner fra alle sidene; tall som også finnes i en annen fil blir stående. "
                 "Originalfilen beholdes i arkivet.").format(name=md_escape(r["file_name"]),
                                                            rows=r["rows"]))
    with st.container(horizontal=True, gap="small"):
        if st.button(_("Ja, fjern filen"), key=f"undo_yes_{r['source_id']}", type="primary"):
            st.session_state.pop("_data_undo", None)
            co.undo(r["source_id"])
            st.rerun()
        if st.button(_("Avbryt"), key=f"undo_no_{r['source_id']}"):
            st.session_state.pop("_data_undo", None)
            st.rerun()


def signed_in(user: str, hist) -> None:
    left, right = st.columns([5, 1], vertical_alignment="center")
    left.markdown(_("Logget inn som **{user}**. Du kan laste inn filer, se historikken, hente "
                    "originalfilene og angre en innlasting.").format(user=md_escape(user)))
    if right.button(_("Logg ut"), key="logout"):
        if co.oidc_email() == user:
            co.sign_out()
            st.logout()
        co.sign_out()
        st.rerun()
    show_flash()
    upload(user, hist)
    ssb(user)
    plans_form.section(user)
    history(hist, user)


# --- for everyone: the delivery template ---------------------------------------------------------

def template() -> None:
    st.subheader(_("Leveransemal"))
    st.markdown(_("Tall som ikke publiseres per kommune – OT-tilmeldte etter årsak, unge uføre og "
                  "unge arbeidssøkere – leveres i én CSV-mal. Malen har én eksempelrad per "
                  "indikator: bytt radene ut med egne tall, og la overskriftsraden stå."))
    st.download_button(_("Last ned leveransemal (CSV)"), data=delivery.TEMPLATE_EXAMPLE.encode("utf-8"),
                       file_name="innenfor_leveransemal.csv", mime="text/csv", on_click="ignore",
                       icon=":material/download:", key="template")
    with st.expander(_("Slik fyller du ut malen")):
        st.code(delivery.TEMPLATE_EXAMPLE, language=None)
        st.markdown(_(
            "- UTF-8 eller ISO-8859-1, `;` eller `,` mellom kolonnene, desimalkomma eller -punktum.\n"
            "- `indikator`: `neet`, `ufore`, `ot_tilmeldt`, `arbeidssokere`, `arbeidssokere_andel`.\n"
            "- `kommunenr`: firesifret kommunenummer (gjerne med navn, `4003 Skien`), "
            "fylkesnummer eller `0` for hele landet.\n"
            "- `periode`: år (`2021`), måned (`2021-05`) eller skoleår (`2020-2021`) etter "
            "indikatoren.\n"
            "- `alder`: `15-29`, `18-29`, `16-21`, `under30` eller `alle`; `kjonn`: `alle`, "
            "`kvinner` eller `menn`.\n"
            "- `kategori`: OT-årsak `ikke_sokt`, `takket_nei`, `avbrutt`, `andre`; NAV-status "
            "`helt_ledige`, `delvis_ledige`, `tiltak`; ellers `alle`.\n"
            "- `antall`: antall personer; `nevner`: befolkningen andelen regnes av (påkrevd for "
            "andeler).\n"
            "- `status`: tom for publisert tall, ellers `skjermet` (eller `*`), `mangler` (`..`), "
            "`foreløpig` eller `brudd`."))


st.title(_("Data"))
user = co.current_user()
hist = co.history()
if user is None:
    anonymous(hist)
    plans_form.section(None)
else:
    signed_in(user, hist)
template()
