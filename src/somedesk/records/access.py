"""Who sees what in records.

`public_view` marks a view that deliberately needs no login (the public journal, offentleglova § 10);
the permission-matrix test reads `view.public`.
"""

from somedesk.records.apps import SCREENED


def public_view(view):
    view.public = True
    view.required_permissions = ()
    return view


def sees_screened(user, organisation) -> bool:
    """Archivists (and roles given records.view_screened) of the same organisation see full titles and
    names; everyone else sees the public versions."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.organisation_id == organisation.pk
        and user.has_perm(SCREENED)
    )
