"""Innenfor on two replicas behind nginx, for real (deploy/cluster.py with
deploy/innenfor.nginx.conf, under the base path /innenfor as behind a shared proxy): new
browsers are spread over the replicas, one browser stays on its replica for every request and
its websocket, Chromium draws the map through nginx, and when the replica holding a session
dies, the page reconnects to the live one and shows the view in its address.

Needs nginx (`apt-get install -y nginx`; .ci/run installs it): without it the tests are skipped
with that reason, or fail under INNENFOR_REQUIRE_BROWSER=1 (CI). Loopback only; nginx runs from
a temporary prefix, unprivileged ports."""
from __future__ import annotations

import re
import time
import urllib.request

import pytest

from deploy import cluster as deploy_cluster
from deploy.cluster import Cluster
from tests.browser_support import MAP_DRAWN, filled_map_paths, idle, pick_municipality, private_store, svg_map
from tests.conftest import ROOT
from vocab import settings

BASE = "innenfor"
NEW_CLIENTS = 16
HEADER = deploy_cluster.REPLICA_HEADER


def require_nginx() -> str:
    """nginx, or a skip with the reason (a failure where CI demands it)."""
    path = deploy_cluster.nginx_binary()
    if path:
        return path
    msg = "nginx mangler: installer med «apt-get install -y nginx» for klyngetestene (deploy/)."
    if settings.env_flag("INNENFOR_REQUIRE_BROWSER"):
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="module")
def cluster(demo_db, tmp_path_factory):
    require_nginx()
    db = private_store(demo_db, tmp_path_factory.mktemp("cluster_store"))
    c = Cluster(replicas=2, port=0, first_port=0, base=BASE, db=db,
                env={"INNENFOR_COORDINATORS": ""})
    try:
        c.start()
    except RuntimeError as e:
        pytest.fail(f"Klyngen startet ikke: {e}")
    yield c
    c.stop()


