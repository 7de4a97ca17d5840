from django.http import Http404


def access_channel(user, pk):
    """The channel, if it belongs to the user's organisation; otherwise 404 (not 403: no probing)."""
    from somedesk.inbox.models import Channel

    channel = Channel.objects.filter(pk=pk, organisation_id=getattr(user, "organisation_id", None)).first()
    if channel is None:
        raise Http404
    return channel
