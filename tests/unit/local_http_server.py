"""A real HTTP server on 127.0.0.1 (random port, own thread) serving generated files: the tests' stand-in for
DfE, GIAS, Ofsted and the EES API. Nothing in the tests ever reaches the internet.

Each route can answer with ETag / Last-Modified (and 304 to a matching conditional request), fail first with
given statuses (e.g. two 503s), or drop the connection part-way through the body.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes
    content_type: str = "text/csv"
    etag: str | None = None
    last_modified: str | None = None
    content_disposition: str | None = None
    fail_with: list[int] = field(default_factory=list)  # statuses answered (once each) before the body
    drop_mid_body: int = 0  # how many GETs send half the body and then cut the connection (-1: all)


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep pytest output quiet
                pass

            def do_HEAD(self) -> None:
                server._answer(self, head=True)

            def do_GET(self) -> None:
                server._answer(self, head=False)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def serve(self, path: str, route: Route) -> Route:
        self.routes[path] = route
        return route

    def requests_for(self, path: str, method: str | None = None) -> list[SeenRequest]:
        return [r for r in self.requests if r.path == path and (method is None or r.method == method)]

    def _answer(self, handler: BaseHTTPRequestHandler, head: bool) -> None:
        with self._lock:
            self.requests.append(SeenRequest(handler.command, handler.path, dict(handler.headers.items())))
            route = self.routes.get(handler.path)
            failure = route.fail_with.pop(0) if route and route.fail_with else None
            drop = bool(route and not head and route.drop_mid_body != 0)
            if drop and route.drop_mid_body > 0:
                route.drop_mid_body -= 1
        if route is None or failure is not None:
            status = failure or 404
            handler.send_response(status)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if (route.etag and handler.headers.get("If-None-Match") == route.etag) or (
            route.last_modified and handler.headers.get("If-Modified-Since") == route.last_modified
        ):
            handler.send_response(304)
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("Content-Type", route.content_type)
        handler.send_header("Content-Length", str(len(route.body)))
        for name, value in (
            ("ETag", route.etag),
            ("Last-Modified", route.last_modified),
            ("Content-Disposition", route.content_disposition),
        ):
            if value:
                handler.send_header(name, value)
        handler.end_headers()
        if head:
            return
        if drop:
            handler.wfile.write(route.body[: len(route.body) // 2])
            handler.wfile.flush()
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        handler.wfile.write(route.body)
