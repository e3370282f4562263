"""Issue 13: a PDF export is a document of its own (an A4 sheet, the figure's title as /Title,
Innenfor as author, the language as /Lang), and the deck has no empty «Ingen tall» slides: a
family without figures is named on the title slide instead.

The PDF is read back here with a small reader that follows the PDF's own structure (startxref,
the chain of cross-reference sections through /Prev, every offset checked against «n g obj»),
so a PDF that only looks right to a regular expression fails."""
from __future__ import annotations

import io
import re
import zlib

import pytest

from exports import deck, figures, images, kommune
from indicators import views
from loaders import store
from tests.conftest import add_rows
from tests.test_exports import neet_trend, pdf_pages, telemark_map
from vocab import i18n

SKIEN, TELEMARK = "4003", "40"
A4_LONG, A4_SHORT = 841.89, 595.28         # 297 × 210 mm in points
TEN_MM = 10 * 72 / 25.4


# --- a PDF read as a PDF reader does -------------------------------------------------------------

def read_pdf(b: bytes) -> tuple[dict[int, bytes], bytes]:
    """({object number: the newest version's text between «obj» and «endobj»}, the newest
    trailer). Follows startxref and /Prev; fails on an offset that does not point at its object."""
    assert b.startswith(b"%PDF-") and b.rstrip().endswith(b"%%EOF")
    at: int | None = int(re.findall(rb"startxref\s+(\d+)\s+%%EOF", b)[-1])
    objs: dict[int, bytes | None] = {}
    newest = None
    seen = set()
    while at is not None:
        assert at not in seen
        seen.add(at)
        assert b[at:at + 4] == b"xref", b[at:at + 20]
        pos = at + 4
        while (m := re.compile(rb"\s*(\d+) (\d+)[ ]?\r?\n").match(b, pos)) is not None:
            start, count = int(m.group(1)), int(m.group(2))
            pos = m.end()
            for i in range(count):
                line = b[pos:pos + 20]
                pos += 20
                assert line[18:20] in (b" \n", b" \r", b"\r\n"), line      # 20 bytes each
                n, off, gen, kind = start + i, int(line[:10]), int(line[11:16]), line[17:18]
                if n in objs:
                    continue                                # a newer section has it
                if kind == b"f":
                    objs[n] = None
                    continue
                obj = re.compile(rb"(\d+) (\d+) obj(.*?)endobj", re.S).match(b, off)
                assert obj and int(obj.group(1)) == n and int(obj.group(2)) == gen, (n, off)
                objs[n] = obj.group(3)
        t = re.compile(rb"\s*trailer\s*<<(.*?)>>\s*startxref", re.S).match(b, pos)
        assert t is not None
        newest = newest or t.group(1)
        prev = re.search(rb"/Prev (\d+)", t.group(1))
        at = int(prev.group(1)) if prev else None
    assert newest is not None
    return {n: o for n, o in objs.items() if o is not None}, newest


def _find(pattern: bytes, data: bytes) -> re.Match[bytes]:
    m = re.search(pattern, data, re.S)
    assert m is not None, (pattern, data[:200])
    return m


def _ref(d: bytes, key: str) -> int:
    m = re.search(rb"/" + key.encode() + rb"\s+(\d+)\s+0\s+R", d)
    assert m, (key, d[:200])
    return int(m.group(1))


def _text_string(d: bytes, key: str) -> str:
    m = re.search(rb"/" + key.encode() + rb"\s*(<[0-9A-Fa-f]*>|\((?:\\.|[^\\)])*\))", d)
    assert m, key
    s = m.group(1)
    if s.startswith(b"<"):
        raw = bytes.fromhex(s[1:-1].decode())
        return raw[2:].decode("utf-16-be") if raw[:2] == b"\xfe\xff" else raw.decode("latin-1")
    return re.sub(rb"\\(.)", rb"\1", s[1:-1]).decode("latin-1")


def _stream(body: bytes) -> bytes:
    data = _find(rb"stream\r?\n(.*?)\r?\nendstream", body).group(1)
    return zlib.decompress(data) if b"/FlateDecode" in body.split(b"stream")[0] else data


class Pdf:
    def __init__(self, b: bytes):
        self.objs, self.trailer = read_pdf(b)
        self.info = self.objs[_ref(self.trailer, "Info")]
        self.catalog = self.objs[_ref(self.trailer, "Root")]
        tree = self.objs[_ref(self.catalog, "Pages")]
        kids = re.findall(rb"(\d+)\s+0\s+R", _find(rb"/Kids\s*\[(.*?)\]", tree).group(1))
        assert len(kids) == 1 and re.search(rb"/Count 1\b", tree)
        self.page = self.objs[int(kids[0])]
        box = _find(rb"/MediaBox\s*\[([^\]]*)\]", self.page).group(1).split()
        self.media_box = [float(v) for v in box]
        refs = _find(rb"/Contents\s*(\[[^\]]*\]|\d+\s+0\s+R)", self.page).group(1)
        self.contents = [_stream(self.objs[int(n)]) for n in re.findall(rb"(\d+)\s+0\s+R", refs)]

    def title(self) -> str:
        return _text_string(self.info, "Title")

    def lang(self) -> str:
        return _text_string(self.catalog, "Lang")


