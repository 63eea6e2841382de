"""manouche.httpkit: views, Django-style middleware, security headers and a dev server, on WebOb."""

from manouche.httpkit._base import BaseMiddleware
from manouche.httpkit.collectstatic import (
    CollectResult,
    CollectStaticError,
    StaticManifest,
    collectstatic,
)
from manouche.httpkit.common import CommonMiddleware
from manouche.httpkit.compression import GZipMiddleware, compress_string, patch_vary_headers
from manouche.httpkit.conditional import (
    ConditionalGetMiddleware,
    get_conditional_response,
    parse_etags,
    parse_http_date_safe,
    quote_etag,
)
from manouche.httpkit.decorators import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)
from manouche.httpkit.errors import (
    bad_request,
    page_not_found,
    permission_denied,
    request_too_large,
    server_error,
    technical_500_response,
)
from manouche.httpkit.exceptions import (
    BadRequest,
    DisallowedHost,
    Http404,
    MalformedRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from manouche.httpkit.handlers import WSGIHandler, make_wsgi_app
from manouche.httpkit.hosts import (
    AllowedHostsMiddleware,
    get_host,
    is_same_domain,
    split_domain_port,
    validate_host,
)
from manouche.httpkit.limits import DEFAULT_MAX_BODY_SIZE, LimitedStream, RequestBodyLimitMiddleware
from manouche.httpkit.request import (
    DEFAULT_MAX_NUMBER_FIELDS,
    DEFAULT_MAX_NUMBER_FILES,
    Request,
    get_csp_nonce,
)
from manouche.httpkit.security import (
    CSP,
    SecurityMiddleware,
    XFrameOptionsMiddleware,
    xframe_options_exempt,
)
from manouche.httpkit.static import StaticFiles, StaticMount
from manouche.httpkit.types import (
    ErrorHandler,
    Handler,
    Middleware,
    StartResponse,
    WSGIApplication,
    WSGIEnvironment,
)
from manouche.httpkit.types import (
    View as ViewFunction,
)
from manouche.httpkit.views import RedirectView, View

__all__ = [
    "CSP",
    "DEFAULT_MAX_BODY_SIZE",
    "DEFAULT_MAX_NUMBER_FIELDS",
    "DEFAULT_MAX_NUMBER_FILES",
    "AllowedHostsMiddleware",
    "BadRequest",
    "BaseMiddleware",
    "CollectResult",
    "CollectStaticError",
    "CommonMiddleware",
    "ConditionalGetMiddleware",
    "DisallowedHost",
    "ErrorHandler",
    "GZipMiddleware",
    "Handler",
    "Http404",
    "LimitedStream",
    "MalformedRequest",
    "Middleware",
    "PermissionDenied",
    "RedirectView",
    "Request",
    "RequestBodyLimitMiddleware",
    "RequestDataTooBig",
    "SecurityMiddleware",
    "StartResponse",
    "StaticFiles",
    "StaticManifest",
    "StaticMount",
    "SuspiciousOperation",
    "TooManyFieldsSent",
    "TooManyFilesSent",
    "View",
    "ViewFunction",
    "WSGIApplication",
    "WSGIEnvironment",
    "WSGIHandler",
    "XFrameOptionsMiddleware",
    "bad_request",
    "collectstatic",
    "compress_string",
    "get_conditional_response",
    "get_csp_nonce",
    "get_host",
    "is_same_domain",
    "make_wsgi_app",
    "page_not_found",
    "parse_etags",
    "parse_http_date_safe",
    "patch_vary_headers",
    "permission_denied",
    "quote_etag",
    "request_too_large",
    "require_GET",
    "require_POST",
    "require_http_methods",
    "require_safe",
    "server_error",
    "split_domain_port",
    "technical_500_response",
    "validate_host",
    "xframe_options_exempt",
]
