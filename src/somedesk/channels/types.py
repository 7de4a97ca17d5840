"""Plain data that channel adapters return. Adapters never import the inbox; the inbox turns these
into rows. Times are timezone-aware datetimes."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class PostData:
    external_id: str
    created_time: datetime
    text: str | None = ""  # None: this event does not carry the text (leave it as it is)
    permalink: str = ""
    updated_time: datetime | None = None
    state: str = "visible"  # visible / hidden / deleted


@dataclass(frozen=True)
class CommentData:
    external_id: str
    post_external_id: str
    created_time: datetime
    text: str | None = ""  # None: the event does not carry the text (e.g. a deletion)
    author_external_id: str = ""
    author_name: str = ""
    parent_external_id: str = ""
    updated_time: datetime | None = None
    state: str = "visible"
    from_page: bool = False


@dataclass
class Batch:
    """What one payload (a feed page, a webhook delivery, a file line) contains."""

    posts: list[PostData] = field(default_factory=list)
    comments: list[CommentData] = field(default_factory=list)
