from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from somedesk.lib.navigation import NavItem


class RepliesConfig(AppConfig):
    name = "somedesk.replies"
    label = "replies"
    verbose_name = _("Svar")
    nav_items = [NavItem(20, _("Køer"), "replies:queue_default", "replies.view_deskitem")]
    _work = {
        "replies.view_deskitem",
        "replies.work_deskitem",
        "replies.add_reply",
        "replies.view_reply",
        "replies.view_desknote",
        "replies.add_desknote",
    }
    role_permissions = {
        "servicetorg": _work | {"replies.view_response_times"},
        "redaktor": _work | {"replies.view_response_times"},
        "fagperson": _work | {"replies.view_response_times"},
        "arkivar": {"replies.view_deskitem", "replies.view_reply", "replies.view_response_times"},
        "leder": {
            "replies.view_deskitem",
            "replies.view_reply",
            "replies.view_desknote",
            "replies.view_response_times",
        },
    }

    def demo_load(self, organisation, stdout):
        from somedesk.replies.demo import load

        load(organisation, stdout)