def get(url: str, cookie: str | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(url, headers={"Cookie": f"innenfor_node={cookie}"} if cookie else {})
    with urllib.request.urlopen(req, timeout=10) as r:
        r.read()
        return r.status, {k.lower(): v for k, v in r.headers.items()}


def node_cookie(headers: dict) -> str:
    m = re.match(r"innenfor_node=([0-9a-f]{32}); Path=/innenfor/; HttpOnly; SameSite=Lax",
                 headers.get("set-cookie", ""))
    assert m, headers.get("set-cookie")
    return m.group(1)


def replica_port(headers: dict) -> int:
    """The replica that answered (the last one nginx tried)."""
    return int(headers[HEADER.lower()].split(",")[-1].strip().rsplit(":", 1)[1])


# --- the configuration ---------------------------------------------------------------------------

def test_nginx_template_fills_in_base_path_ports_and_sticky_websocket(tmp_path):
    conf = deploy_cluster.render(listen="127.0.0.1:8500", ports=[8511, 8512], base="/innenfor/",
                                 cache_dir=str(tmp_path))
    live = "\n".join(line for line in conf.splitlines() if not line.lstrip().startswith("#"))
    assert "@" not in live
    assert "hash $innenfor_node consistent;" in live
    assert "server 127.0.0.1:8511 max_fails=1 fail_timeout=10s;" in live
    assert "server 127.0.0.1:8512 max_fails=1 fail_timeout=10s;" in live
    stream = live.split("location /innenfor/_stcore/stream {", 1)[1].split("}", 1)[0]
    assert "proxy_read_timeout 1d;" in stream and "proxy_send_timeout 1d;" in stream
    assert "proxy_set_header Upgrade $http_upgrade;" in live
    assert "location /innenfor/ {" in live and "Path=/innenfor/;" in live
    assert HEADER not in live                      # the replica's address only in the local cluster
    root = deploy_cluster.render(listen="80", ports=[8511], base="", cache_dir=str(tmp_path))
    assert "location /_stcore/stream {" in root and "location / {" in root


def test_systemd_container_and_kubernetes_files_match_the_cluster():
    unit = (ROOT / "deploy" / "systemd" / "innenfor@.service").read_text(encoding="utf-8")
    assert "--server.port %i" in unit and "--server.address 127.0.0.1" in unit
    assert "Restart=always" in unit
    target = (ROOT / "deploy" / "systemd" / "innenfor.target").read_text(encoding="utf-8")
    assert "innenfor@8511.service" in target
    container = (ROOT / "deploy" / "Containerfile").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements.lock" in container
    for line in container.splitlines():           # every file the image copies exists
        if line.startswith("COPY "):
            for src in line.split()[1:-1]:
                assert (ROOT / src).exists(), src
    kube = (ROOT / "deploy" / "kubernetes.yaml").read_text(encoding="utf-8")
    assert 'nginx.ingress.kubernetes.io/affinity: "cookie"' in kube
    assert 'session-cookie-name: "innenfor_node"' in kube
    assert "path: /_stcore/health" in kube


# --- the real thing ------------------------------------------------------------------------------

def test_new_clients_spread_and_each_stays_on_its_replica(cluster):
    seen: dict[str, int] = {}
    for _ in range(NEW_CLIENTS):
        status, h = get(cluster.url + "/")
        assert status == 200
        seen[node_cookie(h)] = replica_port(h)
    assert set(seen.values()) == set(cluster.ports), f"nye klienter fordelt: {seen}"
    # One client (same cookie): page, health, host-config and a static file all reach its replica,
    # and nginx sets no new cookie.
    asset = re.search(r'src="\./(static/js/[^"]+\.js)"', urllib.request.urlopen(
        cluster.url + "/", timeout=10).read().decode())
    assert asset
    for cookie, port in list(seen.items())[:4]:
        for path in ["/", "/_stcore/health", "/_stcore/host-config", "/", "/_stcore/health"]:
            status, h = get(cluster.url + path, cookie)
            assert status == 200 and replica_port(h) == port, (path, h)
            assert "innenfor_node" not in h.get("set-cookie", "")
        status, h = get(f"{cluster.url}/{asset.group(1)}", cookie)    # from nginx's cache or it
        assert status == 200


def test_websocket_goes_through_nginx_to_the_cookies_replica(cluster):
    from websockets.sync.client import connect
    _, h = get(cluster.url + "/")
    cookie, port = node_cookie(h), replica_port(h)
    for _ in range(3):
        with connect(cluster.url.replace("http://", "ws://") + "/_stcore/stream",
                     subprotocols=["streamlit"], origin=cluster.url.rsplit("/", 1)[0],
                     additional_headers={"Cookie": f"innenfor_node={cookie}"}, open_timeout=10) as ws:
            assert ws.response.status_code == 101
            assert replica_port({k.lower(): v for k, v in ws.response.headers.raw_items()}) == port


def test_browser_draws_the_map_through_nginx_and_survives_a_replica_crash(cluster, web_factory):
    web = web_factory(cluster)
    page = web.new_context().new_page()
    answered: list[tuple[str, str]] = []
    page.on("response", lambda r: answered.append((r.url, r.headers.get(HEADER.lower(), ""))))
    doc = page.goto(cluster.url + "/?indikator=ufore&kommune=3905")
    idle(page)
    page.wait_for_function(MAP_DRAWN)
    assert web.rec.sockets == [f"ws://127.0.0.1:{cluster.port}/{BASE}/_stcore/stream"]
    assert selected(page) == ["3905"] and filled_map_paths(page) > 20
    title = svg_map(page)["title"]
    assert title.startswith("Uføre under 30")
    pick_municipality(page, "Porsgrunn")
    assert "kommune=4001" in page.url and selected(page) == ["4001"]
    own = replica_port({HEADER.lower(): doc.headers[HEADER.lower()]})
    other = next(p for p in cluster.ports if p != own)

    # The replica holding the session dies (a crash, not a clean stop).
    answered.clear()
    t0 = time.monotonic()
    cluster.kill_replica(own)
    try:
        # The page notices, pings /_stcore/health through nginx (which now answers from the
        # live replica) and opens a new websocket, through nginx too.
        while len(web.rec.sockets) < 2 and time.monotonic() - t0 < 30:
            page.wait_for_timeout(100)
        page.wait_for_function("() => document.querySelector('[data-testid=stApp]')"
                               ".getAttribute('data-test-connection-state') === 'CONNECTED'",
                               timeout=30_000)
        took = time.monotonic() - t0
        assert len(web.rec.sockets) == 2, web.rec.sockets
        assert all(s == web.rec.sockets[0] for s in web.rec.sockets)
        ports = {replica_port({HEADER.lower(): h}) for u, h in answered if "/_stcore/" in u and h}
        assert ports == {other}, answered
        assert took < 20, f"gjenoppkobling tok {took:.1f} s"
        # Streamlit keeps the page as it was (its last run had finished) …
        assert selected(page) == ["4001"] and not page.locator("[data-testid=stException]").count()
        # … and the next pick runs the script in a new session on the live replica, which
        # starts from the view in the address (Uføre, Porsgrunn). The pick itself is lost there
        # today: the new session has not drawn the picker yet, so no on_change callback runs
        # and ui/parts.py binds the picker to the view. The page is whole either way, and the
        # pick after that works.
        pick_municipality(page, "Bamble")
        assert "indikator=ufore" in page.url and svg_map(page)["title"] == title
        assert selected(page) in (["4001"], ["4012"])
        assert not page.locator("[data-testid=stException]").count()
        if selected(page) == ["4001"]:
            assert "kommune=4001" in page.url
            pick_municipality(page, "Bamble")
        assert "kommune=4012" in page.url and selected(page) == ["4012"]
        assert not page.locator("[data-testid=stException]").count()
        web.shot(page, "klynge-etter-replikakrasj")
    finally:
        cluster.start_replica(own)                 # the module's cluster whole again
        cluster.wait_healthy(ports=[own])


def selected(page) -> list[str]:
    return page.evaluate("() => [...document.querySelectorAll('.inf-map path.inf-sel')]"
                         ".map(p => p.dataset.code)")
