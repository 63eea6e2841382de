"""A tiny real-HTTP client for the attack tests: explicit cookies, headers and forms."""

from __future__ import annotations

import http.client
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit


class Browser:
    """Keeps its own cookie jar for one origin; sends exactly the headers given."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        *,
        cookies: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        sent = dict(headers or {})
        jar = self.cookies if cookies is None else cookies
        if jar:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.msg.get_all("Set-Cookie") or []:
                parsed = SimpleCookie()
                parsed.load(value)
                for name, morsel in parsed.items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        jar.pop(name, None)
                    else:
                        jar[name] = morsel.value
            return response.status, dict(response.getheaders()), text
        finally:
            conn.close()

    def get(self, path: str, **kw: object) -> tuple[int, dict[str, str], str]:
        return self.request("GET", path, **kw)  # type: ignore[arg-type]

    def post(
        self, path: str, form: dict[str, str], **kw: object
    ) -> tuple[int, dict[str, str], str]:
        return self.request("POST", path, form, **kw)  # type: ignore[arg-type]
