"""`somedesk import`: Graph feed JSON and JSON Lines, idempotent, all-or-nothing on a malformed file."""

import json

import pytest
from django.core.management import CommandError, call_command

from somedesk.audit.models import AuditEvent
from somedesk.inbox.models import Channel, Comment, CommentRevision, Post, RawEvent
from tests.inbox.conftest import PAGE, graph_comment, graph_post

pytestmark = pytest.mark.django_db


def run_import(*args):
    call_command("import", *map(str, args), "--no-progress", verbosity=0)


def snapshot():
    return (
        list(Channel.objects.values()),
        list(Post.objects.values()),
        list(Comment.objects.values()),
        list(CommentRevision.objects.values()),
        list(RawEvent.objects.values()),
        list(AuditEvent.objects.values_list("id", "action")),
    )


def test_a_feed_creates_its_channel_posts_comments_and_replies(org, feed_file):
    run_import(feed_file)
    channel = Channel.objects.get(external_id=PAGE)
    assert (
        channel.organisation == org and channel.platform == "facebook" and channel.name == "Fjordvik kommune"
    )
    assert Post.objects.filter(channel=channel).count() == 2
    reply = Comment.objects.get(external_id="1_12")
    assert reply.parent.external_id == "1_11" and reply.from_page
    assert Comment.objects.get(external_id="1_13").platform_state == "hidden"
    first = Comment.objects.get(external_id="1_11")
    assert first.text == "Når åpner biblioteket på lørdager?" and first.author_name == "Kari Nordmann"
    assert first.post.external_id == f"{PAGE}_1" and first.post.permalink.endswith("/posts/1")


def test_each_post_object_is_kept_exactly_as_it_stands_in_the_file(org, feed_file, feed):
    run_import(feed_file)
    text = feed_file.read_text(encoding="utf-8")
    events = list(RawEvent.objects.order_by("id"))
    assert [e.source for e in events] == ["import", "import"]
    assert all(e.body in text and e.status == "applied" for e in events)
    assert [json.loads(e.body) for e in events] == feed["data"]


def test_json_lines_into_a_given_channel(facebook, jsonl_file):
    run_import(jsonl_file, "--channel", facebook.external_id)
    assert Comment.objects.filter(channel=facebook).count() == 4
    assert Channel.objects.count() == 1


def test_the_channel_can_be_given_by_its_database_id(instagram, tmp_path):
    path = tmp_path / "ig.jsonl"
    path.write_text(
        json.dumps(
            {
                "id": "17900001",
                "created_time": "2026-11-02T08:00:00+0000",
                "message": "Hei",
                "comments": {"data": [graph_comment("c1", "Flott bilde", 2, 9)]},
            }
        )
        + "\n"
    )
    run_import(path, "--channel", instagram.pk)
    assert Comment.objects.get().channel == instagram


def test_importing_the_same_file_again_changes_nothing(org, feed_file):
    run_import(feed_file)
    before = snapshot()
    run_import(feed_file)
    assert snapshot() == before


def test_the_same_posts_as_json_lines_after_json_change_nothing_but_raw_events(org, feed_file, jsonl_file):
    run_import(feed_file)
    comments = list(Comment.objects.values())
    run_import(jsonl_file)
    assert list(Comment.objects.values()) == comments


def test_an_edited_comment_in_a_later_export_makes_a_revision(org, tmp_path, feed):
    first = tmp_path / "a.json"
    first.write_text(json.dumps(feed), encoding="utf-8")
    run_import(first)
    feed["data"][1]["comments"]["data"][0].update(
        message="Brøytinga i Storgata er bra nå", updated_time="2026-11-04T08:00:00+0000"
    )
    second = tmp_path / "b.json"
    second.write_text(json.dumps(feed), encoding="utf-8")
    run_import(second)
    comment = Comment.objects.get(external_id="2_21")
    assert comment.text == "Brøytinga i Storgata er bra nå"
    assert list(comment.revisions.values_list("text", flat=True)) == ["Brøytinga i Storgata er elendig i år"]


def test_a_malformed_json_lines_file_names_the_line_and_stores_nothing(org, tmp_path, feed):
    path = tmp_path / "broken.jsonl"
    good = [json.dumps(post) for post in feed["data"]]
    path.write_text(
        "\n".join([good[0], good[1], '{"id": "104857600112233_3", "message": "uten slutt"']) + "\n"
    )
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        run_import(path, "--batch-size", "1")  # batches of one post: the first two would be written at once
    assert "linje 3" in str(excinfo.value)
    assert snapshot() == before


