"""Streamlit's own English words, put into the page's language in the browser.

Streamlit 1.67 cannot translate its own interface (the file uploader's «Drag and drop», «Skip to
main content», «Help for …», «Add: …» in a picker, the sidebar buttons' labels). Where a widget
lets us set the text we do (labels, placeholders); for the rest a small script in the page
(ui/lang.py) watches the DOM and replaces these exact texts and attribute values (aria-label,
title, placeholder) as Streamlit writes them. Patterns match a whole text, so a municipality
name or a figure is never touched. English needs none of it. What cannot be reached this way
is listed in docs/TILGJENGELIGHET.md."""
from __future__ import annotations

from vocab import i18n
from vocab.i18n import _

# The script gets {"lang": …, "words": [[regex source, replacement], …]} ($1: the match).
# Texts already replaced are not written again by Streamlit, so a change of language reloads
# the page once the URL carries the new language (a new session then reads it from there).
SCRIPT = r"""
(function (d) {
  var W = window;
  document.documentElement.lang = d.lang;
  if (W.__innenforLang && W.__innenforLang !== d.lang
      && new URLSearchParams(location.search).get('lang') === d.lang) {
    location.reload();
    return;
  }
  W.__innenforLang = d.lang;
  W.__innenforWords = d.words.map(function (p) { return [new RegExp('^' + p[0] + '$'), p[1]]; });
  function tr(s) {
    if (!s) return null;
    var t = s.trim();
    if (!t) return null;
    var words = W.__innenforWords;
    for (var i = 0; i < words.length; i++) {
      if (words[i][0].test(t)) return s.replace(t, t.replace(words[i][0], words[i][1]));
    }
    return null;
  }
  function fix(node) {
    if (node.nodeType === 3) {
      var r = tr(node.nodeValue);
      if (r !== null && r !== node.nodeValue) node.nodeValue = r;
      return;
    }
    if (node.nodeType !== 1) return;
    ['aria-label', 'title', 'placeholder'].forEach(function (a) {
      if (node.hasAttribute(a)) {
        var r = tr(node.getAttribute(a));
        if (r !== null && r !== node.getAttribute(a)) node.setAttribute(a, r);
      }
    });
    var kids = node.childNodes;
    for (var i = 0; i < kids.length; i++) fix(kids[i]);
  }
  fix(document.body);
  if (!W.__innenforObserver) {
    W.__innenforObserver = new MutationObserver(function (ms) {
      ms.forEach(function (m) {
        if (m.type === 'childList') m.addedNodes.forEach(fix);
        else fix(m.target);
      });
    });
    W.__innenforObserver.observe(document.body, {subtree: true, childList: true,
      characterData: true, attributes: true,
      attributeFilter: ['aria-label', 'title', 'placeholder']});
  }
})(%s);
"""


def words() -> list[tuple[str, str]]:
    """(English pattern, the current language's text) for Streamlit's own words; none in
    English."""
    if i18n.current() == "en":
        return []
    return [
        ("Skip to main content", _("Gå til hovedinnholdet")),
        ("Link to heading", _("Lenke til overskriften")),
        ("Drag and drop files? here", _("Dra og slipp fila her")),
        ("Drag and drop file here", _("Dra og slipp fila her")),
        ("Browse files", _("Velg fil")),
        ("Upload", _("Last opp")),
        ("Uploading\\.\\.\\.", _("Laster opp …")),
        ("Limit (.+) per file(.*)", _("Høyst $1 per fil$2")),
        ("(.+) per file(.*)", _("Høyst $1 per fil$2")),
        ("Help for (.+)", _("Hjelp: $1")),
        ("Help", _("Hjelp")),
        ("Add: (.+)", _("Legg til: $1")),
        ("No results", _("Ingen treff")),
        ("Choose an option", _("Velg")),
        ("Choose options", _("Velg")),
        ("Clear all", _("Fjern alle")),
        ("Clear value", _("Fjern valget")),
        ("Remove (.+)", _("Fjern $1")),
        ("Delete", _("Slett")),
        ("Open", _("Åpne")),
        ("Close", _("Lukk")),
        ("Collapse sidebar", _("Skjul sidepanelet")),
        ("Expand sidebar", _("Vis sidepanelet")),
        ("Copy to clipboard", _("Kopier til utklippstavlen")),
        ("Copied to clipboard", _("Kopiert")),
        ("Copy", _("Kopier")),
        ("Running\\.\\.\\.", _("Arbeider …")),
        ("Stop", _("Stopp")),
        ("Main menu", _("Hovedmeny")),
        ("Print", _("Skriv ut")),
        ("About", _("Om Innenfor")),
        ("Rerun", _("Last inn på nytt")),
        ("Settings", _("Innstillinger")),
        ("Fullscreen", _("Fullskjerm")),
        ("View fullscreen", _("Vis i fullskjerm")),
        ("Close fullscreen", _("Lukk fullskjerm")),
        ("Exit fullscreen", _("Lukk fullskjerm")),
        ("Download as CSV", _("Last ned som CSV")),
        ("Search", _("Søk")),
        ("Press Enter to apply", _("Trykk Enter for å bruke")),
        ("Failed to generate file for download\\.?", _("Kunne ikke lage fila for nedlasting.")),
        ("Remove an option first\\.", _("Fjern et valg først.")),
        ("You can only select up to (\\d+) options?\\. Remove an option first\\.",
         _("Du kan velge høyst $1. Fjern et valg først.")),
        ("Open menu", _("Åpne menyen")),
        ("Dropdown", _("Nedtrekksliste")),
        ("Selected (.+)", _("Valgt: $1")),
    ]


def script_data() -> dict:
    return {"lang": i18n.TAGS[i18n.current()], "words": [[p, r] for p, r in words()]}
