"""Reading Graph-API-shaped files for `somedesk import`.

Two shapes are accepted:

* JSON: a page feed as ``GET /{page-id}/feed?fields=id,message,created_time,updated_time,permalink_url,
  is_hidden,from,comments{id,message,created_time,from,parent,is_hidden,comments{...}}`` returns it:
  ``{"data": [post, ...], "paging": {...}}``. A bare list of post objects, or a list of such feed pages,
  is accepted too.
* JSON Lines: one post object per line (blank lines are skipped).

Each post object becomes one :class:`Record`: the exact source text of the object (kept as a RawEvent),
where it was found (``line 12`` or ``line 3, column 5``) and the parsed PostData / CommentData. Nothing
here writes to the database; the import service does that batch by batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.utils.translation import gettext as _

from somedesk.channels.types import CommentData, PostData

_decoder = json.JSONDecoder()
_WS = " \t\n\r"


class ImportFormatError(ValueError):
    """A file that cannot be imported. ``str()`` names the file and the line (and column)."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None, path: str = ""):
        self.message, self.line, self.column, self.path = message, line, column, path
        super().__init__(message)

    @property
    def where(self) -> str:
        if self.line is None:
            return ""
        if self.column is None:
            return _("linje %(line)s") % {"line": self.line}
        return _("linje %(line)s, kolonne %(column)s") % {"line": self.line, "column": self.column}

    def __str__(self) -> str:
        prefix = ", ".join(part for part in (self.path, self.where) if part)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass
class Record:
    """One post object of the file, parsed and validated."""

    body: str  # the object's text exactly as it stands in the file
    line: int
    column: int | None
    page_id: str  # the page part of "{page-id}_{post-id}", "" when the id has none
    page_name: str  # the post's "from" name when the page wrote it (names a new channel)
    post: PostData
    comments: list[CommentData] = field(default_factory=list)


class _Positions:
    """Line and column of an index, counted incrementally (posts come in file order)."""

    def __init__(self):
        self.index, self.line = 0, 1

    def __call__(self, text: str, index: int) -> tuple[int, int]:
        if index < self.index:
            self.index, self.line = 0, 1
        self.line += text.count("\n", self.index, index)
        self.index = index
        return self.line, index - (text.rfind("\n", 0, index) + 1) + 1


def _position(text: str, index: int) -> tuple[int, int]:
    return _Positions()(text, index)


def _skip_ws(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WS:
        index += 1
    return index


def _syntax_error(exc: json.JSONDecodeError, line_offset: int = 0) -> ImportFormatError:
    return ImportFormatError(
        _("ugyldig JSON (%(problem)s)") % {"problem": exc.msg},
        line=exc.lineno + line_offset,
        column=exc.colno,
    )


def _parse_time(value, where) -> datetime:
    if not isinstance(value, str) or not value:
        raise ValueError(_("%(where)s mangler tidspunkt") % {"where": where})
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            _("%(where)s har et ugyldig tidspunkt: %(value)s") % {"where": where, "value": value}
        ) from None
    if parsed.tzinfo is None:
        raise ValueError(
            _("%(where)s har et tidspunkt uten tidssone: %(value)s") % {"where": where, "value": value}
        )
    return parsed


def _text(value, where) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(_("%(where)s: «message» må være tekst") % {"where": where})
    return value


def _edge(obj: dict, name: str, where) -> list:
    """The ``data`` list of a connection such as ``comments``; absent means empty."""
    value = obj.get(name)
    if value is None:
        return []
    if isinstance(value, list):  # already flattened
        return value
    if not isinstance(value, dict) or not isinstance(value.get("data", []), list):
        raise ValueError(_("%(where)s: «%(name)s» må ha en «data»-liste") % {"where": where, "name": name})
    return value.get("data", [])


class _Where:
    """Names the object an error is about; translated only when a message is actually built."""

    __slots__ = ("kind", "ident")

    def __init__(self, kind: str, ident: str):
        self.kind, self.ident = kind, ident

    def __str__(self) -> str:
        if self.kind == "post":
            return _("innlegg %(id)s") % {"id": self.ident}
        return _("kommentar %(id)s") % {"id": self.ident}


def _state(obj: dict) -> str:
    return "hidden" if obj.get("is_hidden") is True else "visible"