def test_a_malformed_json_file_names_line_and_column(org, tmp_path, feed_file):
    text = feed_file.read_text(encoding="utf-8")
    lines = text.splitlines()
    target = next(i for i, line in enumerate(lines) if "Brøytinga" in line)
    lines[target] = lines[target].replace('",', '"', 1)  # drop a comma: invalid JSON on that line
    path = tmp_path / "broken.json"
    path.write_text("\n".join(lines), encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        run_import(path)
    assert f"linje {target + 2}, kolonne" in str(excinfo.value) or f"linje {target + 1}, kolonne" in str(
        excinfo.value
    )
    assert snapshot() == before


def test_a_post_without_created_time_is_refused_with_its_position(org, tmp_path, feed):
    del feed["data"][1]["comments"]["data"][0]["created_time"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(feed, indent=2), encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        run_import(path)
    message = str(excinfo.value)
    assert "2_21" in message and "tidspunkt" in message
    second_post_line = [
        i for i, text in enumerate(path.read_text().splitlines(), 1) if f'"id": "{PAGE}_2"' in text
    ][0] - 1
    assert f"linje {second_post_line}," in message
    assert snapshot() == before


def test_without_an_organisation_the_import_says_what_is_missing(db, feed_file):
    with pytest.raises(CommandError, match="ingen organisasjon"):
        run_import(feed_file)
    assert not Channel.objects.exists()


def test_with_several_organisations_it_asks_which(org, other_org, feed_file):
    with pytest.raises(CommandError, match="--organisation"):
        run_import(feed_file)
    run_import(feed_file, "--organisation", other_org.org_number)
    assert Channel.objects.get(external_id=PAGE).organisation == other_org


def test_posts_of_an_existing_channel_go_there(facebook, feed_file):
    run_import(feed_file)
    assert Channel.objects.count() == 1 and Comment.objects.filter(channel=facebook).count() == 4


def test_a_deletion_after_import_keeps_the_text(facebook, feed_file):
    from somedesk.channels.types import Batch, CommentData
    from somedesk.inbox.services import ingest_batch
    from tests.conftest import at

    run_import(feed_file)
    ingest_batch(
        facebook,
        Batch(
            comments=[
                CommentData(
                    external_id="2_21",
                    post_external_id=f"{PAGE}_2",
                    created_time=at(3, 7),
                    text=None,
                    state="deleted",
                )
            ]
        ),
    )
    comment = Comment.objects.get(external_id="2_21")
    assert comment.platform_state == "deleted" and comment.text == "Brøytinga i Storgata er elendig i år"


def test_large_imports_commit_in_batches_and_link_replies_across_them(facebook, tmp_path):
    posts = [
        graph_post(
            n,
            [
                graph_comment(
                    f"{n}_{i}",
                    f"kommentar {n} {i}",
                    5,
                    9,
                    replies=[graph_comment(f"{n}_{i}r", "svar", 5, 10)],
                )
                for i in range(30)
            ],
        )
        for n in range(1, 8)
    ]
    path = tmp_path / "many.json"
    path.write_text(json.dumps({"data": posts}), encoding="utf-8")
    run_import(path, "--batch-size", "50")
    assert Comment.objects.count() == 7 * 60
    assert Comment.objects.filter(external_id__endswith="r", parent__isnull=True).count() == 0
    assert RawEvent.objects.count() == 7


def test_imported_comments_are_triaged_after_they_are_stored(org, feed_file):
    from somedesk.triage.models import TriageDecision

    run_import(str(feed_file))
    public = Comment.objects.filter(from_page=False)
    assert public.exists()
    assert not public.filter(triage_moderation="").exists()
    assert TriageDecision.objects.filter(comment__in=public).count() == public.count()


def test_an_import_interrupted_before_triage_is_completed_by_running_it_again(org, feed_file, monkeypatch):
    from somedesk.inbox import services

    monkeypatch.setattr(services, "import_settle", lambda result, **kw: 0)
    monkeypatch.setattr("somedesk.inbox.management.commands.import.import_settle", lambda result, **kw: 0)
    run_import(str(feed_file))
    assert Comment.objects.filter(from_page=False, triage_moderation="").exists()
    monkeypatch.undo()
    run_import(str(feed_file))  # storing is a no-op now; the second stage still finishes the work
    assert not Comment.objects.filter(from_page=False, triage_moderation="").exists()
