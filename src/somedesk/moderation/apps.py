from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from somedesk.lib.navigation import NavItem


class ModerationConfig(AppConfig):
    name = "somedesk.moderation"
    label = "moderation"
    verbose_name = _("Moderering")
    nav_items = [
        NavItem(30, _("Fjernet / til vurdering"), "moderation:review_queue", "moderation.view_evidence")
    ]
    _desk = {
        "moderation.view_evidence",
        "moderation.view_review",
        "moderation.moderate_comment",
        "moderation.review_moderation",
    }
    role_permissions = {
        "servicetorg": _desk,
        "redaktor": _desk,
        "fagperson": set(),
        "arkivar": {"moderation.view_evidence", "moderation.view_review"},
        "leder": {"moderation.view_evidence", "moderation.view_review"},
    }

    def ready(self):
        # Connected after triage's receiver (triage is earlier in INSTALLED_APPS): see receivers.py.
        from somedesk.moderation import checks, receivers  # noqa: F401  (checks register themselves)

        receivers.connect()

    def demo_load(self, organisation, stdout):
        from somedesk.moderation.demo import load

        load(organisation, stdout)
