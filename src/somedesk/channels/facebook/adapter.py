"""A Facebook Page through the Graph API (Pages API and Page webhooks, `feed` field).

Ids: a post is ``{page-id}_{post-id}``, a comment ``{post-id}_{comment-id}``. Comments are listed with
``filter=stream`` so replies come in the same flat, chronological listing with their ``parent``.
"""

from __future__ import annotations

from datetime import datetime

from somedesk.channels.base import ActionResult, ChannelAdapter, Page, WebhookDelivery
from somedesk.channels.graph import GraphAdapterMixin, GraphClient, parse_time
from somedesk.channels.types import Batch, CommentData, PostData

POST_FIELDS = "id,message,created_time,updated_time,permalink_url,is_hidden"
COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id},is_hidden,permalink_url"
POST_ITEMS = {"status", "post", "photo", "video", "share", "link"}


class FacebookAdapter(GraphAdapterMixin, ChannelAdapter):
    platform = "facebook"
    supports_block = True

    # --- reading ---------------------------------------------------------------------------------------
    def list_posts(
        self, *, since: datetime | None = None, cursor: str | None = None, limit: int = 25
    ) -> Page:
        params = {"fields": POST_FIELDS, "limit": limit}
        if since is not None:
            params["since"] = int(since.timestamp())
        if cursor:
            params["after"] = cursor
        body = self.graph.get(f"{self.account_id}/feed", **params)
        posts = [self._post(item) for item in body.get("data", [])]
        return Page(
            batch=Batch(posts=posts),
            next_cursor=GraphClient.next_cursor(body),
            post_ids=[p.external_id for p in posts],
            raw=body,
        )

    def list_comments(self, post_external_id: str, *, cursor: str | None = None, limit: int = 100) -> Page:
        params = {"fields": COMMENT_FIELDS, "filter": "stream", "order": "chronological", "limit": limit}
        if cursor:
            params["after"] = cursor
        body = self.graph.get(f"{post_external_id}/comments", **params)
        comments = [self._comment(item, post_external_id) for item in body.get("data", [])]
        return Page(batch=Batch(comments=comments), next_cursor=GraphClient.next_cursor(body), raw=body)

    def fetch_post(self, external_id: str) -> PostData | None:
        return self._post(self.graph.get(external_id, fields=POST_FIELDS))

    def fetch_comment(self, external_id: str, post_external_id: str = "") -> CommentData | None:
        item = self.graph.get(external_id, fields=COMMENT_FIELDS)
        return self._comment(item, post_external_id or self.post_id_of(external_id))

    def fetch_comments(self, external_ids: list[str]) -> list[CommentData]:
        """Several comments in one request (multiple-id lookup, ``GET /?ids=a,b``)."""
        if not external_ids:
            return []
        body = self.graph.get("", ids=",".join(external_ids), fields=COMMENT_FIELDS)
        return [
            self._comment(item, self.post_id_of(cid)) for cid, item in body.items() if isinstance(item, dict)
        ]

    def post_id_of(self, comment_id: str) -> str:
        # A comment id is {post-id}_{comment-id}; the post's full id carries the page id in front.
        return f"{self.account_id}_{comment_id.split('_', 1)[0]}" if "_" in comment_id else ""

    # --- writing ---------------------------------------------------------------------------------------
    def hide_comment(self, external_id: str) -> ActionResult:
        body = self.graph.post(external_id, is_hidden="true")
        return ActionResult(ok=bool(body.get("success", True)), external_id=external_id, raw=body)

    def unhide_comment(self, external_id: str) -> ActionResult:
        body = self.graph.post(external_id, is_hidden="false")
        return ActionResult(ok=bool(body.get("success", True)), external_id=external_id, raw=body)

    def delete_comment(self, external_id: str) -> ActionResult:
        body = self.graph.delete(external_id)
        return ActionResult(ok=bool(body.get("success", True)), external_id=external_id, raw=body)

    def reply_to_comment(self, external_id: str, text: str) -> ActionResult:
        body = self.graph.post(f"{external_id}/comments", message=text)
        return ActionResult(external_id=str(body.get("id", "")), raw=body)

    def publish_post(self, text: str, *, link: str = "") -> ActionResult:
        data = {"message": text}
        if link:
            data["link"] = link
        body = self.graph.post(f"{self.account_id}/feed", **data)
        return ActionResult(external_id=str(body.get("id", "")), raw=body)

    def block_user(self, user_external_id: str) -> ActionResult:
        body = self.graph.post(f"{self.account_id}/blocked", user=user_external_id)
        return ActionResult(ok=bool(body.get(user_external_id, True)), external_id=user_external_id, raw=body)

    # --- mapping ---------------------------------------------------------------------------------------
    def _post(self, item: dict) -> PostData:
        created = parse_time(item.get("created_time"))
        updated = parse_time(item.get("updated_time"))
        return PostData(
            external_id=str(item["id"]),
            created_time=created,
            text=item.get("message", ""),
            permalink=item.get("permalink_url", "") or "",
            updated_time=updated if updated and updated != created else None,
            state="hidden" if item.get("is_hidden") else "visible",
        )

    def _comment(self, item: dict, post_external_id: str) -> CommentData:
        author = item.get("from") or {}
        parent = (item.get("parent") or {}).get("id", "")
        return CommentData(
            external_id=str(item["id"]),
            post_external_id=post_external_id,
            created_time=parse_time(item.get("created_time")),
            text=item.get("message", ""),
            author_external_id=str(author.get("id", "")),
            author_name=author.get("name", ""),
            parent_external_id=parent,
            state="hidden" if item.get("is_hidden") else "visible",
            from_page=str(author.get("id", "")) == self.account_id,
        )

    # --- webhooks --------------------------------------------------------------------------------------
    @classmethod
    def parse_webhook(cls, payload: dict) -> list[WebhookDelivery]:
        """Page webhooks, field `feed`: one delivery per page entry. Unknown items (reactions, ...) are
        skipped; they are still kept as the RawEvent."""
        if payload.get("object") != "page":
            raise ValueError("not a Page webhook payload")
        deliveries = []
        for entry in payload.get("entry") or []:
            page_id = str(entry.get("id", ""))
            entry_time = parse_time(entry.get("time"))
            batch = Batch()
            for change in entry.get("changes") or []:
                if change.get("field") != "feed":
                    continue
                cls._feed_change(page_id, entry_time, change.get("value") or {}, batch)
            deliveries.append(WebhookDelivery(account_id=page_id, batch=batch))
        return deliveries

    @staticmethod
    def _feed_change(page_id: str, entry_time, value: dict, batch: Batch) -> None:
        item, verb = value.get("item"), value.get("verb")
        created = parse_time(value.get("created_time")) or entry_time
        author = value.get("from") or {}
        event_time = max(t for t in (created, entry_time) if t is not None)
        state = {"remove": "deleted", "hide": "hidden", "unhide": "visible"}.get(verb, "visible")
        if item == "comment":
            post_id = str(value.get("post_id", ""))
            parent = str(value.get("parent_id", ""))
            text = value.get("message")
            if verb in ("remove", "hide", "unhide") and not text:
                text = None
            batch.comments.append(
                CommentData(
                    external_id=str(value["comment_id"]),
                    post_external_id=post_id,
                    created_time=created,
                    text=text,
                    author_external_id=str(author.get("id", "")),
                    author_name=author.get("name", ""),
                    parent_external_id="" if parent == post_id else parent,
                    updated_time=event_time if verb in ("edited", "remove", "hide", "unhide") else None,
                    state=state,
                    from_page=str(author.get("id", "")) == page_id,
                )
            )
        elif item in POST_ITEMS and value.get("post_id"):
            text = value.get("message")
            if verb in ("remove", "hide", "unhide") and not text:
                text = None
            post = value.get("post") or {}
            batch.posts.append(
                PostData(
                    external_id=str(value["post_id"]),
                    created_time=created,
                    text=text,
                    permalink=post.get("permalink_url", "") or "",
                    updated_time=event_time if verb in ("edited", "remove", "hide", "unhide") else None,
                    state=state,
                )
            )
