"""Broken Meta configuration shows up in `somedesk check`, not at the first token.

Unset values are not reported here (a desk may run without channels; `check --deploy` stays clean with
only the base production settings): an unset META_APP_SECRET refuses every webhook with a logged error,
and an unset SOMEDESK_FERNET_KEY refuses to store a token with a clear message. A value that is set but
unusable is an error."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def meta_settings(app_configs=None, **kwargs):
    messages = []
    key = settings.SOMEDESK_FERNET_KEY
    if key:
        try:
            Fernet(key.encode() if isinstance(key, str) else key)
        except (ValueError, TypeError):
            messages.append(
                checks.Error(
                    "SOMEDESK_FERNET_KEY is not a valid Fernet key (32 url-safe base64-encoded bytes).",
                    hint='Generate one: python -c "from cryptography.fernet import Fernet; '
                    'print(Fernet.generate_key().decode())"',
                    id="somedesk.E110",
                )
            )
    if settings.META_APP_SECRET and len(settings.META_APP_SECRET) < 16:
        messages.append(
            checks.Warning("META_APP_SECRET looks too short to be a Meta app secret.", id="somedesk.W110")
        )
    return messages
