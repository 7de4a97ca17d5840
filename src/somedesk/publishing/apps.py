from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from somedesk.lib.navigation import NavItem


class PublishingConfig(AppConfig):
    name = "somedesk.publishing"
    label = "publishing"
    verbose_name = _("Publisering")
    nav_items = [NavItem(40, _("Publisering"), "publishing:list", "publishing.view_publication")]
    # The guideline gives the service desk editor responsibility for publishing (3.1); the editor and the
    # manager approve. Nobody approves their own text.
    role_permissions = {
        "servicetorg": {"publishing.view_publication", "publishing.add_publication"},
        "redaktor": {
            "publishing.view_publication",
            "publishing.add_publication",
            "publishing.approve_publication",
        },
        "leder": {"publishing.view_publication", "publishing.approve_publication"},
    }

    def demo_load(self, organisation, stdout=None):
        from somedesk.publishing.demo import load

        load(organisation, stdout)
