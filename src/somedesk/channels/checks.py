"""Misconfiguration of the Meta connection shows up in `somedesk check`, not at the first webhook."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def meta_settings(app_configs=None, **kwargs):
    messages = []
    if not settings.META_APP_SECRET:
        messages.append(checks.Warning(
            "META_APP_SECRET is not set: every webhook event will be refused (403).",
            hint="Set META_APP_SECRET to the Meta app's secret.", id="somedesk.W110"))
    if not settings.META_VERIFY_TOKEN:
        messages.append(checks.Warning(
            "META_VERIFY_TOKEN is not set: Meta cannot verify the webhook endpoints.",
            hint="Set META_VERIFY_TOKEN to the token entered in the app's webhook settings.", id="somedesk.W111"))
    key = settings.SOMEDESK_FERNET_KEY
    if not key:
        messages.append(checks.Warning(
            "SOMEDESK_FERNET_KEY is not set: access tokens cannot be stored, so no channel can be connected.",
            hint='Generate one: python -c "from cryptography.fernet import Fernet; '
                 'print(Fernet.generate_key().decode())"', id="somedesk.W112"))
    else:
        try:
            Fernet(key.encode() if isinstance(key, str) else key)
        except (ValueError, TypeError):
            messages.append(checks.Error("SOMEDESK_FERNET_KEY is not a valid Fernet key (32 url-safe base64 bytes).",
                                         id="somedesk.E110"))
    return messages
