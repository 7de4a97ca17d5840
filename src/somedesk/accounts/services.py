from django.contrib.auth.models import Group
from django.db import transaction

from somedesk.accounts.models import User, validate_fagperson_fields
from somedesk.accounts.roles import Role


@transaction.atomic
def user_create(
    *,
    username,
    password,
    organisation=None,
    role: str,
    first_name="",
    last_name="",
    job_title="",
    unit="",
    email="",
    actor=None,
) -> User:
    """Every user gets exactly one role; a fagperson is refused without full name and title."""
    from somedesk.audit.services import record

    if role == Role.FAGPERSON:
        validate_fagperson_fields(first_name, last_name, job_title)
    user = User.objects.create_user(
        username=username,
        password=password,
        email=email,
        first_name=first_name,
        last_name=last_name,
        job_title=job_title,
        unit=unit,
        organisation=organisation,
    )
    user.groups.add(Group.objects.get(name=role))
    record(actor, "user.create", user, {"username": username, "role": role}, organisation=organisation)
    return user