def parse_post(obj, *, page_id_required: bool) -> tuple[str, str, PostData, list[CommentData]]:
    """Turn one Graph post object into plain data. Raises ValueError with a message for the user."""
    if not isinstance(obj, dict):
        raise ValueError(_("forventet et innleggsobjekt ({...})"))
    post_id = obj.get("id")
    if not isinstance(post_id, str) or not post_id:
        raise ValueError(_("innlegget mangler «id»"))
    page_id = post_id.split("_", 1)[0] if "_" in post_id else ""
    if page_id_required and not page_id:
        raise ValueError(
            _("innleggs-id %(id)s har ikke formen {side-id}_{innlegg-id}; oppgi --channel") % {"id": post_id}
        )
    where = _Where("post", post_id)
    post = PostData(
        external_id=post_id,
        created_time=_parse_time(obj.get("created_time"), where),
        text=_text(obj.get("message"), where),
        permalink=obj.get("permalink_url") or "",
        updated_time=_parse_time(obj["updated_time"], where) if obj.get("updated_time") else None,
        state=_state(obj),
    )
    if not isinstance(post.permalink, str):
        raise ValueError(_("%(where)s: «permalink_url» må være tekst") % {"where": where})
    comments: list[CommentData] = []
    _collect_comments(obj, post_id, "", page_id, comments, where)
    author = obj.get("from")
    page_name = ""
    if isinstance(author, dict) and str(author.get("id") or "") == page_id:
        page_name = str(author.get("name") or "")
    return page_id, page_name, post, comments


def _collect_comments(obj: dict, post_id: str, parent_id: str, page_id: str, out: list, where) -> None:
    for item in _edge(obj, "comments", where):
        if not isinstance(item, dict):
            raise ValueError(_("%(where)s: en kommentar må være et objekt") % {"where": where})
        comment_id = item.get("id")
        if not isinstance(comment_id, str) or not comment_id:
            raise ValueError(_("%(where)s: en kommentar mangler «id»") % {"where": where})
        here = _Where("comment", comment_id)
        author = item.get("from") or {}
        if not isinstance(author, dict):
            raise ValueError(_("%(where)s: «from» må være et objekt") % {"where": here})
        parent = item.get("parent")
        explicit_parent = parent.get("id", "") if isinstance(parent, dict) else ""
        author_id = str(author.get("id") or "")
        out.append(
            CommentData(
                external_id=comment_id,
                post_external_id=post_id,
                created_time=_parse_time(item.get("created_time"), here),
                text=_text(item.get("message"), here),
                author_external_id=author_id,
                author_name=str(author.get("name") or ""),
                parent_external_id=explicit_parent or parent_id,
                updated_time=_parse_time(item["updated_time"], here) if item.get("updated_time") else None,
                state=_state(item),
                from_page=bool(page_id) and author_id == page_id,
            )
        )
        _collect_comments(item, post_id, comment_id, page_id, out, here)


def _record(body: str, obj, line: int, column: int | None, page_id_required: bool) -> Record:
    try:
        page_id, page_name, post, comments = parse_post(obj, page_id_required=page_id_required)
    except ValueError as exc:
        raise ImportFormatError(str(exc), line=line, column=column) from None
    return Record(
        body=body,
        line=line,
        column=column,
        page_id=page_id,
        page_name=page_name,
        post=post,
        comments=comments,
    )


def read_records(path: str | Path, *, page_id_required: bool = True) -> Iterator[Record]:
    """Yield every post object of the file, validated. Raises ImportFormatError naming the position."""
    path = Path(path)
    try:
        with path.open("r", encoding="utf-8") as handle:
            first = handle.read(4096)
    except UnicodeDecodeError:
        raise ImportFormatError(_("filen er ikke UTF-8"), path=str(path)) from None
    except OSError as exc:
        raise ImportFormatError(
            _("kan ikke lese filen (%(why)s)") % {"why": exc.strerror}, path=str(path)
        ) from None
    try:
        if _looks_like_json_lines(path, first):
            yield from _read_json_lines(path, page_id_required)
        else:
            yield from _read_json(path, page_id_required)
    except ImportFormatError as exc:
        exc.path = exc.path or str(path)
        raise
    except UnicodeDecodeError:
        raise ImportFormatError(_("filen er ikke UTF-8"), path=str(path)) from None


def _looks_like_json_lines(path: Path, head: str) -> bool:
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return True
    if path.suffix.lower() == ".json":
        return False
    # No telling suffix: a feed starts with {"data": or [; JSON Lines has one object per line.
    stripped = head.lstrip()
    if stripped.startswith("["):
        return False
    first_line = stripped.split("\n", 1)[0]
    try:
        obj = json.loads(first_line)
    except json.JSONDecodeError:
        return False
    return isinstance(obj, dict) and "data" not in obj


