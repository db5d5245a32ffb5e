import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class FakeHttpServer:
    """A local stand-in for an external HTTP API (the SMS gateway, Telegram's Bot API) on 127.0.0.1.

    `statuses` are answered in order (the last one repeats); `json_body` is returned with each answer.
    Every request is recorded as (path, headers, body).
    """

    def __init__(self):
        self.requests: list[tuple[str, dict, bytes]] = []
        self.statuses: list[int] = [200]
        self.json_body: dict | None = None
        self.responses: dict[str, dict] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                server.requests.append((self.path, dict(self.headers), body))
                status = server.statuses.pop(0) if len(server.statuses) > 1 else server.statuses[0]
                method = self.path.rsplit("/", 1)[-1]
                payload = server.responses.get(method, server.json_body or {"ok": status < 400, "result": {}})
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                """Keep the fake gateway's access log out of the test output."""

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fake_http():
    with FakeHttpServer() as server:
        yield server


@pytest.fixture
def sms_gateway(fake_http, settings):
    settings.NOTIFICATIONS_SMS_BACKEND = "http"
    settings.NOTIFICATIONS_SMS_GATEWAY_URL = f"{fake_http.url}/send"
    settings.NOTIFICATIONS_SMS_GATEWAY_USERNAME = "portal"
    settings.NOTIFICATIONS_SMS_GATEWAY_PASSWORD = "s3cret"
    settings.NOTIFICATIONS_SMS_SENDER_ID = "NSSF"
    return fake_http


@pytest.fixture
def telegram_api(fake_http, settings):
    settings.TELEGRAM_BOT_TOKEN = "123:TEST"
    settings.TELEGRAM_BOT_USERNAME = "forum_test_bot"
    settings.TELEGRAM_API_BASE = fake_http.url
    return fake_http


@pytest.fixture(autouse=True)
def _notification_settings(settings, tmp_path):
    """SMS to files in a temporary folder, quick retries; each test changes what it needs."""
    settings.NOTIFICATIONS_SMS_BACKEND = "file"
    settings.NOTIFICATIONS_SMS_FILE_DIR = str(tmp_path / "sms")
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.TELEGRAM_BOT_TOKEN = ""
    settings.TELEGRAM_BOT_USERNAME = ""
