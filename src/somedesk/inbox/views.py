from django.http import QueryDict
from django.shortcuts import render

from somedesk.inbox.access import access_comment, access_post
from somedesk.inbox.forms import CommentFilterForm
from somedesk.inbox.selectors import comment_page, comment_rows_prefetch, post_raw_events, post_thread
from somedesk.lib.permissions import require_permission


@require_permission("inbox.view_comment")
def comment_list(request):
    """The inbox: newest first, filters, search, keyset pages. An htmx request gets the rows only."""
    form = CommentFilterForm(request.GET or None, organisation=request.user.organisation)
    page = comment_page(request.user.organisation, form.filters(), cursor=request.GET.get("etter", ""))
    comment_rows_prefetch(page.comments)
    context = {
        "form": form,
        "page": page,
        "next_query": _next_query(request.GET, page.next_cursor),
        "post": form.post_obj,
    }
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        # htmx asks for the rows; a history restore (back button, no cached snapshot) needs the page.
        return render(request, "inbox/partials/comment_rows.html", context)
    return render(request, "inbox/comment_list.html", context)


def _next_query(params: QueryDict, cursor: str) -> str:
    if not cursor:
        return ""
    query = params.copy()
    query["etter"] = cursor
    return query.urlencode()


@require_permission("inbox.view_comment")
def thread(request, pk):
    """A comment in its thread: the post, all its comments as a tree, each comment's revisions."""
    comment = access_comment(request.user, pk)
    return _thread(request, comment.post, highlight=comment)


@require_permission("inbox.view_post")
def post_detail(request, pk):
    post = access_post(request.user, pk)
    return _thread(request, post, highlight=None)


def _thread(request, post, highlight):
    nodes = post_thread(post)
    comment_rows_prefetch(_flatten(nodes))
    context = {
        "post": post,
        "nodes": nodes,
        "highlight": highlight,
        "can_view_raw": request.user.has_perm("inbox.view_rawevent"),
    }
    return render(request, "inbox/thread.html", context)


def _flatten(nodes) -> list:
    out = []
    for node in nodes:
        out.append(node.comment)
        out.extend(_flatten(node.children))
    return out


@require_permission("inbox.view_rawevent")
def post_raw(request, pk):
    """The payloads the post arrived in, exactly as received (page administrators and editors)."""
    post = access_post(request.user, pk)
    return render(request, "inbox/partials/raw_events.html", {"post": post, "events": post_raw_events(post)})