def _read_json_lines(path: Path, page_id_required: bool) -> Iterator[Record]:
    with path.open("r", encoding="utf-8", newline="") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ImportFormatError(
                    _("ugyldig JSON (%(problem)s)") % {"problem": exc.msg}, line=number, column=exc.colno
                ) from None
            if isinstance(obj, dict) and "id" not in obj and isinstance(obj.get("data"), list):
                # A whole feed page on one line: each post is its own record.
                for post in obj["data"]:
                    yield _record(json.dumps(post, ensure_ascii=False), post, number, None, page_id_required)
                continue
            yield _record(line, obj, number, None, page_id_required)


def _read_json(path: Path, page_id_required: bool) -> Iterator[Record]:
    """Walk the document with raw_decode so that each post keeps its exact text and position."""
    text = path.read_text(encoding="utf-8")
    index = _skip_ws(text, 0)
    if index >= len(text):
        raise ImportFormatError(_("filen er tom"), line=1, column=1)
    try:
        positions = _Positions()
        if text[index] == "{":
            end = yield from _feed_page(text, index, page_id_required, positions)
        elif text[index] == "[":
            end = yield from _array(text, index, page_id_required, positions, pages_allowed=True)
        else:
            line, column = _position(text, index)
            raise ImportFormatError(
                _('forventet en feed ({"data": [...]}) eller en liste med innlegg'), line=line, column=column
            )
    except json.JSONDecodeError as exc:
        raise _syntax_error(exc) from None
    rest = _skip_ws(text, end)
    if rest < len(text):
        line, column = _position(text, rest)
        raise ImportFormatError(_("uventet tekst etter slutten av dokumentet"), line=line, column=column)


def _array(text: str, index: int, page_id_required: bool, positions: _Positions, *, pages_allowed: bool):
    """Yield the records of a JSON array of posts (or of feed pages); return the index after it."""
    index = _skip_ws(text, index + 1)
    if index < len(text) and text[index] == "]":
        return index + 1
    while True:
        start = index
        if pages_allowed and text.startswith("{", start) and _is_feed_page(text, start):
            index = yield from _feed_page(text, start, page_id_required, positions)
        else:
            obj, index = _decoder.raw_decode(text, start)
            line, column = positions(text, start)
            yield _record(text[start:index], obj, line, column, page_id_required)
        index = _skip_ws(text, index)
        if index >= len(text):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, index)
        if text[index] == "]":
            return index + 1
        if text[index] != ",":
            raise json.JSONDecodeError("Expecting ',' delimiter", text, index)
        index = _skip_ws(text, index + 1)


def _is_feed_page(text: str, index: int) -> bool:
    index = _skip_ws(text, index + 1)
    key, _end = _decoder.raw_decode(text, index) if index < len(text) and text[index] == '"' else (None, 0)
    return key in ("data", "paging")


def _feed_page(text: str, index: int, page_id_required: bool, positions: _Positions):
    """Yield the records of one feed page object (other keys, such as paging, are skipped); return the
    index after it."""
    index = _skip_ws(text, index + 1)
    seen_data = False
    if index < len(text) and text[index] == "}":
        raise _missing_data(text, index)
    while True:
        if index >= len(text) or text[index] != '"':
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, index)
        key, index = _decoder.raw_decode(text, index)
        index = _skip_ws(text, index)
        if index >= len(text) or text[index] != ":":
            raise json.JSONDecodeError("Expecting ':' delimiter", text, index)
        index = _skip_ws(text, index + 1)
        if key == "data":
            if index >= len(text) or text[index] != "[":
                line, column = _position(text, index)
                raise ImportFormatError(_("«data» må være en liste med innlegg"), line=line, column=column)
            seen_data = True
            index = yield from _array(text, index, page_id_required, positions, pages_allowed=False)
        else:
            _value, index = _decoder.raw_decode(text, index)
        index = _skip_ws(text, index)
        if index >= len(text):
            raise json.JSONDecodeError("Expecting ',' delimiter", text, index)
        if text[index] == "}":
            if not seen_data:
                raise _missing_data(text, index)
            return index + 1
        if text[index] != ",":
            raise json.JSONDecodeError("Expecting ',' delimiter", text, index)
        index = _skip_ws(text, index + 1)


def _missing_data(text: str, index: int) -> ImportFormatError:
    line, column = _position(text, index)
    return ImportFormatError(_("feeden mangler «data»"), line=line, column=column)
