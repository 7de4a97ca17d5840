"""The `local` platform: no network. Every action is recorded in LocalAction, so the demo and tests of
other apps can moderate and reply without a Graph API."""

import uuid

from somedesk.channels.base import ActionResult, ChannelAdapter, NotFound, Page
from somedesk.channels.types import Batch


class LocalAdapter(ChannelAdapter):
    platform = "local"
    supports_block = True

    def _record(self, kind: str, target: str = "", text: str = "", result: str = "") -> ActionResult:
        from somedesk.channels.models import LocalAction

        LocalAction.objects.create(
            channel=self.channel, kind=kind, target_external_id=target, text=text, result_external_id=result
        )
        return ActionResult(ok=True, external_id=result or target)

    def list_posts(self, *, since=None, cursor=None, limit=25) -> Page:
        return Page(batch=Batch())

    def list_comments(self, post_external_id, *, cursor=None, limit=100) -> Page:
        return Page(batch=Batch())

    def fetch_post(self, external_id):
        return None

    def fetch_comment(self, external_id):
        return None

    def hide_comment(self, external_id):
        return self._record("hide", external_id)

    def unhide_comment(self, external_id):
        return self._record("unhide", external_id)

    def delete_comment(self, external_id):
        if not external_id:
            raise NotFound("no such comment")
        return self._record("delete", external_id)

    def reply_to_comment(self, external_id, text):
        return self._record("reply", external_id, text, f"local_{uuid.uuid4().hex[:16]}")

    def publish_post(self, text, *, link=""):
        return self._record("publish", "", text, f"local_{uuid.uuid4().hex[:16]}")

    def block_user(self, user_external_id):
        return self._record("block", user_external_id)

    @classmethod
    def parse_webhook(cls, payload):
        return []
