"""The five roles of the desk. Each is a Django group; what a role may do is collected from every
app's AppConfig.role_permissions, so an app that adds a capability also says who gets it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SERVICETORG = "servicetorg", _("Servicetorg / sideadministrator")  # the service desk, page admin
    REDAKTOR = "redaktor", _("Redaktør")
    FAGPERSON = "fagperson", _("Fagperson")  # staff answering professional questions, signs with name
    ARKIVAR = "arkivar", _("Arkivar")
    LEDER = "leder", _("Leder")


def collect_role_permissions() -> dict[str, set[str]]:
    from django.apps import apps

    result: dict[str, set[str]] = {role.value: set() for role in Role}
    for config in apps.get_app_configs():
        for role, perms in getattr(config, "role_permissions", {}).items():
            result[role].update(perms)
    return result


def sync_role_groups(sender=None, **kwargs) -> None:
    """Create the role groups and give them exactly the permissions the apps declare.

    post_migrate fires once per app; only the last app's turn comes after every app's permissions exist.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not None and sender is not with_models[-1]:
        return

    for role, perms in collect_role_permissions().items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for dotted in sorted(perms):
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is None:
                raise LookupError(f"Role {role!r} names unknown permission {dotted!r}")
            wanted.append(perm)
        group.permissions.set(wanted)
