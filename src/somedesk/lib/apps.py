from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "somedesk.lib"
    label = "lib"
