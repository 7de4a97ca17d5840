"""DeskItem's text (used as the audit entry's target text for every new desk item) is its status label
in the active language and the comment id, exactly as get_status_display() gives it."""

from django.utils import translation

from somedesk.replies.models import DeskItem


def test_the_text_is_the_status_label_and_the_comment_id_in_every_language():
    for language in ("nb", "nn", "en"):
        with translation.override(language):
            for status in DeskItem.Status.values:
                item = DeskItem(comment_id=42, status=status)
                assert str(item) == f"{item.get_status_display()}: 42"
    assert str(DeskItem(comment_id=7, status="something-else")) == "something-else: 7"
