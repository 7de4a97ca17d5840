from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from somedesk.lib.navigation import NavItem


class AccountsConfig(AppConfig):
    name = "somedesk.accounts"
    label = "accounts"
    verbose_name = _("Brukere og roller")
    nav_items = [NavItem(90, _("Brukere"), "accounts:users", "accounts.view_user")]
    role_permissions = {"leder": {"accounts.view_user"}}

    def ready(self):
        from somedesk.accounts.roles import sync_role_groups

        # Runs after every app's migrations, so all permissions exist by then.
        post_migrate.connect(sync_role_groups, dispatch_uid="somedesk.sync_role_groups")
