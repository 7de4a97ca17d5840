"""Answer Meta's webhook POSTs before the middleware a webhook does not need.

Why a middleware, and why here (second, right after SecurityMiddleware): a webhook POST is signed
machine traffic, not a browser. Sessions, the language choice, CSRF, authentication and messages
do nothing useful for it but cost CPU on every event (Meta sends one per comment, edit and reaction).
Placed right after SecurityMiddleware, the webhook keeps what matters of it (HTTPS redirect, HSTS,
nosniff, referrer policy) and skips the rest. A middleware rather than a WSGI dispatch in
``somedesk/wsgi.py`` because it stays inside Django's request cycle: database connections are
opened, health-checked and closed by the request_started/request_finished signals as for every
other request (CONN_MAX_AGE), an exception becomes a logged 500 as everywhere else, and the test
server (pytest-django's live_server) runs exactly this code, so the tests cover what production runs.
The rest of the Django stack (URL resolving, the view) costs little next to the middleware skipped.

Only POSTs to the two webhook paths are answered here; GET verification and every other request
go through the full stack unchanged."""

from django.urls import reverse

from somedesk.channels.webhooks import PLATFORMS, receive_post


class WebhookMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.paths: dict[str, str] | None = None

    def __call__(self, request):
        if request.method == "POST":
            if self.paths is None:  # the URLconf is not ready when middleware is instantiated
                self.paths = {reverse(f"webhook_{platform}"): platform for platform in PLATFORMS}
            platform = self.paths.get(request.path)
            if platform is not None:
                return receive_post(request, platform)
        return self.get_response(request)
