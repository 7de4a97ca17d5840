"""The one way desk views fetch a comment or desk item for a user: scoped to the user's organisation."""

from django.http import Http404

from somedesk.inbox.models import Comment
from somedesk.replies.models import DeskItem


def access_comment(user, pk) -> Comment:
    comment = (
        Comment.objects.select_related("channel", "post", "parent")
        .filter(pk=pk, channel__organisation_id=user.organisation_id)
        .first()
    )
    if comment is None:
        raise Http404
    return comment


def access_item(user, pk) -> DeskItem:
    item = (
        DeskItem.objects.select_related("comment", "assignee")
        .filter(pk=pk, organisation_id=user.organisation_id)
        .first()
    )
    if item is None:
        raise Http404
    return item
