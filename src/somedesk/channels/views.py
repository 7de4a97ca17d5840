from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from somedesk.channels import selectors, services
from somedesk.channels.access import access_channel
from somedesk.channels.crypto import MissingKey
from somedesk.channels.forms import ReconnectForm
from somedesk.lib.permissions import require_permission


def _rows(request):
    from somedesk.inbox.models import Channel

    return selectors.channel_overview(Channel.objects.filter(organisation_id=request.user.organisation_id))


@require_permission("channels.view_channelconnection")
def channel_list(request):
    return render(request, "channels/list.html", {"rows": _rows(request)})


@require_permission("channels.view_channelconnection")
def channel_rows(request):
    return render(request, "channels/partials/channel_rows.html", {"rows": _rows(request)})


@require_permission("channels.reconnect_channel")
@require_http_methods(["GET", "POST"])
def channel_reconnect(request, pk):
    channel = access_channel(request.user, pk)
    form = ReconnectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.channel_reconnect(channel, form.cleaned_data["token"], actor=request.user)
        except MissingKey as exc:
            form.add_error("token", str(exc))
        else:
            messages.success(request, _("Ny tilgangsnøkkel er lagret for %(name)s.") % {"name": channel.name})
            return redirect("channels:list")
    return render(request, "channels/reconnect.html", {"channel": channel, "form": form})
