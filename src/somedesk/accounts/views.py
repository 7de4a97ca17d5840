from django.shortcuts import render

from somedesk.accounts.models import User
from somedesk.lib.permissions import require_permission


@require_permission("accounts.view_user")
def user_list(request):
    users = (
        User.objects.filter(organisation=request.user.organisation)
        .prefetch_related("groups")
        .order_by("last_name", "first_name")
    )
    return render(request, "accounts/user_list.html", {"users": users})
