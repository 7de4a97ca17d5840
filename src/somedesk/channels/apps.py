from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from somedesk.lib.navigation import NavItem


class ChannelsConfig(AppConfig):
    name = "somedesk.channels"
    label = "channels"
    verbose_name = _("Kanaler")
    nav_items = [NavItem(80, _("Kanaler"), "channels:list", "channels.view_channelconnection")]
    role_permissions = {
        "servicetorg": {
            "channels.view_channelconnection",
            "channels.reconnect_channel",
            "channels.view_outgoingaction",
        },
        "redaktor": {"channels.view_channelconnection", "channels.view_outgoingaction"},
        "leder": {"channels.view_channelconnection"},
    }

    def ready(self):
        from somedesk.channels import checks  # noqa: F401  (registers the system checks)

    def demo_load(self, organisation, stdout):
        """Give the demo's channels a connection in webhook-less mode, so `make demo` shows the status
        page; with the fake Graph API running, `somedesk channel reconnect` gives them tokens."""
        from somedesk.channels.models import ChannelConnection

        for channel in organisation.channels.all():
            conn, created = ChannelConnection.objects.get_or_create(channel=channel)
            if created and channel.platform == "local":
                conn.webhookless = True
                conn.save(update_fields=["webhookless"])
