"""`somedesk channel add|list|reconnect|webhookless`: the same form and services as the channels page.

Tokens are read from stdin (`--token-stdin`), an environment variable (`--token-env NAME`) or a prompt,
never from the command line, where other users could read them in the process list."""

import getpass
import os
import sys

from django.core.management.base import BaseCommand, CommandError

from somedesk.channels import services
from somedesk.channels.crypto import MissingKey
from somedesk.channels.forms import ChannelConnectForm, ReconnectForm


def _read_token(options, required: bool) -> str:
    if options.get("token_stdin"):
        return sys.stdin.readline().strip()
    if options.get("token_env"):
        value = os.environ.get(options["token_env"], "")
        if not value:
            raise CommandError(f"environment variable {options['token_env']} is empty")
        return value
    if required and sys.stdin.isatty():
        return getpass.getpass("Access token (not shown): ").strip()
    return ""


class Command(BaseCommand):
    help = "Connect and list Facebook pages and Instagram accounts."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="connect a page / account")
        add.add_argument("platform", choices=["facebook", "instagram", "local"])
        add.add_argument("external_id", help="the page id or Instagram professional account id")
        add.add_argument("--name", required=True)
        add.add_argument("--organisation", required=True, help="organisation number (9 digits) or id")
        add.add_argument("--token-stdin", action="store_true")
        add.add_argument("--token-env", default="")
        add.add_argument("--backfill-days", type=int, default=14)
        add.add_argument("--webhookless", action="store_true", help="demo mode: poll every minute")
        add.add_argument("--dry-run", action="store_true")
        sub.add_parser("list", help="list channels with their status")
        rec = sub.add_parser("reconnect", help="give a channel a new token")
        rec.add_argument("channel", help="channel id or external id")
        rec.add_argument("--token-stdin", action="store_true")
        rec.add_argument("--token-env", default="")
        wl = sub.add_parser("webhookless", help="switch webhook-less (demo) polling on or off")
        wl.add_argument("channel")
        wl.add_argument("--off", action="store_true")

    def handle(self, *args, **options):
        return getattr(self, f"do_{options['action']}")(options)

    def _channel(self, ref):
        from somedesk.inbox.models import Channel

        channel = Channel.objects.filter(external_id=ref).first()
        if channel is None and str(ref).isdigit():
            channel = Channel.objects.filter(pk=int(ref)).first()
        if channel is None:
            raise CommandError(f"no channel {ref}")
        return channel

    def do_add(self, options):
        from somedesk.inbox.models import Organisation

        org_ref = options["organisation"]
        org = Organisation.objects.filter(org_number=org_ref.replace(" ", "")).first()
        if org is None and org_ref.isdigit():
            org = Organisation.objects.filter(pk=int(org_ref)).first()
        if org is None:
            raise CommandError(f"no organisation {org_ref}")
        token = _read_token(options, options["platform"] != "local")
        form = ChannelConnectForm(
            data={
                "platform": options["platform"],
                "external_id": options["external_id"],
                "name": options["name"],
                "token": token,
                "backfill_days": options["backfill_days"],
                "webhookless": options["webhookless"],
            }
        )
        if not form.is_valid():
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        data = form.cleaned_data
        if options["dry_run"]:
            self.stdout.write(
                f"would connect {data['platform']} {data['external_id']} ({data['name']}) to {org}"
            )
            return
        try:
            channel = services.channel_connect(
                organisation=org,
                platform=data["platform"],
                external_id=data["external_id"],
                name=data["name"],
                token=data["token"],
                webhookless=data["webhookless"],
                backfill_days=data["backfill_days"] or None,
            )
        except MissingKey as exc:
            raise CommandError(str(exc)) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(f"connected {channel} (id {channel.pk}, status {channel.status})")
        )

    def do_list(self, options):
        from somedesk.channels.selectors import channel_overview
        from somedesk.inbox.models import Channel

        rows = channel_overview(Channel.objects.all())
        self.stdout.write(
            f"{'id':>4}  {'platform':<10} {'external id':<20} {'status':<20} {'token':<6} "
            f"{'last poll':<20} {'pending':>7}  name"
        )
        for row in rows:
            c = row.channel
            last = row.last_poll_at.strftime("%Y-%m-%d %H:%M:%S") if row.last_poll_at else "-"
            self.stdout.write(
                f"{c.pk:>4}  {c.platform:<10} {c.external_id:<20} {c.status:<20} "
                f"{'yes' if row.has_token else 'no':<6} {last:<20} {row.pending_actions:>7}  {c.name}"
            )
            if c.status_message:
                self.stdout.write(f"      ! {c.status_message}")

    def do_reconnect(self, options):
        channel = self._channel(options["channel"])
        form = ReconnectForm(data={"token": _read_token(options, True)})
        if not form.is_valid():
            raise CommandError("a token is required")
        try:
            services.channel_reconnect(channel, form.cleaned_data["token"])
        except MissingKey as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"{channel}: new token stored, status active"))

    def do_webhookless(self, options):
        channel = self._channel(options["channel"])
        services.channel_set_webhookless(channel, not options["off"])
        self.stdout.write(f"{channel}: webhook-less polling {'off' if options['off'] else 'on'}")
