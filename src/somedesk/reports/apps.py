from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from somedesk.lib.navigation import NavItem


class ReportsConfig(AppConfig):
    name = "somedesk.reports"
    label = "reports"
    verbose_name = _("Rapporter")
    nav_items = [NavItem(60, _("Svartider"), "reports:response_times", "replies.view_response_times")]
