from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from somedesk.lib.navigation import NavItem


class InboxConfig(AppConfig):
    name = "somedesk.inbox"
    label = "inbox"
    verbose_name = _("Innboks")
    nav_items = [NavItem(10, _("Innboks"), "inbox:list", "inbox.view_comment")]
    everyone = {"inbox.view_comment", "inbox.view_post", "inbox.view_channel"}
    role_permissions = {
        "servicetorg": everyone | {"inbox.view_rawevent", "inbox.add_comment", "inbox.change_channel"},
        "redaktor": everyone | {"inbox.view_rawevent"},
        "fagperson": everyone,
        "arkivar": everyone,
        "leder": everyone,
    }
