"""The hello example (httpkit alone) answers 200 at the URL the dev server prints."""

from __future__ import annotations

import re

from tests._serve import BIN, request, serving

TARGET = "examples.hello.app:application"


def test_hello_example_serves_its_pages() -> None:
    cmd = [str(BIN / "manouche-serve"), TARGET, "--host", "127.0.0.1", "--port", "0"]
    with serving(cmd, r"Serving on (http://127\.0\.0\.1:\d+/)") as url:
        status, headers, body = request(url, "GET", "/")
        assert status == 200
        nonce = re.search(r"'nonce-([\w-]+)'", headers["Content-Security-Policy"])
        assert nonce and f'<script nonce="{nonce.group(1)}">' in body
        assert headers["X-Frame-Options"] == "DENY"
        assert request(url, "GET", "/hello/?name=<x>")[2].count("&lt;x&gt;") == 1
        assert request(url, "GET", "/hello")[0] == 301
        assert request(url, "GET", "/nowhere/")[0] == 404
