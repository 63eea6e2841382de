"""A small site built from manouche.httpkit alone.

Run it from the repository root::

    python3 dev.py demo
    # or: manouche-serve examples.hello.app:application --reload

It shows views as functions and classes, a redirect, the security headers
(with a Content-Security-Policy whose per-request nonce the page uses for its
inline script), append-slash redirects, gzip and conditional GET.
"""

from __future__ import annotations

import html
import json

import webob

from manouche.httpkit import (
    CSP,
    AllowedHostsMiddleware,
    CommonMiddleware,
    ConditionalGetMiddleware,
    GZipMiddleware,
    Http404,
    RedirectView,
    RequestBodyLimitMiddleware,
    SecurityMiddleware,
    View,
    XFrameOptionsMiddleware,
    get_csp_nonce,
    make_wsgi_app,
    require_safe,
)

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} · Manouche</title>
<style nonce="{nonce}">
  body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 40em; margin: 3em auto; }}
  nav a {{ margin-right: 1em; }}
</style>
</head>
<body>
<nav><a href="/">Home</a><a href="/hello/">Hello</a><a href="/api/time/">API</a></nav>
<h1>{title}</h1>
{content}
<p id="js"></p>
<script nonce="{nonce}">
  document.getElementById("js").textContent =
    "This inline script runs because it carries the request's CSP nonce.";
</script>
</body>
</html>
"""


def render(request: webob.Request, title: str, content: str) -> webob.Response:
    """Fill the page; every value that comes from the request is escaped."""
    body = PAGE.format(title=html.escape(title), content=content, nonce=get_csp_nonce(request))
    return webob.Response(body, content_type="text/html", charset="utf-8")


@require_safe
def home(request: webob.Request) -> webob.Response:
    return render(
        request,
        "Manouche",
        "<p>Django's batteries without Django's framework. This page is served by "
        "<code>manouche.httpkit</code>: views, middleware, security headers.</p>",
    )


class HelloView(View):
    """GET shows a form; POST greets, escaping the name."""

    greeting = "Hello"

    def get(self, request: webob.Request) -> webob.Response:
        name = request.GET.get("name", "")
        if name:
            content = f"<p>{html.escape(self.greeting)}, {html.escape(name)}!</p>"
        else:
            content = (
                '<form><input name="name" placeholder="Your name"><button>Greet</button></form>'
            )
        return render(request, "Hello", content)

    def post(self, request: webob.Request) -> webob.Response:
        name = request.POST.get("name", "stranger")
        return render(
            request, "Hello", f"<p>{html.escape(self.greeting)}, {html.escape(name)}!</p>"
        )


@require_safe
def api_time(request: webob.Request) -> webob.Response:
    import datetime

    now = datetime.datetime.now(datetime.UTC).isoformat()
    return webob.Response(
        json.dumps({"now": now}), content_type="application/json", charset="utf-8"
    )


ROUTES = {
    "/": home,
    "/hello/": HelloView.as_view(),
    "/api/time/": api_time,
    "/greet/": RedirectView.as_view(url="/hello/", query_string=True),
}


def dispatch(request: webob.Request) -> webob.Response:
    """The smallest router: exact paths. (manouche-urlmap does the real thing.)"""
    view = ROUTES.get(request.path_info)
    if view is None:
        raise Http404(request.path_info)
    return view(request)


application = make_wsgi_app(
    dispatch,
    [
        # Outermost, so every response gets the security headers, error pages included.
        SecurityMiddleware.configure(
            csp={
                "default-src": [CSP.SELF],
                "script-src": [CSP.SELF, CSP.NONCE],
                "style-src": [CSP.SELF, CSP.NONCE],
                "frame-ancestors": [CSP.NONE],
            }
        ),
        XFrameOptionsMiddleware,
        AllowedHostsMiddleware.configure(allowed_hosts=["localhost", "127.0.0.1", "[::1]"]),
        RequestBodyLimitMiddleware.configure(max_body_size=64 * 1024),
        CommonMiddleware.configure(is_valid_path=lambda path: path in ROUTES),
        GZipMiddleware,
        ConditionalGetMiddleware,
    ],
)
