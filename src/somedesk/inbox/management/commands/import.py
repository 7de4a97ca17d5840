"""`somedesk import FILE [--channel ID] [--organisation ORGNR]`: a Graph page feed or JSON Lines."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from somedesk.inbox.importer import ImportFormatError
from somedesk.inbox.models import Channel, Organisation
from somedesk.inbox.services import ImportSetupError, feed_import, import_settle


class Command(BaseCommand):
    help = _("Importer innlegg og kommentarer fra en Graph API-feed (JSON) eller JSON Lines.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("JSON-fil (side-feed) eller JSON Lines (ett innlegg per linje)"))
        parser.add_argument(
            "--channel",
            help=_(
                "kanalens eksterne id (side-id) eller database-id; "
                "uten denne hentes siden fra innleggs-id-ene"
            ),
        )
        parser.add_argument(
            "--organisation", help=_("organisasjonsnummer (eller database-id) for kanaler som må opprettes")
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=5000,
            help=_("omtrent så mange kommentarer per transaksjon (standard 5000)"),
        )
        parser.add_argument("--no-progress", action="store_true", help=_("ingen fremdriftsindikator"))

    def handle(
        self, *args, file, channel=None, organisation=None, batch_size=5000, no_progress=False, **options
    ):
        channel_obj = _channel(channel) if channel else None
        organisation_obj = _organisation(organisation) if organisation else None
        bar = tqdm(
            total=None,
            unit=" " + _("kommentarer"),
            disable=no_progress or options["verbosity"] == 0,
            desc=_("Importerer"),
            dynamic_ncols=True,
        )
        try:
            result = feed_import(
                file,
                channel=channel_obj,
                organisation=organisation_obj,
                batch_size=max(1, batch_size),
                progress=_progress(bar),
            )
        except ImportFormatError as exc:
            raise CommandError(
                _("Importen ble stoppet, ingenting fra filen er lagret: %(error)s") % {"error": exc}
            ) from None
        except ImportSetupError as exc:
            raise CommandError(str(exc)) from None
        finally:
            bar.close()
        bar = tqdm(
            total=None,
            unit=" " + _("kommentarer"),
            disable=no_progress or options["verbosity"] == 0,
            desc=_("Vurderer"),
            dynamic_ncols=True,
        )
        try:
            settled = import_settle(result, progress=_progress(bar))
        finally:
            bar.close()
        if options["verbosity"] == 0:
            return
        for created in result.channels_created:
            self.stdout.write(
                _("Opprettet kanal %(name)s (side %(page)s) i %(org)s.")
                % {"name": created.name, "page": created.external_id, "org": created.organisation}
            )
        ingest = result.ingest
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Lest %(posts)s innlegg og %(comments)s kommentarer: %(posts_new)s nye innlegg, "
                    "%(comments_new)s nye og %(comments_changed)s endrede kommentarer, %(revisions)s nye versjoner, "
                    "%(skipped)s innlegg var importert fra før."
                )
                % {
                    "posts": result.posts,
                    "comments": result.comments,
                    "posts_new": ingest.posts_created,
                    "comments_new": ingest.comments_created,
                    "comments_changed": ingest.comments_updated,
                    "revisions": ingest.revisions,
                    "skipped": result.skipped,
                }
            )
        )
        self.stdout.write(_("%(n)s kommentarer er vurdert etter retningslinjen.") % {"n": settled})


def _progress(bar):
    def update(n: int, total: int | None = None) -> None:
        if total is not None:
            bar.total = total
            bar.refresh()
        else:
            bar.update(n)

    return update


def _channel(value: str) -> Channel:
    channel = Channel.objects.filter(external_id=value).first()
    if channel is None and value.isdigit():
        channel = Channel.objects.filter(pk=int(value)).first()
    if channel is None:
        raise CommandError(_("Fant ingen kanal med id %(id)s.") % {"id": value})
    return channel


def _organisation(value: str) -> Organisation:
    organisation = Organisation.objects.filter(org_number=value.replace(" ", "")).first()
    if organisation is None and value.isdigit() and len(value) < 9:
        organisation = Organisation.objects.filter(pk=int(value)).first()
    if organisation is None:
        raise CommandError(_("Fant ingen organisasjon %(id)s.") % {"id": value})
    return organisation
