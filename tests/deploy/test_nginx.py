"""``deploy/nginx/onestop-assess.conf`` checked with a real nginx (Debian's nginx-light).

The shipped file is rendered for loopback (ports, a throw-away certificate, log and static
paths; every substitution must match, so a changed file cannot silently escape the test),
then ``nginx -t`` must accept it, and a running nginx in front of a real gunicorn instance
must do what ``docs/deploy.md`` says: plain HTTP redirects to HTTPS, requests reach the app
even though one upstream instance is down (``proxy_next_upstream``), static files are
served by nginx itself, and nginx's request id reaches the app and comes back.

Needs ``nginx`` and ``openssl`` (skipped without them, a failure under
``REQUIRE_FULL_SUITE=1``; ``.ci/run`` installs nginx-light).
"""

from __future__ import annotations

import http.client
import re
import shutil
import signal
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.extensions import db
from bench.harness import ROOT, free_port, start_gunicorn
from tests.conftest import make_app, missing

pytestmark = pytest.mark.slow

HOST = "danhgia.example.gov.vn"
CONFIG = ROOT / "deploy" / "nginx" / "onestop-assess.conf"


def _tools() -> tuple[str, str]:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    openssl = shutil.which("openssl") or ""
    if not nginx or not openssl:
        missing("nginx and openssl are needed to check deploy/nginx (apt-get install nginx-light)")
    return nginx, openssl


def render_site(tmp: Path, *, http_port: int, https_port: int, upstreams: tuple[int, int]) -> str:
    """The shipped site file with loopback ports and paths under ``tmp``."""
    text = CONFIG.read_text()
    substitutions = [
        ("127.0.0.1:8001", f"127.0.0.1:{upstreams[0]}"),
        ("127.0.0.1:8002", f"127.0.0.1:{upstreams[1]}"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("/etc/ssl/onestop-assess/", f"{tmp}/ssl/"),
        ("/var/log/nginx/", f"{tmp}/logs/"),
        ("/srv/onestop-assess/app/static/", f"{ROOT}/app/static/"),
        ("/var/www/letsencrypt", f"{tmp}/acme"),
    ]
    for old, new in substitutions:
        assert old in text, f"deploy/nginx/onestop-assess.conf no longer contains {old!r}"
        text = text.replace(old, new)
    return text


def write_config(tmp: Path, openssl: str, site: str) -> Path:
    """A main nginx.conf around ``site`` (as Debian's includes it inside ``http { }``)."""
    for sub in ("ssl", "logs", "acme", "temp"):
        (tmp / sub).mkdir(exist_ok=True)
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
         f"/CN={HOST}", "-keyout", str(tmp / "ssl/privkey.pem"),
         "-out", str(tmp / "ssl/fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    (tmp / "site.conf").write_text(site)
    temp = tmp / "temp"
    main = tmp / "nginx.conf"
    main.write_text(
        f"user root;\nworker_processes 1;\npid {tmp}/nginx.pid;\n"
        f"error_log {tmp}/logs/error.log warn;\nevents {{ worker_connections 64; }}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n"
        f"  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n"
        f"  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n"
        f"  scgi_temp_path {temp}/scgi;\n  include {tmp}/site.conf;\n}}\n"
    )
    return main


@dataclass
class Front:
    http_port: int
    https_port: int
    logs: Path

    def get(self, path: str, *, tls: bool = True) -> http.client.HTTPResponse:
        if tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # the throw-away certificate of this test
            conn = http.client.HTTPSConnection("127.0.0.1", self.https_port, context=context)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.http_port)
        conn.request("GET", path, headers={"Host": HOST})
        response = conn.getresponse()
        response.body = response.read()
        conn.close()
        return response


def test_nginx_accepts_the_shipped_config(tmp_path):
    nginx, openssl = _tools()
    site = render_site(tmp_path, http_port=free_port(), https_port=free_port(), upstreams=(1, 2))
    main = write_config(tmp_path, openssl, site)
    result = subprocess.run(
        [nginx, "-t", "-c", str(main), "-p", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


@pytest.fixture(scope="module")
def front(tmp_path_factory) -> Iterator[Front]:
    """nginx → (a gunicorn instance on SQLite, an instance that is down)."""
    nginx, openssl = _tools()
    tmp = tmp_path_factory.mktemp("nginx")
    url = f"sqlite:///{tmp / 'app.sqlite3'}"
    app = make_app(url)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    live, down = free_port(), free_port()
    env = {"DATABASE_URL": url, "SECRET_KEY": "x" * 64, "TRUSTED_PROXIES": "1"}
    env |= {"UPLOAD_DIR": str(tmp / "uploads"), "CHART_CACHE_DIR": str(tmp / "charts")}
    ports = Front(free_port(), free_port(), tmp / "logs")
    site = render_site(tmp, http_port=ports.http_port, https_port=ports.https_port,
                       upstreams=(down, live))  # fmt: skip
    main = write_config(tmp, openssl, site)
    gunicorn = start_gunicorn("wsgi:app", live, env, workers=1, threads=2)
    proxy = subprocess.Popen(
        [nginx, "-c", str(main), "-p", str(tmp), "-g", "daemon off;"],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_for(ports)
        yield ports
    finally:
        proxy.send_signal(signal.SIGQUIT)  # graceful stop
        gunicorn.send_signal(signal.SIGINT)
        for proc in (proxy, gunicorn):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _wait_for(front: Front) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if front.get("/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("nginx never answered /healthz with 200")


def test_plain_http_redirects_to_https(front):
    response = front.get("/exams/my", tls=False)
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/exams/my"


def test_requests_reach_the_app_while_one_instance_is_down(front):
    # the first upstream is down: nginx must try the other for every request
    statuses = [front.get("/healthz").status for _ in range(12)]
    assert statuses == [200] * 12
    page = front.get("/auth/login")
    assert page.status == 200
    assert "csrf_token" in page.body.decode()
    assert page.getheader("Strict-Transport-Security") == "max-age=31536000"
    assert page.getheader("Content-Security-Policy")  # the app's own headers pass through


def test_static_files_are_served_by_nginx(front):
    css = next(p for p in sorted((ROOT / "app/static/css").iterdir()) if p.suffix == ".css")
    response = front.get(f"/static/css/{css.name}")
    assert response.status == 200
    assert response.body == css.read_bytes()
    assert response.getheader("Cache-Control") == "max-age=3600"  # "expires 1h": nginx's own
    assert response.getheader("X-Content-Type-Options") == "nosniff"


def test_the_request_id_of_nginx_reaches_the_app_and_its_log(front):
    response = front.get("/auth/login")
    request_id = response.getheader("X-Request-ID")
    assert re.fullmatch(r"[0-9a-f]{32}", request_id or ""), request_id  # nginx's $request_id
    health = front.get("/healthz").getheader("X-Request-ID")  # not logged, but passed on
    assert re.fullmatch(r"[0-9a-f]{32}", health or "") and health != request_id, health
    time.sleep(0.2)  # the access log line is written after the response
    log = (front.logs / "onestop-assess.access.log").read_text()
    assert f"rid={request_id}" in log
