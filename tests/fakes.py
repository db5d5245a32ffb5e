"""Local stand-ins for what cannot exist here (an SMS gateway, Telegram's Bot API), as real HTTP servers."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeHttpServer:
    """A local stand-in for an external HTTP API (the SMS gateway, Telegram's Bot API) on 127.0.0.1.

    `statuses` are answered in order (the last one repeats); `json_body` is returned with each answer.
    Every request is recorded as (path, headers, body).
    """

    def __init__(self):
        self.requests: list[tuple[str, dict, bytes]] = []
        # When each request arrived (time.time()), in the same order: for tests of a sending pace.
        self.times: list[float] = []
        self.statuses: list[int] = [200]
        self.json_body: dict | None = None
        self.responses: dict[str, dict] = {}
        # Files served to GET requests by path (Telegram's file downloads).
        self.files: dict[str, bytes] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                server.requests.append((self.path, dict(self.headers), body))
                server.times.append(time.time())
                status = server.statuses.pop(0) if len(server.statuses) > 1 else server.statuses[0]
                method = self.path.rsplit("/", 1)[-1]
                payload = server.responses.get(method, server.json_body or {"ok": status < 400, "result": {}})
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                content = server.files.get(self.path)
                self.send_response(200 if content is not None else 404)
                self.send_header("Content-Length", str(len(content or b"")))
                self.end_headers()
                self.wfile.write(content or b"")

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


class FakeSmsGateway:
    """An SMS gateway on 127.0.0.1 that honours `Idempotency-Key`, as a gateway that supports it does.

    A POST whose key it has seen is answered as before and not sent again. `deliveries` counts the texts it
    sent per key, `posts_per_key` the POSTs received; `delay` seconds per POST makes a worker's run long enough
    to kill it in the middle.
    """

    def __init__(self, *, delay: float = 0.0):
        self.deliveries: dict[str, int] = {}
        self.posts_per_key: dict[str, int] = {}
        self.delay = delay
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                key = self.headers.get("Idempotency-Key", "")
                time.sleep(gateway.delay)
                with gateway.lock:
                    gateway.posts_per_key[key] = gateway.posts_per_key.get(key, 0) + 1
                    # A key seen before gets the same answer and no second text; no key, a text each time.
                    if gateway.posts_per_key[key] == 1 or not key:
                        gateway.deliveries[key] = gateway.deliveries.get(key, 0) + 1
                data = b'{"ok": true}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                """Keep the fake gateway's access log out of the test output."""

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/send"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
