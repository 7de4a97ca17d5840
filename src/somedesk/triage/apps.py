from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "somedesk.triage"
    label = "triage"
    verbose_name = _("Vurdering")
    _desk = {"triage.view_triagedecision", "triage.correct_triagedecision"}
    role_permissions = {
        "servicetorg": _desk | {"triage.export_triagedecision"},
        "redaktor": _desk | {"triage.export_triagedecision"},
        "fagperson": {"triage.view_triagedecision"},
        "arkivar": {"triage.view_triagedecision"},
        "leder": {"triage.view_triagedecision", "triage.export_triagedecision"},
    }

    def prefetch_comment_rows(self, comments):
        """Called by the inbox for each page of rows and each thread: one query for all decisions."""
        from somedesk.triage.selectors import decisions_current_for

        decisions_current_for(comments)

    def ready(self):
        # The policy is read (and refused if broken) at start; the engine loads lazily on first use.
        from somedesk.triage import checks, receivers  # noqa: F401  (checks register themselves)

        receivers.connect()
