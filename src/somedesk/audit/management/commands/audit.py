"""`somedesk audit verify`: walk the whole hash chain; exit non-zero naming the first broken event."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from somedesk.audit.models import AuditEvent
from somedesk.audit.services import verify_chain


class Command(BaseCommand):
    help = _("Revisjonsloggen: «verify» kontrollerer hele hash-kjeden.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help=_("kontroller at ingen hendelse er endret eller fjernet"))
        verify.add_argument("--no-progress", action="store_true", help=_("ingen fremdriftsindikator"))

    def handle(self, *args, action, **options):
        if action == "verify":
            self.verify(no_progress=options.get("no_progress", False), verbosity=options["verbosity"])

    def verify(self, *, no_progress: bool, verbosity: int) -> None:
        total = AuditEvent.objects.count()
        with tqdm(
            total=total,
            unit=_(" hendelser"),
            desc=_("Kontrollerer"),
            dynamic_ncols=True,
            disable=no_progress or verbosity == 0,
        ) as bar:
            problem = verify_chain(progress=bar.update)
        if problem is not None:
            raise CommandError(
                _("Revisjonskjeden er brutt ved hendelse %(id)s: %(why)s")
                % {"id": problem.event_id, "why": problem.message}
            )
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Revisjonskjeden er hel: %(count)s hendelser kontrollert.") % {"count": total}
                )
            )
