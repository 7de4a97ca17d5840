"""The permission matrix: every URL of the project, every role, and the anonymous visitor.

Every view must carry `required_permissions` (set by somedesk.lib.permissions.require_permission /
require_login); the only views without it are on the explicit allow-list below, each with its reason.
Anonymous requests to protected views get the login page; each role gets 403 exactly where the
permissions its AppConfigs declare do not cover the view, and never a 500.
"""

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from somedesk.accounts.roles import Role, collect_role_permissions
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# name (namespace:name, or the route for unnamed patterns) -> why it needs no permission decorator
ALLOWED_WITHOUT_DECORATOR = {
    "": "redirects to inbox:list, which is protected",
    ":set_language": "Django's language switch; must work on the login page",
    "accounts:login": "the login page itself",
    "accounts:logout": "logging out needs no permission",
    ":webhook_facebook": "Meta webhook, authenticated by the X-Hub-Signature-256 signature",
    ":webhook_instagram": "Meta webhook, authenticated by the X-Hub-Signature-256 signature",
}
PUBLIC_VIEWS = {"records:public_journal": "the public journal (offentleglova § 10)"}
ADMIN_NAMESPACE = "admin"  # Django's admin has its own staff-only login

# What the inbox/audit/accounts owners promise, written out by hand (the rest follows the AppConfigs).
EXPLICIT = {
    "inbox:list": {"servicetorg", "redaktor", "fagperson", "arkivar", "leder"},
    "inbox:thread": {"servicetorg", "redaktor", "fagperson", "arkivar", "leder"},
    "inbox:post": {"servicetorg", "redaktor", "fagperson", "arkivar", "leder"},
    "inbox:post_raw": {"servicetorg", "redaktor"},
    "audit:log": {"arkivar", "leder"},
    "accounts:users": {"leder"},
}
SAMPLE = {
    "int": 987654321,
    "slug": "x",
    "str": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def _patterns(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = (
                ":".join(part for part in (namespace, entry.namespace or "") if part)
                if entry.namespace
                else namespace
            )
            yield from _patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


WITH_PARAMS: set[str] = set()


def all_views():
    """(key, url, view) for every URL pattern, with sample values for its parameters."""
    out = []
    for namespace, pattern in _patterns(get_resolver().url_patterns):
        if namespace.split(":")[0] == ADMIN_NAMESPACE:
            continue
        key = f"{namespace}:{pattern.name}" if pattern.name else str(pattern.pattern)
        converters = pattern.pattern.converters
        kwargs = {
            name: SAMPLE.get(type(conv).__name__.replace("Converter", "").lower(), "x")
            for name, conv in converters.items()
        }
        url = reverse(key.lstrip(":"), kwargs=kwargs or None) if pattern.name else "/" + str(pattern.pattern)
        out.append((key, url, pattern.callback))
        if kwargs:
            WITH_PARAMS.add(key)
    return out


VIEWS = all_views()


def test_the_walk_finds_the_projects_views():
    keys = {key for key, _url, _view in VIEWS}
    assert set(EXPLICIT) <= keys and len(keys) > 10


@pytest.mark.parametrize("key, url, view", VIEWS, ids=[v[0] or "root" for v in VIEWS])
def test_every_view_declares_its_permissions(key, url, view):
    if key in ALLOWED_WITHOUT_DECORATOR:
        return
    if key in PUBLIC_VIEWS:
        assert getattr(view, "public", False), f"{key} is allow-listed as public but not marked public"
        return
    assert hasattr(view, "required_permissions"), (
        f"{key} ({url}) has no permission decorator: use somedesk.lib.permissions.require_permission"
    )
    assert resolve(url).func is view


def _login_url():
    return reverse(settings.LOGIN_URL)


@pytest.mark.parametrize(
    "key, url, view",
    [v for v in VIEWS if v[0] not in ALLOWED_WITHOUT_DECORATOR],
    ids=[v[0] for v in VIEWS if v[0] not in ALLOWED_WITHOUT_DECORATOR],
)
def test_anonymous_gets_the_login_page(client, key, url, view):
    response = client.get(url)
    if key in PUBLIC_VIEWS:
        assert response.status_code == 200
        return
    if response.status_code == 405:  # POST-only: the POST must be refused the same way
        response = client.post(url)
    assert response.status_code == 302, f"{key}: {response.status_code}"
    assert response["Location"].startswith(_login_url()), f"{key} redirects to {response['Location']}"


def _expected_allowed(role: str, key: str, view) -> bool:
    if key in EXPLICIT:
        return role in EXPLICIT[key]
    declared = collect_role_permissions()[role]
    return set(view.required_permissions) <= declared


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_each_role_gets_exactly_what_its_permissions_allow(client, users, role):
    assert client.login(username=users[role].username, password=PASSWORD)
    wrong = []
    for key, url, view in VIEWS:
        if key in ALLOWED_WITHOUT_DECORATOR or key in PUBLIC_VIEWS:
            continue
        status = client.get(url).status_code
        allowed = _expected_allowed(role, key, view)
        if status == 405:
            status = client.post(url).status_code
        if status >= 500 or (status == 403) == allowed:
            wrong.append(f"{key}: {status} (expected {'access' if allowed else '403'})")
        elif allowed and key not in WITH_PARAMS and status not in (200, 302, 400, 405):
            wrong.append(f"{key}: {status} (expected 200)")
    assert not wrong, f"{role}: " + "; ".join(wrong)


def test_the_explicit_expectations_agree_with_what_roles_declare():
    declared = collect_role_permissions()
    views = {key: view for key, _url, view in VIEWS}
    for key, roles in EXPLICIT.items():
        needed = set(views[key].required_permissions)
        assert {r for r in declared if needed <= declared[r]} == roles, key


def test_anonymous_sees_the_login_page_and_can_log_in(client, fagperson):
    page = client.get(_login_url())
    assert page.status_code == 200 and 'name="password"' in page.content.decode()
    response = client.post(_login_url(), {"username": fagperson.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("inbox:list")
    assert client.get(reverse("inbox:list")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("inbox:list")).status_code == 302


def test_a_wrong_password_is_refused(client, fagperson):
    response = client.post(_login_url(), {"username": fagperson.username, "password": "feil"})
    assert response.status_code == 200 and "feil" in response.content.decode().lower()
    assert client.get(reverse("inbox:list")).status_code == 302
