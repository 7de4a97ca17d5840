"""Tokens are encrypted at rest with Fernet; the key comes from SOMEDESK_FERNET_KEY and nowhere else."""

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _


class MissingKey(ImproperlyConfigured):
    pass


def _fernet() -> Fernet:
    key = getattr(settings, "SOMEDESK_FERNET_KEY", "")
    if not key:
        raise MissingKey(
            _(
                "SOMEDESK_FERNET_KEY er ikke satt, så tilgangsnøkler kan ikke lagres kryptert. Lag en nøkkel med "
                '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"` '
                "og sett den i miljøet."
            )
        )
    try:
        return Fernet(key.encode() if isinstance(key, str) else key)
    except (ValueError, TypeError) as exc:
        raise MissingKey(_("SOMEDESK_FERNET_KEY er ikke en gyldig Fernet-nøkkel.")) from exc


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise MissingKey(_("Tilgangsnøkkelen kan ikke dekrypteres med SOMEDESK_FERNET_KEY.")) from exc
