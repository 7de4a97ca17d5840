import json

import pytest

from tests.conftest import at

PAGE = "104857600112233"  # the facebook fixture's page id


def graph_post(n: int, comments: list[dict], page: str = PAGE, message: str | None = None) -> dict:
    return {
        "id": f"{page}_{n}",
        "message": message if message is not None else f"Innlegg {n} fra Fjordvik kommune",
        "created_time": at(1 + n % 20, 8).strftime("%Y-%m-%dT%H:%M:%S+0000"),
        "permalink_url": f"https://www.facebook.com/{page}/posts/{n}",
        "from": {"id": page, "name": "Fjordvik kommune"},
        "comments": {"data": comments, "paging": {"cursors": {"before": "QVFIU", "after": "QVFIU2"}}},
    }


def graph_comment(
    cid: str, text: str, day: int, hour: int, author=("u1", "Kari Nordmann"), replies=None, **extra
) -> dict:
    item = {
        "id": cid,
        "message": text,
        "created_time": at(day, hour).strftime("%Y-%m-%dT%H:%M:%S+0000"),
        "from": {"id": author[0], "name": author[1]},
        **extra,
    }
    if replies:
        item["comments"] = {"data": replies}
    return item


@pytest.fixture
def feed():
    """A small page feed as GET /{page-id}/feed returns it: two posts, comments, a reply from the page."""
    return {
        "data": [
            graph_post(
                1,
                [
                    graph_comment(
                        "1_11",
                        "Når åpner biblioteket på lørdager?",
                        2,
                        9,
                        replies=[
                            graph_comment(
                                "1_12", "Klokka ti, velkommen!", 2, 10, author=(PAGE, "Fjordvik kommune")
                            ),
                        ],
                    ),
                    graph_comment(
                        "1_13",
                        "Kjøp billige klokker her www.example.com",
                        2,
                        11,
                        author=("u9", "Spam Spamsen"),
                        is_hidden=True,
                    ),
                ],
            ),
            graph_post(
                2,
                [
                    graph_comment(
                        "2_21", "Brøytinga i Storgata er elendig i år", 3, 7, author=("u2", "Ola Nordmann")
                    )
                ],
            ),
        ],
        "paging": {
            "cursors": {"before": "x", "after": "y"},
            "next": f"https://graph.facebook.com/v21.0/{PAGE}/feed?after=y",
        },
    }


@pytest.fixture
def feed_file(tmp_path, feed):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


@pytest.fixture
def jsonl_file(tmp_path, feed):
    path = tmp_path / "posts.jsonl"
    path.write_text(
        "".join(json.dumps(post, ensure_ascii=False) + "\n" for post in feed["data"]), encoding="utf-8"
    )
    return path
