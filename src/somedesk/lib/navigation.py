"""Each app declares its own menu entries in its AppConfig, so no shared file lists them all.

An AppConfig sets `nav_items = [NavItem(...), ...]`; the context processor shows an item only
to users who hold its permission.
"""

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class NavItem:
    order: int
    label: str  # a lazy translation
    url_name: str
    permission: str  # "app_label.codename"; "" = any logged-in user


def nav_items_for(user) -> list[NavItem]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        for item in getattr(config, "nav_items", ()):
            if not item.permission or user.has_perm(item.permission):
                items.append(item)
    return sorted(items, key=lambda item: item.order)
