"""ui/first_picture: a page's first chart is shown as a picture made on the server (kaleido) while
plotly.js loads, and the interactive chart takes its place; a page never waits for a picture.

The rest of the suite runs without pictures (INNENFOR_NO_FIRST_PICTURE, tests/conftest.py);
here they are on, with kaleido's real Chromium on the server side."""
from __future__ import annotations

import base64
import json
import time

import pytest

from tests.browser_support import AppServer, idle, pick_municipality, private_store, require_chromium
from tests.test_pages import chart_elements, open_page
from ui import first_picture

# (picture visible, picture's element hidden, interactive chart drawn) on the page.
STATE = """() => {
  const img = document.querySelector('.inf-static img');
  const box = img && img.closest('[data-testid=stElementContainer]');
  const svg = [...document.querySelectorAll('.inf-chart .main-svg')]
      .filter(e => e.getBoundingClientRect().width > 0);
  return {picture: !!img && img.complete && img.naturalWidth > 0,
          hidden: !!box && getComputedStyle(box).display === 'none',
          drawn: svg.length > 0,
          alt: img ? img.alt : null,
          pictures: document.querySelectorAll('.inf-static').length};
}"""


def wait_for(pred, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (v := pred()):
            return v
        time.sleep(0.1)
    raise AssertionError("kom ikke innen tidsfristen")


@pytest.fixture
def pictures_on(monkeypatch):
    require_chromium()
    monkeypatch.delenv("INNENFOR_NO_FIRST_PICTURE", raising=False)
    assert first_picture.enabled()


def test_a_picture_is_made_in_the_background_and_kept(pictures_on):
    figure = {"data": [{"type": "scatter", "x": [2020, 2021], "y": [10.5, 11.2]}],
              "layout": {"title": {"text": "Bilde av Skien"}, "height": 400}}
    k = first_picture.key(json.dumps(figure) + str(time.time()))
    assert first_picture.picture(k, figure) is None          # never waits: asked for, not made
    url = wait_for(lambda: first_picture.picture(k, figure))
    assert url.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(url.split(",", 1)[1]).decode()
    assert "Bilde av Skien" in svg and 'width="900"' in svg and 'height="400"' in svg


def test_off_by_setting(monkeypatch):
    monkeypatch.setenv("INNENFOR_NO_FIRST_PICTURE", "1")
    assert not first_picture.enabled()
    assert first_picture.picture("ikke-laget", {"data": [], "layout": {}}) is None


def test_only_the_first_chart_of_a_session_gets_its_picture(app_env, pictures_on):
    at = open_page("utvikling")                   # asks for the picture of its first chart
    assert chart_elements(at)
    wait_for(lambda: not first_picture._asked)     # made in the background
    at = open_page("utvikling")                   # a new session: plotly.js not loaded yet
    pictures = [h for h in at.get("html") if "inf-static" in h.proto.body]
    assert len(pictures) == 1
    body = pictures[0].proto.body
    assert 'src="data:image/svg+xml;base64,' in body and 'alt="' in body
    at.run()                                                   # a rerun: plotly.js is there now
    assert not [h for h in at.get("html") if "inf-static" in h.proto.body]


@pytest.fixture(scope="module")
def picture_server(demo_db, tmp_path_factory):
    require_chromium()
    server = AppServer(db=private_store(demo_db, tmp_path_factory.mktemp("picture_store")),
                       env={"INNENFOR_NO_FIRST_PICTURE": "", "INNENFOR_COORDINATORS": ""},
                       name="bilde").start()
    yield server
    server.stop()


def test_the_picture_shows_first_and_the_interactive_chart_replaces_it(web_factory, picture_server):
    web = web_factory(picture_server)
    page = web.open("/utvikling")
    idle(page)
    assert page.evaluate(STATE)["pictures"] == 0          # the first visitor: no picture yet

    def visit():
        w = web_factory(picture_server)
        p = w.open("/utvikling")
        p.wait_for_function("() => document.querySelector('.inf-static img') || "
                            "document.querySelector('.inf-chart .main-svg')", timeout=60_000)
        return (w, p) if p.evaluate(STATE)["pictures"] else None

    w2, p2 = wait_for(visit, timeout=90)              # the next visitor gets the picture
    seen = p2.evaluate(STATE)
    assert seen["picture"] or seen["drawn"], seen
    assert "Skien" in seen["alt"], seen
    p2.wait_for_function("() => document.querySelector('.inf-chart .main-svg')", timeout=60_000)
    p2.wait_for_function(f"() => ({STATE})().hidden", timeout=10_000)
    after = p2.evaluate(STATE)
    assert after["drawn"] and after["hidden"], after          # one chart on screen, interactive
    # Another municipality (a rerun): the chart redraws in place, no picture comes back.
    pick_municipality(p2, "Porsgrunn")
    idle(p2)
    assert p2.evaluate(STATE)["pictures"] == 0
    w2.assert_clean()
    web.assert_clean()
