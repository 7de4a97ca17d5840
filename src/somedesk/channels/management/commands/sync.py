"""`somedesk sync [--channel ID] [--days N]`: poll now, in this process (same service as the worker)."""

from django.core.management.base import BaseCommand, CommandError

from somedesk.channels import services


class Command(BaseCommand):
    help = "Fetch posts and comments from the platforms now (resumes from saved cursors)."

    def add_arguments(self, parser):
        parser.add_argument("--channel", help="channel id or external id (default: every active channel)")
        parser.add_argument("--days", type=int, default=None, help="how far back (default: the poll window)")

    def handle(self, *args, **options):
        from somedesk.inbox.models import Channel

        qs = Channel.objects.exclude(platform="local")
        if options["channel"]:
            ref = options["channel"]
            qs = qs.filter(external_id=ref) | (qs.filter(pk=int(ref)) if ref.isdigit() else qs.none())
            if not qs.exists():
                raise CommandError(f"no channel {ref}")
        else:
            qs = qs.filter(status="active")
        for channel in qs:
            result = services.channel_poll(channel, days=options["days"])
            note = f" (stopped: {result.stopped})" if result.stopped else ""
            self.stdout.write(
                f"{channel}: {result.pages} pages, {result.posts} posts, {result.comments} comments{note}"
            )
