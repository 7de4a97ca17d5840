"""A fake Graph API for tests, benchmarks and the demo: a small threaded HTTP server on loopback that
answers the endpoints somedesk uses with the documented shapes, and sends signed webhook events.

It imports no Django, so it runs on its own:

    python -m somedesk.channels.fake_graph --port 8765 --app-secret s3cret \
        --webhook-url http://127.0.0.1:8000/webhooks/ --seed --live 5

Faults can be queued (in process with ``FakeGraph.fault(...)``, or over HTTP with
``POST /_fake/fault {"kind": "rate_limit", "times": 2}``): ``rate_limit`` (code 4/17/32/613/80001),
``token_expired`` (190 / 463), ``token_revoked`` (190 / 460), ``permission`` (code 200),
``server_error`` (HTTP 500), ``transient`` (code 2), ``slow`` (sleep ``seconds`` before answering),
``not_found`` (code 100 / 33). ``usage`` sets the X-App-Usage / X-Business-Use-Case-Usage percentage.

Documented shapes followed: Graph error objects (message, type, code, error_subcode, fbtrace_id),
cursor paging (data + paging.cursors.before/after + paging.next only when there is more), Page `feed`
webhooks (object=page, entry[].changes[].value with item/verb/comment_id/post_id/parent_id/from/
message/created_time) and Instagram `comments` / `mentions` webhooks.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import itertools
import json
import random
import re
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

VERSION_RE = re.compile(r"^/v\d+\.\d+")
RATE_LIMIT_CODES = (4, 17, 32, 613, 80001)


def graph_time(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


@dataclass
class Account:
    id: str
    platform: str  # facebook / instagram
    name: str
    token: str
    token_state: str = "valid"  # valid / expired / revoked


@dataclass
class Item:
    """A post (media) or a comment as the fake platform stores it."""

    id: str
    account_id: str
    kind: str  # post / comment
    text: str
    created: float
    author_id: str = ""
    author_name: str = ""
    post_id: str = ""
    parent_id: str = ""
    hidden: bool = False
    deleted: bool = False
    updated: float | None = None


@dataclass
class Fault:
    kind: str
    times: int = 1
    path: str = ""  # only requests whose path contains this
    code: int | None = None
    seconds: float = 0.0


@dataclass
class FakeGraph:
    app_secret: str = "fake-app-secret"
    webhook_url: str = ""  # base, e.g. http://127.0.0.1:8000/webhooks/
    accounts: dict[str, Account] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    blocked: dict[str, set] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    usage_percent: int = 5
    requests: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self):
        self.lock = threading.RLock()
        self._ids = itertools.count(int(time.time() * 1000) % 10**9 * 1000 + 1)
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # --- state -----------------------------------------------------------------------------------------
    def new_id(self) -> str:
        return str(next(self._ids))

    def add_account(self, platform: str, account_id: str, name: str, token: str) -> Account:
        with self.lock:
            acc = Account(id=account_id, platform=platform, name=name, token=token)
            self.accounts[account_id] = acc
            return acc

    def set_token(self, account_id: str, token: str, state: str = "valid") -> None:
        with self.lock:
            self.accounts[account_id].token = token
            self.accounts[account_id].token_state = state

    def expire_token(self, account_id: str, state: str = "expired") -> None:
        with self.lock:
            self.accounts[account_id].token_state = state

    def add_post(self, account_id: str, text: str, created: float | None = None, post_id: str = "") -> Item:
        with self.lock:
            acc = self.accounts[account_id]
            if not post_id:
                post_id = f"{account_id}_{self.new_id()}" if acc.platform == "facebook" else self.new_id()
            item = Item(
                id=post_id,
                account_id=account_id,
                kind="post",
                text=text,
                created=created if created is not None else time.time(),
            )
            self.items[item.id] = item
            return item

    def add_comment(
        self,
        post_id: str,
        text: str,
        *,
        author_id: str = "",
        author_name: str = "",
        parent_id: str = "",
        created: float | None = None,
        comment_id: str = "",
    ) -> Item:
        with self.lock:
            post = self.items[post_id]
            acc = self.accounts[post.account_id]
            if not comment_id:
                short = post_id.split("_", 1)[-1]
                comment_id = f"{short}_{self.new_id()}" if acc.platform == "facebook" else self.new_id()
            item = Item(
                id=comment_id,
                account_id=post.account_id,
                kind="comment",
                text=text,
                created=created if created is not None else time.time(),
                author_id=author_id or self.new_id(),
                author_name=author_name or "Ola Nordmann",
                post_id=post_id,
                parent_id=parent_id,
            )
            self.items[item.id] = item
            return item

    def fault(
        self, kind: str, times: int = 1, *, path: str = "", code: int | None = None, seconds: float = 0.0
    ) -> None:
        with self.lock:
            self.faults.append(Fault(kind=kind, times=times, path=path, code=code, seconds=seconds))

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def _take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for f in self.faults:
                if f.times > 0 and (not f.path or f.path in path):
                    f.times -= 1
                    if f.times == 0:
                        self.faults.remove(f)
                    return f
        return None

    # --- webhook payloads (documented shapes) -------------------------------------------------------------
    def feed_event(self, item: Item, verb: str = "add", *, when: float | None = None) -> dict:
        """A Page webhook `feed` change for a comment or a post."""
        when = when if when is not None else time.time()
        acc = self.accounts[item.account_id]
        if item.kind == "comment":
            value = {
                "from": {"id": item.author_id, "name": item.author_name},
                "post": {
                    "status_type": "mobile_status_update",
                    "is_published": True,
                    "updated_time": graph_time(when),
                    "permalink_url": f"https://www.facebook.com/{item.post_id}",
                    "promotion_status": "inactive",
                    "id": item.post_id,
                },
                "post_id": item.post_id,
                "comment_id": item.id,
                "created_time": int(item.created),
                "item": "comment",
                "parent_id": item.parent_id or item.post_id,
                "verb": verb,
            }
            if verb in ("add", "edited"):
                value["message"] = item.text
        else:
            value = {
                "from": {"id": acc.id, "name": acc.name},
                "post_id": item.id,
                "created_time": int(item.created),
                "item": "status",
                "verb": verb,
                "published": 1,
            }
            if verb in ("add", "edited"):
                value["message"] = item.text
        return {
            "object": "page",
            "entry": [{"id": acc.id, "time": int(when), "changes": [{"field": "feed", "value": value}]}],
        }

    def ig_comment_event(self, item: Item, *, when: float | None = None) -> dict:
        acc = self.accounts[item.account_id]
        value = {
            "from": {"id": item.author_id, "username": item.author_name},
            "media": {"id": item.post_id, "media_product_type": "FEED"},
            "id": item.id,
            "text": item.text,
        }
        if item.parent_id:
            value["parent_id"] = item.parent_id
        return {
            "object": "instagram",
            "entry": [
                {
                    "id": acc.id,
                    "time": int(when or time.time()),
                    "changes": [{"field": "comments", "value": value}],
                }
            ],
        }

    def ig_mention_event(self, account_id: str, comment: Item, *, when: float | None = None) -> dict:
        return {
            "object": "instagram",
            "entry": [
                {
                    "id": account_id,
                    "time": int(when or time.time()),
                    "changes": [
                        {
                            "field": "mentions",
                            "value": {"media_id": comment.post_id, "comment_id": comment.id},
                        }
                    ],
                }
            ],
        }

    def event_for(self, item: Item, verb: str = "add") -> tuple[str, dict]:
        acc = self.accounts[item.account_id]
        if acc.platform == "facebook":
            return "facebook", self.feed_event(item, verb)
        return "instagram", self.ig_comment_event(item)

    def signed(self, payload: dict, secret: str | None = None) -> tuple[bytes, str]:
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return body, sign(body, self.app_secret if secret is None else secret)

    def send_webhook(self, platform: str, payload: dict, *, url: str = "", timeout: float = 10.0) -> int:
        """POST a signed event to somedesk, as Meta does. Returns the HTTP status."""
        body, signature = self.signed(payload)
        target = url or self.webhook_url.rstrip("/") + f"/{platform}/"
        request = urllib.request.Request(
            target,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Hub-Signature-256": signature,
                "User-Agent": "facebookexternalua",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    # --- serving -------------------------------------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        handler = type("Handler", (_Handler,), {"fake": self})
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-graph", daemon=True)
        self.thread.start()
        return self.url

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    # --- the API ---------------------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: dict, form: dict, token: str) -> tuple[int, dict, dict]:
        """Returns (status, body, extra headers)."""
        with self.lock:
            self.requests.append((method, path))
        if path.startswith("/_fake/"):
            return self._control(method, path, form)
        path = VERSION_RE.sub("", path).strip("/")
        fault = self._take_fault(path)
        if fault is not None:
            answer = self._fault_answer(fault)
            if answer is not None:
                return answer
        acc = self._auth(token)
        if isinstance(acc, tuple):
            return acc
        headers = self._usage_headers(acc)
        params = {**query, **form}
        with self.lock:
            status, body = self._route(method, path, params, acc)
        return status, body, headers

    def _usage_headers(self, acc: Account) -> dict:
        pct = self.usage_percent
        usage = {"call_count": pct, "total_cputime": max(1, pct // 2), "total_time": max(1, pct // 2)}
        if acc.platform == "facebook":
            return {"X-App-Usage": json.dumps(usage)}
        buc = {acc.id: [{"type": "instagram", **usage, "estimated_time_to_regain_access": 0}]}
        return {"X-Business-Use-Case-Usage": json.dumps(buc)}

    @staticmethod
    def error(
        message: str,
        code: int,
        *,
        subcode: int | None = None,
        etype: str = "OAuthException",
        status: int = 400,
        transient: bool = False,
    ) -> tuple[int, dict, dict]:
        err = {
            "message": message,
            "type": etype,
            "code": code,
            "fbtrace_id": base64.b64encode(random.randbytes(8)).decode().rstrip("="),
        }
        if subcode is not None:
            err["error_subcode"] = subcode
        if transient:
            err["is_transient"] = True
        return status, {"error": err}, {}

    def _fault_answer(self, fault: Fault):
        if fault.kind == "slow":
            time.sleep(fault.seconds or 1.0)
            return None
        if fault.kind == "rate_limit":
            code = fault.code or 4
            names = {
                4: "Application request limit reached",
                17: "User request limit reached",
                32: "Page request limit reached",
                613: "Calls to this api have exceeded the rate limit.",
                80001: "There have been too many calls to this Page account. Wait a bit and try again.",
            }
            status, body, _h = self.error(
                names.get(code, "Rate limit"), code, etype="OAuthException", status=400, transient=True
            )
            headers = {"X-App-Usage": json.dumps({"call_count": 100, "total_cputime": 30, "total_time": 40})}
            return status, body, headers
        if fault.kind == "token_expired":
            return self.error(
                "Error validating access token: Session has expired on Thursday, 26-Nov-26 04:00:00 PST.",
                190,
                subcode=463,
                status=400,
            )
        if fault.kind == "token_revoked":
            return self.error(
                "Error validating access token: The session has been invalidated because the "
                "user changed their password.",
                190,
                subcode=460,
                status=400,
            )
        if fault.kind == "permission":
            return self.error(
                "(#200) Requires pages_manage_engagement permission to manage the object",
                fault.code or 200,
                status=403,
            )
        if fault.kind == "server_error":
            return (
                500,
                {
                    "error": {
                        "message": "An unknown error has occurred.",
                        "type": "OAuthException",
                        "code": 1,
                        "is_transient": True,
                        "fbtrace_id": "AfakeTrace500",
                    }
                },
                {},
            )
        if fault.kind == "transient":
            return self.error(
                "An unexpected error has occurred. Please retry your request later.",
                2,
                status=503,
                transient=True,
            )
        if fault.kind == "not_found":
            return self.error(
                "Unsupported get request. Object with ID 'x' does not exist",
                100,
                subcode=33,
                etype="GraphMethodException",
            )
        return None

    def _auth(self, token: str):
        if not token:
            return self.error(
                "An active access token must be used to query information about the current user.", 2500
            )
        for acc in self.accounts.values():
            if hmac.compare_digest(acc.token, token):
                if acc.token_state == "expired":
                    return self.error("Error validating access token: Session has expired.", 190, subcode=463)
                if acc.token_state == "revoked":
                    return self.error(
                        "Error validating access token: The user has not authorized application.",
                        190,
                        subcode=458,
                    )
                return acc
        return self.error("Invalid OAuth access token - Cannot parse access token", 190)

    def _page(self, items: list[dict], params: dict, path: str) -> dict:
        limit = max(1, min(int(params.get("limit") or 25), 100))
        start = _decode_cursor(params.get("after")) if params.get("after") else 0
        chunk = items[start : start + limit]
        body: dict = {"data": chunk}
        if chunk:
            body["paging"] = {
                "cursors": {"before": _encode_cursor(start), "after": _encode_cursor(start + len(chunk))}
            }
            if start + len(chunk) < len(items):
                q = {k: v for k, v in params.items() if k != "access_token"}
                q["after"] = _encode_cursor(start + len(chunk))
                body["paging"]["next"] = f"https://graph.facebook.com/v21.0/{path}?{urlencode(q)}"
        return body

    def _route(self, method: str, path: str, params: dict, acc: Account) -> tuple[int, dict]:
        parts = path.split("/") if path else []
        if method == "GET" and not parts and params.get("ids"):
            out = {}
            for oid in params["ids"].split(","):
                item = self.items.get(oid)
                if item is not None and not item.deleted:
                    out[oid] = self._render(item, acc)
            return 200, out
        if not parts:
            return self.error("Unsupported request", 100)[:2]
        obj_id = parts[0]
        edge = parts[1] if len(parts) > 1 else ""
        if obj_id in self.accounts:
            if obj_id != acc.id:
                return self.error("(#10) Permission denied", 10, status=403)[:2]
            return self._account_route(method, edge, params, acc)
        item = self.items.get(obj_id)
        if item is None or item.deleted or item.account_id != acc.id:
            return self.error(
                f"Unsupported {method.lower()} request. Object with ID '{obj_id}' does not exist, "
                "cannot be loaded due to missing permissions, or does not support this operation.",
                100,
                subcode=33,
                etype="GraphMethodException",
            )[:2]
        if method == "GET" and not edge:
            return 200, self._render(item, acc)
        if method == "GET" and edge == "comments":
            return 200, self._page(self._comments_of(item, acc, params), params, path)
        if method == "POST" and not edge and item.kind == "comment":
            key = "is_hidden" if acc.platform == "facebook" else "hide"
            if key not in params:
                return self.error("(#100) Invalid parameter", 100)[:2]
            item.hidden = str(params[key]).lower() == "true"
            item.updated = time.time()
            return 200, {"success": True}
        if method == "DELETE" and not edge:
            item.deleted = True
            return 200, {"success": True}
        if method == "POST" and (
            (edge == "comments" and acc.platform == "facebook")
            or (edge == "replies" and acc.platform == "instagram")
        ):
            message = params.get("message", "")
            if not message:
                return self.error("(#100) Missing message", 100)[:2]
            post_id = item.id if item.kind == "post" else item.post_id
            parent = "" if item.kind == "post" else (item.parent_id or item.id)
            reply = self.add_comment(
                post_id, message, author_id=acc.id, author_name=acc.name, parent_id=parent
            )
            return 200, {"id": reply.id}
        return self.error("Unsupported request", 100)[:2]

    def _account_route(self, method: str, edge: str, params: dict, acc: Account) -> tuple[int, dict]:
        posts = sorted(
            (i for i in self.items.values() if i.account_id == acc.id and i.kind == "post" and not i.deleted),
            key=lambda i: (-i.created, i.id),
        )
        if method == "GET" and edge in ("feed", "posts", "published_posts", "media"):
            if params.get("since"):
                posts = [p for p in posts if p.created >= float(params["since"])]
            rendered = [self._render(p, acc) for p in posts]
            return 200, self._page(rendered, params, f"{acc.id}/{edge}")
        if method == "GET" and not edge:
            fields = params.get("fields", "")
            m = re.search(r"mentioned_comment\.comment_id\((\w+)\)", fields)
            if m:
                item = self.items.get(m.group(1))
                if item is None or item.deleted:
                    return self.error("(#100) Invalid comment id", 100, subcode=33)[:2]
                return 200, {
                    "mentioned_comment": {
                        "id": item.id,
                        "text": item.text,
                        "timestamp": graph_time(item.created),
                        "username": item.author_name,
                        "from": {"id": item.author_id, "username": item.author_name},
                        "media": {"id": item.post_id},
                    },
                    "id": acc.id,
                }
            return 200, {"id": acc.id, "name": acc.name}
        if method == "POST" and edge == "feed" and acc.platform == "facebook":
            if not params.get("message") and not params.get("link"):
                return self.error("(#100) Missing message or attachment", 100)[:2]
            post = self.add_post(acc.id, params.get("message", ""))
            return 200, {"id": post.id}
        if method == "POST" and edge == "media" and acc.platform == "instagram":
            if not params.get("image_url"):
                return self.error("(#100) The parameter image_url is required", 100)[:2]
            cid = self.new_id()
            self.blocked.setdefault("_containers", set()).add((cid, params.get("caption", "")))
            return 200, {"id": cid}
        if method == "POST" and edge == "media_publish" and acc.platform == "instagram":
            for cid, caption in list(self.blocked.get("_containers", set())):
                if cid == params.get("creation_id"):
                    post = self.add_post(acc.id, caption)
                    return 200, {"id": post.id}
            return self.error("(#100) Invalid creation_id", 100)[:2]
        if method == "POST" and edge == "blocked" and acc.platform == "facebook":
            user = params.get("user") or params.get("uid") or ""
            self.blocked.setdefault(acc.id, set()).add(user)
            return 200, {user: True}
        return self.error("Unsupported request", 100)[:2]

    def _render(self, item: Item, acc: Account) -> dict:
        if acc.platform == "facebook":
            if item.kind == "post":
                out = {
                    "id": item.id,
                    "message": item.text,
                    "created_time": graph_time(item.created),
                    "permalink_url": f"https://www.facebook.com/{item.id}",
                    "is_hidden": item.hidden,
                }
                if item.updated:
                    out["updated_time"] = graph_time(item.updated)
                return out
            out = {
                "id": item.id,
                "message": item.text,
                "created_time": graph_time(item.created),
                "from": {"id": item.author_id, "name": item.author_name},
                "is_hidden": item.hidden,
                "permalink_url": f"https://www.facebook.com/{item.post_id}?comment_id={item.id}",
            }
            if item.parent_id:
                out["parent"] = {
                    "id": item.parent_id,
                    "created_time": graph_time(self.items[item.parent_id].created)
                    if item.parent_id in self.items
                    else graph_time(item.created),
                }
            return out
        if item.kind == "post":
            return {
                "id": item.id,
                "caption": item.text,
                "timestamp": graph_time(item.created),
                "permalink": f"https://www.instagram.com/p/{item.id}/",
                "media_type": "IMAGE",
                "comments_count": sum(
                    1 for i in self.items.values() if i.post_id == item.id and not i.deleted
                ),
            }
        out = {
            "id": item.id,
            "text": item.text,
            "timestamp": graph_time(item.created),
            "username": item.author_name,
            "from": {"id": item.author_id, "username": item.author_name},
            "hidden": item.hidden,
            "media": {"id": item.post_id},
        }
        if item.parent_id:
            out["parent_id"] = item.parent_id
        return out

    def _comments_of(self, item: Item, acc: Account, params: dict) -> list[dict]:
        comments = sorted(
            (
                i
                for i in self.items.values()
                if i.kind == "comment"
                and not i.deleted
                and i.post_id == (item.id if item.kind == "post" else item.post_id)
            ),
            key=lambda i: (i.created, i.id),
        )
        if item.kind == "comment":  # comments of a comment: its replies
            comments = [c for c in comments if c.parent_id == item.id]
        elif acc.platform == "facebook" and params.get("filter") != "stream":
            comments = [c for c in comments if not c.parent_id]
        if acc.platform == "instagram" and item.kind == "post":
            top = [c for c in comments if not c.parent_id]
            out = []
            for c in top:
                rendered = self._render(c, acc)
                replies = [self._render(r, acc) for r in comments if r.parent_id == c.id]
                if replies:
                    rendered["replies"] = {"data": replies}
                out.append(rendered)
            return out
        return [self._render(c, acc) for c in comments]

    # --- control over HTTP (for a fake server in another process) -----------------------------------------
    def _control(self, method: str, path: str, data: dict) -> tuple[int, dict, dict]:
        action = path[len("/_fake/") :].strip("/")
        with self.lock:
            if action == "state":
                return (
                    200,
                    {
                        "accounts": len(self.accounts),
                        "items": len(self.items),
                        "faults": len(self.faults),
                        "requests": len(self.requests),
                    },
                    {},
                )
            if action == "fault":
                self.fault(
                    data["kind"],
                    int(data.get("times", 1)),
                    path=data.get("path", ""),
                    code=int(data["code"]) if data.get("code") else None,
                    seconds=float(data.get("seconds", 0)),
                )
                return 200, {"ok": True}, {}
            if action == "clear":
                self.clear_faults()
                return 200, {"ok": True}, {}
            if action == "usage":
                self.usage_percent = int(data.get("percent", 5))
                return 200, {"ok": True}, {}
            if action == "token":
                self.set_token(
                    data["account"],
                    data.get("token", self.accounts[data["account"]].token),
                    data.get("state", "valid"),
                )
                return 200, {"ok": True}, {}
            if action == "account":
                self.add_account(data["platform"], data["id"], data.get("name", data["id"]), data["token"])
                return 200, {"ok": True}, {}
            if action == "post":
                post = self.add_post(data["account"], data.get("text", ""))
                return 200, {"id": post.id}, {}
        if action == "comment":
            # Create a comment on the platform and (unless told not to) send its webhook to somedesk.
            comment = self.add_comment(
                data["post"],
                data.get("text", ""),
                author_name=data.get("author", ""),
                parent_id=data.get("parent", ""),
            )
            status = None
            if data.get("webhook", True) and self.webhook_url:
                status = self.send_webhook(*self.event_for(comment))
            return 200, {"id": comment.id, "webhook_status": status}, {}
        return 404, {"error": {"message": f"unknown control {action}"}}, {}


def _encode_cursor(n: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{n}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return int(raw.split(":", 1)[1])
    except (ValueError, IndexError):
        return 0


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGraph
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet
        pass

    def _serve(self, method: str) -> None:
        parsed = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(parsed.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        form: dict = {}
        if raw:
            if (self.headers.get("Content-Type") or "").startswith("application/json"):
                try:
                    form = json.loads(raw)
                except ValueError:
                    form = {}
            else:
                form = {k: v[-1] for k, v in parse_qs(raw.decode("utf-8"), keep_blank_values=True).items()}
        auth = self.headers.get("Authorization", "")
        token = (
            auth.split(" ", 1)[1].strip()
            if " " in auth
            else query.pop("access_token", "") or form.pop("access_token", "")
        )
        try:
            status, body, headers = self.fake.handle(method, parsed.path, query, form, token)
        except Exception as exc:  # a bug in the fake should look like a platform 500, not hang the client
            status, body, headers = 500, {"error": {"message": f"fake graph error: {exc}", "code": 1}}, {}
        payload = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_DELETE(self):
        self._serve("DELETE")


# --- demo seed and CLI ---------------------------------------------------------------------------------

DEMO_FACEBOOK = ("104857600112233", "Fjordvik kommune", "fake-facebook-token")
DEMO_INSTAGRAM = ("17841400123456789", "fjordvikkommune", "fake-instagram-token")
DEMO_COMMENTS = [
    "Når åpner biblioteket igjen etter oppussingen?",
    "Takk for god brøyting i dag!",
    "Hvorfor er gatelyset i Storgata fortsatt slukket?",
    "Kan dere legge ut sakspapirene til kommunestyret?",
    "Bussen gikk ikke i dag morges heller.",
    "Flott arrangement på torget i helgen 👏",
]


def seed_demo(fake: FakeGraph) -> dict:
    fb = fake.add_account("facebook", *DEMO_FACEBOOK)
    ig = fake.add_account("instagram", *DEMO_INSTAGRAM)
    now = time.time()
    fb_post = fake.add_post(
        fb.id, "Vintervedlikehold: slik brøyter vi i Fjordvik denne vinteren.", now - 3600
    )
    ig_post = fake.add_post(ig.id, "Nordlys over Fjordvik i kveld ✨", now - 1800)
    fake.add_comment(fb_post.id, "Bra informasjon, takk!", author_name="Kari Nordmann", created=now - 3000)
    fake.add_comment(ig_post.id, "Nydelig!", author_name="fjordfan", created=now - 1500)
    return {"facebook_post": fb_post.id, "instagram_post": ig_post.id}


def live(fake: FakeGraph, posts: dict, interval: float, stop: threading.Event) -> None:
    """Post a new comment now and then, and send its webhook: the demo sees comments arrive live."""
    names = ["Kari Nordmann", "Ola Hansen", "Ingrid Berg", "Per Olsen", "Sigrid Lie"]
    n = 0
    while not stop.wait(interval):
        post_id = posts["facebook_post"] if n % 2 == 0 else posts["instagram_post"]
        comment = fake.add_comment(
            post_id, DEMO_COMMENTS[n % len(DEMO_COMMENTS)], author_name=names[n % len(names)]
        )
        try:
            fake.send_webhook(*fake.event_for(comment))
        except OSError:
            pass  # somedesk not up yet; polling will find the comment
        n += 1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="fakegraph", description="A fake Graph API on loopback.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--app-secret", default="fake-app-secret", help="signs webhook events (META_APP_SECRET)"
    )
    parser.add_argument(
        "--webhook-url", default="", help="somedesk's webhook base, e.g. http://127.0.0.1:8000/webhooks/"
    )
    parser.add_argument("--seed", action="store_true", help="create the Fjordvik demo page and account")
    parser.add_argument("--live", type=float, default=0, help="send a new comment every N seconds")
    args = parser.parse_args(argv)
    fake = FakeGraph(app_secret=args.app_secret, webhook_url=args.webhook_url)
    posts = seed_demo(fake) if args.seed else {}
    url = fake.start(args.host, args.port)
    print(f"fake Graph API on {url}/v21.0 (control: {url}/_fake/state)", flush=True)
    stop = threading.Event()
    if args.live and posts:
        threading.Thread(target=live, args=(fake, posts, args.live, stop), daemon=True).start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        stop.set()
        fake.stop()


if __name__ == "__main__":
    main()