def _assert_on_a4(pdf: Pdf, *, landscape: bool) -> None:
    x0, y0, x1, y1 = pdf.media_box
    w, h = (A4_LONG, A4_SHORT) if landscape else (A4_SHORT, A4_LONG)
    assert (x0, y0) == (0, 0) and abs(x1 - w) < 0.01 and abs(y1 - h) < 0.01, pdf.media_box
    # Chromium's page, drawn inside «q k 0 0 k e f cm  x y w h re W n … Q»: scaled to fit the
    # sheet within 10 mm margins (filling it one way), centred.
    m = re.fullmatch(rb"q ([\d.]+) 0 0 \1 ([-\d.]+) ([-\d.]+) cm ([-\d.]+) ([-\d.]+) ([\d.]+) "
                     rb"([\d.]+) re W n\s*", pdf.contents[0])
    assert m, pdf.contents[0]
    assert pdf.contents[-1].strip() == b"Q" and len(pdf.contents) >= 3
    k, e, f, bx, by, bw, bh = (float(v) for v in m.groups())
    left, bottom = e + k * bx, f + k * by
    right, top = left + k * bw, bottom + k * bh
    assert left >= TEN_MM - 0.01 and bottom >= TEN_MM - 0.01
    assert right <= w - TEN_MM + 0.01 and top <= h - TEN_MM + 0.01
    assert max((right - left) / (w - 2 * TEN_MM), (top - bottom) / (h - 2 * TEN_MM)) > 0.999
    assert abs(left - (w - right)) < 0.01 and abs(bottom - (h - top)) < 0.01


# --- PDF without a browser: the update on a PDF of the shape Chromium writes ----------------------

def _small_pdf() -> bytes:
    """A one-page PDF as Skia writes it: classic xref, Info with «Kaleido-fier», /Lang en-US."""
    content = b"0 0 1 rg 10 10 100 50 re f"
    objs = [b"<</Title (Kaleido-fier)\n/Producer (Skia/PDF m156)>>",
            b"<</Type /Page\n/MediaBox [0 0 615.12 427.92]\n/Contents 3 0 R\n/Parent 4 0 R>>",
            b"<</Length %d>> stream\n" % len(content) + content + b"\nendstream",
            b"<</Type /Pages\n/Count 1\n/Kids [2 0 R]>>",
            b"<</Type /Catalog\n/Pages 4 0 R\n/Lang (en-US)>>"]
    out = bytearray(b"%PDF-1.4\n%\xd3\xeb\xe9\xe1\n")
    offsets = []
    for i, o in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<</Size %d\n/Root 5 0 R\n/Info 1 0 R>>\nstartxref\n%d\n%%%%EOF" % (
        len(objs) + 1, xref)
    return bytes(out)


def test_a4_update_keeps_the_original_and_points_back_to_it():
    original = _small_pdf()
    out = images.a4_pdf(original, title="Unge uføre (18–29 år) i Færder", lang="nn-NO")
    assert out.startswith(original)                           # an update: nothing rewritten
    pdf = Pdf(out)
    assert pdf.title() == "Unge uføre (18–29 år) i Færder"
    assert _text_string(pdf.info, "Author") == _text_string(pdf.info, "Creator") == "Innenfor"
    assert _text_string(pdf.info, "Producer") == "Skia/PDF m156"
    assert pdf.lang() == "nn-NO"
    assert _find(rb"/Prev (\d+)", pdf.trailer).group(1) == \
        re.findall(rb"startxref\s+(\d+)", original)[-1]
    assert _ref(pdf.trailer, "Root") == 5 and _find(rb"/Size (\d+)", pdf.trailer).group(1) == b"8"
    _assert_on_a4(pdf, landscape=True)
    assert pdf.contents[1] == b"0 0 1 rg 10 10 100 50 re f"    # Chromium's drawing, untouched


def test_a_tall_figure_gets_a_portrait_sheet():
    tall = _small_pdf().replace(b"[0 0 615.12 427.92]", b"[0 0 427.92 615.12]")
    _assert_on_a4(Pdf(images.a4_pdf(tall, title="Kart", lang="nb-NO")), landscape=False)


def test_a_pdf_it_cannot_read_comes_back_as_it_was():
    odd = _small_pdf().replace(b"xref\n0 6", b"XREF\n0 6")    # not where startxref says
    assert images.a4_pdf(odd, title="x", lang="nb-NO") == odd


# --- PDF from Chromium ---------------------------------------------------------------------------

@pytest.fixture
def browser(kaleido_browser):
    """The session's kaleido server (tests/conftest.py)."""


@pytest.fixture(scope="module")
def con(demo_db):
    with store.reader(demo_db) as c:
        yield c


