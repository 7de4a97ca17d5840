import pytest

from tests.conftest import at


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def post(facebook):
    from somedesk.inbox.models import Post

    return Post.objects.create(
        channel=facebook,
        external_id="104857600112233_p1",
        created_time=at(2, 9),
        text="Brøyting i Fjordvik sentrum starter i natt.",
        permalink="https://www.facebook.com/104857600112233/posts/p1",
    )


def make_comment(
    post, key, text, *, author="Kari Nordmann", route="light_case", created=None, parent=None, from_page=False
):
    from somedesk.inbox.models import Comment

    return Comment.objects.create(
        channel=post.channel,
        post=post,
        external_id=f"{post.external_id}_{key}",
        author_name=author,
        author_external_id=f"u-{key}",
        text=text,
        created_time=created or at(3, 10),
        triage_route=route,
        parent=parent,
        from_page=from_page,
    )


@pytest.fixture
def light_comment(post):
    return make_comment(post, "c1", "Søppeldunken i Storgata 5 ble ikke tømt i går. Kan dere sende bilen?")
