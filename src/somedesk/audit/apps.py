from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from somedesk.lib.navigation import NavItem


class AuditConfig(AppConfig):
    name = "somedesk.audit"
    label = "audit"
    verbose_name = _("Revisjonslogg")
    nav_items = [NavItem(80, _("Revisjonslogg"), "audit:log", "audit.view_auditevent")]
    role_permissions = {
        "arkivar": {"audit.view_auditevent"},
        "leder": {"audit.view_auditevent"},
    }