def test_chart_pdf_is_an_a4_landscape_page_titled_by_the_figure(con, browser):
    fig = neet_trend(con)
    assert "Kaleido-fier" not in fig.layout.title.text
    b = images.render(fig, "pdf")
    pdf = Pdf(b)
    assert pdf.title() == fig.layout.title.text == "Unge utenfor (NEET), 15–29 år, 2015–2024"
    assert "Kaleido-fier" not in pdf.info.decode("latin-1")
    assert _text_string(pdf.info, "Author") == "Innenfor"
    assert pdf.lang() == "nb-NO"
    _assert_on_a4(pdf, landscape=True)
    (page,) = pdf_pages(b)                                     # the drawing is still there
    assert "Kilde: SSB, tabell 13563" in " ".join(page.replace("\u00a0", " ").split())


def test_a_title_cut_for_the_width_is_whole_in_the_pdf(con, browser):
    """prepare() moves the end of a long title into the subtitle; the document keeps it all."""
    long_title = ("Unge utenfor arbeid, utdanning og opplæring i Skien, i Telemark fylke og i hele "
                  "landet, 15–29 år, 2015–2024")
    d = figures.prepare(neet_trend(con), "print", title=long_title)
    assert d["layout"]["title"]["text"] != long_title
    (b,) = images.render_prepared([(d, "pdf")])
    assert Pdf(b).title() == long_title


def test_pdf_in_english_says_so(con, browser):
    with i18n.use("en"):
        fig = neet_trend(con)
        pdf = Pdf(images.render(fig, "pdf"))
    assert pdf.lang() == "en-GB" and pdf.title() == fig.layout.title.text
    assert "15–29" in pdf.title() and "år" not in pdf.title()


def test_map_pdf_taller_than_wide_is_portrait(con, browser):
    d = figures.prepare(telemark_map(con), "print")
    assert d["layout"]["height"] > d["layout"]["width"]
    (b,) = images.render_prepared([(d, "pdf")])
    pdf = Pdf(b)
    _assert_on_a4(pdf, landscape=False)
    assert pdf.title() == figures.document_title(d) and pdf.title().startswith("Unge utenfor")


# --- the deck: no empty slides, the missing families named ---------------------------------------

def _png() -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (1640, 890), "white").save(buf, "PNG")
    return buf.getvalue()


def _texts(slide) -> str:
    return "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)


def _deck(rep):
    from pptx import Presentation
    return Presentation(io.BytesIO(deck.build(rep, [_png()] * len(rep.charts))))


@pytest.fixture
def neet_only(empty_db):
    """Skien, Telemark and Norway with NEET figures only: three families have none."""
    add_rows(empty_db, [{"indicator": "neet", "region_code": code, "period": p, "age": "15-29",
                         "value": v}
                        for code, base in ((SKIEN, 10.0), (TELEMARK, 11.0), (views.NORWAY, 9.5))
                        for p, v in (("2023", base), ("2024", base + 0.4))], "neet_bare.csv")
    with store.reader(empty_db) as c:
        yield kommune.collect(c, SKIEN)


def test_deck_leaves_out_families_without_figures_and_names_them(neet_only):
    rep = neet_only
    assert {c.family for c in rep.charts} <= {"NEET", "Kart"} and rep.charts
    assert len(rep.missing) == 3
    prs = _deck(rep)
    slides = list(prs.slides)
    texts = [_texts(s) for s in slides]
    assert len(slides) == 1 + len(rep.charts) + 1                   # title, charts, closing
    assert not any("Ingen tall" in t for t in texts)
    first = texts[0]
    assert "Uten tall for Skien i datalageret: " in first
    for heading in rep.missing:                                      # each one, mid-sentence
        assert heading[1:] in first and heading[1:] in slides[0].notes_slide.notes_text_frame.text
    assert "unge uføre, 18–29 år" in first and "arbeidssøkere hos NAV" in first
    assert "Oppfølgingstjenesten (OT)" in first
    assert "Uten tall: " in texts[-1]                                # and on the closing slide
    from pptx.util import Pt
    for sh in slides[0].shapes:                                      # 18 pt and on the slide
        if sh.has_text_frame:
            assert all(r.font.size >= Pt(18) for p in sh.text_frame.paragraphs for r in p.runs)
        assert sh.top + sh.height <= prs.slide_height and sh.left + sh.width <= prs.slide_width


def test_deck_with_every_family_has_no_missing_line(con):
    rep = kommune.collect(con, SKIEN)
    assert not rep.missing
    first = _texts(_deck(rep).slides[0])
    assert "Uten tall" not in first and "Nøkkeltall fra Innenfor: " in first


def test_deck_with_no_figures_is_title_and_closing(con):
    rep = kommune.collect(con, "0301")                               # Oslo: not in the demo
    prs = _deck(rep)
    assert len(prs.slides) == 2
    first = _texts(prs.slides[0])
    assert "Uten tall for Oslo i datalageret: unge utenfor arbeid" in first
