"""An Instagram professional account through the Instagram Graph API (IG User, IG Media, IG Comment;
webhooks fields `comments` and `mentions`).

Instagram lists top-level comments on a media object and their replies under `replies`; hiding uses
``hide=true``; replies go to ``/{ig-comment-id}/replies``; publishing is two steps (a media container,
then ``media_publish``) and needs an image; blocking users is not offered by the API.
"""

from __future__ import annotations

from datetime import datetime

from somedesk.channels.base import ActionResult, ChannelAdapter, NotSupported, Page, Rejected, WebhookDelivery
from somedesk.channels.graph import GraphAdapterMixin, GraphClient, parse_time
from somedesk.channels.types import Batch, CommentData, PostData

MEDIA_FIELDS = "id,caption,timestamp,permalink,media_type,comments_count"
_C = "id,text,timestamp,from{id,username},username,parent_id,hidden,media{id}"
COMMENT_FIELDS = f"{_C},replies{{{_C}}}"


class InstagramAdapter(GraphAdapterMixin, ChannelAdapter):
    platform = "instagram"
    supports_block = False

    def list_posts(
        self, *, since: datetime | None = None, cursor: str | None = None, limit: int = 25
    ) -> Page:
        params = {"fields": MEDIA_FIELDS, "limit": limit}
        if since is not None:
            params["since"] = int(since.timestamp())
        if cursor:
            params["after"] = cursor
        body = self.graph.get(f"{self.account_id}/media", **params)
        posts = [self._post(item) for item in body.get("data", [])]
        if since is not None:
            posts = [p for p in posts if p.created_time >= since]
        return Page(
            batch=Batch(posts=posts),
            next_cursor=GraphClient.next_cursor(body),
            post_ids=[p.external_id for p in posts],
            raw=body,
        )

    def list_comments(self, post_external_id: str, *, cursor: str | None = None, limit: int = 50) -> Page:
        params = {"fields": COMMENT_FIELDS, "limit": limit}
        if cursor:
            params["after"] = cursor
        body = self.graph.get(f"{post_external_id}/comments", **params)
        comments: list[CommentData] = []
        for item in body.get("data", []):
            comments.append(self._comment(item, post_external_id))
            for reply in (item.get("replies") or {}).get("data", []):
                comments.append(self._comment(reply, post_external_id, parent=str(item["id"])))
        return Page(batch=Batch(comments=comments), next_cursor=GraphClient.next_cursor(body), raw=body)

    def fetch_post(self, external_id: str) -> PostData | None:
        return self._post(self.graph.get(external_id, fields=MEDIA_FIELDS))

    def fetch_comment(self, external_id: str, post_external_id: str = "") -> CommentData | None:
        item = self.graph.get(external_id, fields=_C)
        return self._comment(item, post_external_id or (item.get("media") or {}).get("id", ""))

    def fetch_mention(self, comment_id: str, media_id: str = "") -> CommentData | None:
        """A comment that @mentions the account, read through the IG User's mentioned_comment field."""
        fields = f"mentioned_comment.comment_id({comment_id}){{id,text,timestamp,username,from{{id,username}},media{{id}}}}"
        body = self.graph.get(self.account_id, fields=fields)
        item = body.get("mentioned_comment")
        if not item:
            return None
        return self._comment(item, media_id or (item.get("media") or {}).get("id", ""))

    def hide_comment(self, external_id: str) -> ActionResult:
        body = self.graph.post(external_id, hide="true")
        return ActionResult(ok=bool(body.get("success", True)), external_id=external_id, raw=body)

    def unhide_comment(self, external_id: str) -> ActionResult:
        body = self.graph.post(external_id, hide="false")
        return ActionResult(ok=bool(body.get("success", True)), external_id=external_id, raw=body)

    def delete_comment(self, external_id: str) -> ActionResult:
        body = self.graph.delete(external_id)
        return ActionResult(ok=bool(body.get("success", True)), external_id=external_id, raw=body)

    def reply_to_comment(self, external_id: str, text: str) -> ActionResult:
        body = self.graph.post(f"{external_id}/replies", message=text)
        return ActionResult(external_id=str(body.get("id", "")), raw=body)

    def publish_post(self, text: str, *, link: str = "") -> ActionResult:
        if not link:
            raise Rejected("Instagram cannot publish a post without an image (give its URL as link)")
        container = self.graph.post(f"{self.account_id}/media", image_url=link, caption=text)
        body = self.graph.post(f"{self.account_id}/media_publish", creation_id=container["id"])
        return ActionResult(external_id=str(body.get("id", "")), raw=body)

    def block_user(self, user_external_id: str) -> ActionResult:
        raise NotSupported("The Instagram API cannot block users; block them in the Instagram app.")

    def _post(self, item: dict) -> PostData:
        return PostData(
            external_id=str(item["id"]),
            created_time=parse_time(item.get("timestamp")),
            text=item.get("caption", "") or "",
            permalink=item.get("permalink", "") or "",
        )

    def _comment(self, item: dict, media_id: str, parent: str = "") -> CommentData:
        author = item.get("from") or {}
        author_id = str(author.get("id", ""))
        return CommentData(
            external_id=str(item["id"]),
            post_external_id=media_id,
            created_time=parse_time(item.get("timestamp")),
            text=item.get("text", ""),
            author_external_id=author_id,
            author_name=author.get("username") or item.get("username", ""),
            parent_external_id=str(item.get("parent_id") or parent or ""),
            state="hidden" if item.get("hidden") else "visible",
            from_page=author_id == self.account_id,
        )

    @classmethod
    def parse_webhook(cls, payload: dict) -> list[WebhookDelivery]:
        """Instagram webhooks: `comments` carry the comment; `mentions` only name it, so it is fetched."""
        if payload.get("object") != "instagram":
            raise ValueError("not an Instagram webhook payload")
        deliveries = []
        for entry in payload.get("entry") or []:
            account_id = str(entry.get("id", ""))
            when = parse_time(entry.get("time"))
            delivery = WebhookDelivery(account_id=account_id, batch=Batch())
            changes = list(entry.get("changes") or [])
            if "field" in entry and "value" in entry:  # the flat shape some examples show
                changes.append({"field": entry["field"], "value": entry["value"]})
            for change in changes:
                field, value = change.get("field"), change.get("value") or {}
                if field in ("comments", "live_comments") and value.get("id"):
                    author = value.get("from") or {}
                    author_id = str(author.get("id", ""))
                    delivery.batch.comments.append(
                        CommentData(
                            external_id=str(value["id"]),
                            post_external_id=str((value.get("media") or {}).get("id", "")),
                            created_time=when,
                            text=value.get("text", ""),
                            author_external_id=author_id,
                            author_name=author.get("username", ""),
                            parent_external_id=str(value.get("parent_id") or ""),
                            from_page=author_id == account_id,
                        )
                    )
                elif field == "mentions" and value.get("comment_id"):
                    delivery.fetch_comment_ids.append(f"{value['comment_id']}:{value.get('media_id', '')}")
            deliveries.append(delivery)
        return deliveries
