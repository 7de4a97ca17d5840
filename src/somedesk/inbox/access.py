"""The only way views fetch inbox objects for a user: scoped to the user's municipality.

Objects of another municipality are a 404, not a 403, so their existence is not revealed.
"""

from django.http import Http404

from somedesk.inbox.models import Comment, Post


def access_comment(user, pk) -> Comment:
    comment = (
        Comment.objects.select_related("channel", "post", "parent")
        .filter(pk=pk, channel__organisation_id=user.organisation_id)
        .first()
    )
    if comment is None or user.organisation_id is None:
        raise Http404
    return comment


def access_post(user, pk) -> Post:
    post = (
        Post.objects.select_related("channel")
        .filter(pk=pk, channel__organisation_id=user.organisation_id)
        .first()
    )
    if post is None or user.organisation_id is None:
        raise Http404
    return post
