"""Production as deployed: settings with DEBUG off (each case in a fresh process, since settings
are read once), static files collected as bin/setup collects them and served by gunicorn with
DEBUG off, and the reverse proxy of docker-compose (deploy/Caddyfile, run by Debian's Caddy) in
front of a server that shows what reaches it."""

import http.client
import json
import os
import re
import secrets
import socket
import ssl
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
HOST = "portal.example"
# What `manage.py check --deploy` and the servers below run with: production settings as
# docker-compose gives them (DEBUG=0, a strong key, the host name), nothing else from here.
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": HOST,
}
SETTINGS_OF_THIS_RUN = {
    "DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "HTTPS",
    "SECURE_COOKIES", "STATIC_ROOT", "TRUSTED_PROXY_COUNT",
}  # fmt: skip
SHOW = (
    "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps("
    "[s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
    "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER]))"
)


def environment(**env):
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_OF_THIS_RUN}
    return {**clean, "DJANGO_SETTINGS_MODULE": "coop.settings", **env}


def run(args, **env):
    return subprocess.run(
        args, cwd=ROOT, env=environment(**env), capture_output=True, text=True, timeout=300
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < deadline, f"nothing listens on {port}"
            time.sleep(0.2)


def test_the_deployment_check_passes_with_production_settings():
    result = run([sys.executable, "manage.py", "check", "--deploy"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "security." not in result.stdout + result.stderr


def test_production_redirects_to_https_with_hsts_and_secure_cookies():
    result = run([sys.executable, "-c", SHOW], **PRODUCTION)
    assert json.loads(result.stdout) == [
        True,
        365 * 24 * 3600,
        True,
        True,
        True,
        ["HTTP_X_FORWARDED_PROTO", "https"],
    ]


def test_https_0_serves_a_closed_network_trial_over_plain_http():
    result = run([sys.executable, "-c", SHOW], **PRODUCTION, HTTPS="0")
    assert json.loads(result.stdout)[:5] == [False, 0, False, False, False]


@pytest.fixture
def collected(tmp_path):
    """The static files as bin/setup collects them: DEBUG as the developer's (unset)."""
    static_root = tmp_path / "static"
    setup = (ROOT / "bin" / "setup").read_text()
    assert ".venv/bin/python manage.py collectstatic --noinput -v0" in setup
    result = run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        STATIC_ROOT=str(static_root),
    )
    assert result.returncode == 0, result.stderr
    return static_root


@pytest.fixture
def gunicorn(db, collected):
    """gunicorn with DEBUG off on the collected files and this run's test database."""
    port = free_port()
    database = connection.settings_dict
    user, password = (quote(database[key] or "", safe="") for key in ("USER", "PASSWORD"))
    url = (
        f"postgres://{user}:{password}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "coop.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1"],
        cwd=ROOT,
        env=environment(**PRODUCTION, STATIC_ROOT=str(collected), DATABASE_URL=url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        wait_until_listening(port, server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(port, path, **headers):
    """A GET as the proxy passes it on: the allowed host name and, unless told, https."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    client.request("GET", path, headers={"Host": HOST, "X-Forwarded-Proto": "https", **headers})
    response = client.getresponse()
    return response, response.read()


def test_pages_served_with_debug_off_find_their_css_and_js(gunicorn):
    found = []
    for page in ("/accounts/login/", "/api/docs/"):
        response, body = get(gunicorn, page)
        assert response.status == 200, page
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains"
        )
        linked = r'<(?:link rel="stylesheet"|script)[^>]* (?:href|src)="([^"]+)"'
        assets = re.findall(linked, body.decode())
        assert assets, page
        found += assets
        for asset in assets:
            answer, content = get(gunicorn, asset.replace("&amp;", "&"))
            assert answer.status == 200 and content, asset
            if asset.startswith("/static/"):  # collected names carry the content's hash
                assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", asset), asset
    # The portal's stylesheet, Swagger UI's scripts and the start-up script served apart.
    assert {asset.rsplit(".", 1)[-1] for asset in found} >= {"css", "js"}
    assert "/api/docs/?script=" in found


def test_plain_http_is_redirected_to_https(gunicorn):
    response, _ = get(gunicorn, "/accounts/login/", **{"X-Forwarded-Proto": "http"})
    assert response.status == 301
    assert response.headers["Location"] == f"https://{HOST}/accounts/login/"


def test_the_compose_health_check_finds_the_web_service_healthy(gunicorn):
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = compose["services"]["web"]["healthcheck"]["test"]
    assert command[:3] == ["CMD", "python", "-c"] and "8000" in command[3]
    get(gunicorn, "/api/v1/")  # once started: its first request loads the portal (start_period)
    result = run([sys.executable, "-c", command[3].replace("8000", str(gunicorn))], **PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_compose_publishes_only_the_proxy():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    published = {name for name, service in compose["services"].items() if service.get("ports")}
    assert published == {"proxy"}
    assert compose["services"]["proxy"]["image"].startswith("caddy:")
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in compose["services"]["proxy"]["volumes"]
    assert compose["services"]["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"


class Echo(BaseHTTPRequestHandler):
    """Answers with the headers and the body length it received, and keeps them."""

    received = []

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        seen = {"headers": dict(self.headers), "length": length}
        self.received.append(seen)
        body = json.dumps(seen).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass


@pytest.fixture
def proxy(tmp_path):
    """Caddy with deploy/Caddyfile, its own authority's certificate for localhost, in front of
    the echo server: ``(https port, http port, TLS context that trusts that authority)``."""
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    Echo.received = []
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    https_port, http_port = free_port(), free_port()
    caddy = subprocess.Popen(
        ["caddy", "run", "--config", str(ROOT / "deploy" / "Caddyfile"), "--adapter", "caddyfile"],
        cwd=tmp_path,
        env={
            "PATH": os.environ["PATH"],
            "HOME": str(tmp_path),
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "SITE_ADDRESS": "localhost",
            "TLS": "internal",
            "UPSTREAM": f"127.0.0.1:{upstream.server_port}",
            "HTTP_PORT": str(http_port),
            "HTTPS_PORT": str(https_port),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_listening(https_port, caddy)
        root = tmp_path / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        deadline = time.monotonic() + 30
        while not root.exists():
            assert time.monotonic() < deadline, "Caddy made no authority"
            time.sleep(0.2)
        yield https_port, http_port, ssl.create_default_context(cafile=str(root))
    finally:
        caddy.terminate()
        caddy.wait(timeout=30)
        upstream.shutdown()


def through(proxy, method="GET", path="/", body=None, **headers):
    https_port, _http, tls = proxy
    client = http.client.HTTPSConnection("localhost", https_port, context=tls, timeout=60)
    client.request(method, path, body=body, headers=headers)
    response = client.getresponse()
    return response, response.read()


def test_the_proxy_terminates_tls_and_passes_on_the_client_it_saw(proxy):
    written = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "http"}
    response, body = through(proxy, **written)
    assert response.status == 200
    seen = json.loads(body)["headers"]
    # The address written by the client is replaced, not appended to: one trusted proxy.
    assert seen["X-Forwarded-For"] in {"127.0.0.1", "::1"}
    assert seen["X-Forwarded-Proto"] == "https"
    assert seen["Host"] == f"localhost:{proxy[0]}"


def test_the_proxy_sends_plain_http_to_https(proxy):
    _https, http_port, _tls = proxy
    client = http.client.HTTPConnection("localhost", http_port, timeout=30)
    client.request("GET", "/accounts/login/")
    response = client.getresponse()
    assert response.status in {301, 308}
    # To the standard https port (the one docker-compose publishes), or to the test's.
    assert re.fullmatch(r"https://localhost(:\d+)?/accounts/login/", response.headers["Location"])


def test_the_proxy_takes_the_largest_upload_and_refuses_larger_bodies(proxy):
    # A 5 MiB evidence file with 2.5 MiB of other fields: what Django itself still accepts.
    largest = 5 * 1024 * 1024 + int(2.5 * 1024 * 1024) + 64 * 1024
    response, body = through(proxy, "POST", "/upload/", body=b"x" * largest)
    assert response.status == 200 and json.loads(body)["length"] == largest
    # One byte more is refused on its declared length, before any of the body is sent.
    https_port, _http, tls = proxy
    with socket.create_connection(("localhost", https_port), timeout=30) as raw:
        with tls.wrap_socket(raw, server_hostname="localhost") as secure:
            secure.sendall(
                b"POST /upload/ HTTP/1.1\r\nHost: localhost\r\n"
                b"Content-Length: %d\r\n\r\n" % (8 * 1024 * 1024 + 1)
            )
            assert secure.recv(4096).startswith(b"HTTP/1.1 413 ")
    assert [seen["length"] for seen in Echo.received] == [largest]


def test_compose_sizes_web_and_workers_from_the_environment():
    """README, "When one machine is not enough": the process counts are set in .env, and a
    replica only when DATABASE_REPLICA_URL is (empty, as compose passes it unset, is none)."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web, worker = (compose["services"][name]["command"] for name in ("web", "worker"))
    assert web[web.index("--workers") + 1] == "${WEB_CONCURRENCY:-3}"
    assert worker[worker.index("--concurrency") + 1] == "${WORKER_CONCURRENCY:-2}"
    replica = compose["services"]["web"]["environment"]["DATABASE_REPLICA_URL"]
    assert replica == "${DATABASE_REPLICA_URL:-}"
    shown = run([sys.executable, "-c", SHOW_DATABASES], DATABASE_REPLICA_URL="")
    assert shown.returncode == 0 and json.loads(shown.stdout) == ["default"], shown.stderr


SHOW_DATABASES = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(sorted(s.DATABASES)))"
)
