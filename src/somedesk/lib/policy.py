"""Loading the municipality's policy file (``policy/default.yaml`` or a copy).

The policy is the guideline as data. Several apps own top-level sections of it; each app registers a
validator for its own section::

    from somedesk.lib.policy import register_section, PolicyError

    def validate_deadlines(value, path):
        if not isinstance(value, dict):
            raise PolicyError("must be a mapping of route to hours", path)
        return value            # the (possibly converted) value stored in Policy.sections

    register_section("deadlines", validate_deadlines)

Registration is done in a module called ``somedesk.<app>.policy_schema``; the loader imports those
modules for every app in ``SECTION_PROVIDERS`` before it validates, so registrations are in place without
Django having started. A key nobody registered is refused, as is a broken file, with a message that
names the key and the line (``policy/default.yaml, line 12, key routes[3].reply: ...``).

This module imports no Django.
"""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]
Validator = Callable[[Any, Path_], Any]

SECTION_PROVIDERS = (
    "lib",
    "accounts",
    "audit",
    "channels",
    "inbox",
    "triage",
    "moderation",
    "replies",
    "records",
    "publishing",
    "reports",
)

_VALIDATORS: dict[str, Validator] = {}
_discovered = False


class PolicyError(ValueError):
    """A policy file that cannot be used. ``str()`` names the file, line and key."""

    def __init__(self, message: str, path: Path_ = (), line: int | None = None, source: str | None = None):
        self.message = message
        self.path = tuple(path)
        self.line = line
        self.source = source
        super().__init__(message)

    @property
    def key(self) -> str:
        return format_path(self.path)

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(str(self.source))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.path:
            where.append(f"key {self.key}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


def format_path(path: Path_) -> str:
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


def register_section(name: str, validator: Validator) -> None:
    """Register the validator of a top-level policy section. Re-registering replaces it."""
    _VALIDATORS[name] = validator


def registered_sections() -> tuple[str, ...]:
    discover()
    return tuple(sorted(_VALIDATORS))


def discover() -> None:
    """Import ``somedesk.<app>.policy_schema`` of every app so that their sections are registered."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    for app in SECTION_PROVIDERS:
        name = f"somedesk.{app}.policy_schema"
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name not in (name, f"somedesk.{app}"):
                raise


@dataclass
class Policy:
    """A validated policy. ``sections`` maps each top-level key to its validated value."""

    sections: dict[str, Any]
    version: str
    source: str = ""
    lines: dict[Path_, int] = field(default_factory=dict, repr=False)

    def __getitem__(self, key: str) -> Any:
        return self.sections[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.sections.get(key, default)

    def line_of(self, *path: str | int) -> int | None:
        return _line_for(self.lines, tuple(path))


def _line_for(lines: dict[Path_, int], path: Path_) -> int | None:
    p = tuple(path)
    while p:
        if p in lines:
            return lines[p]
        p = p[:-1]
    return None


def _construct(node: yaml.Node, path: Path_, lines: dict[Path_, int], source: str, loader=None) -> Any:
    """Build Python data from a composed YAML node, recording the line of every key and item."""
    if loader is None:
        loader = yaml.SafeLoader("")
        try:
            return _construct(node, path, lines, source, loader)
        finally:
            loader.dispose()
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise PolicyError("a key must be a plain word", path, key_node.start_mark.line + 1, source)
            key = key_node.value
            if key in out:
                raise PolicyError(
                    f"duplicate key '{key}'", path + (key,), key_node.start_mark.line + 1, source
                )
            out[key] = _construct(value_node, path + (key,), lines, source, loader)
            lines[path + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_construct(v, path + (i,), lines, source, loader) for i, v in enumerate(node.value)]
    # scalar: let the safe constructor resolve ints, bools, nulls, dates
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise PolicyError(f"unreadable value: {exc}", path, node.start_mark.line + 1, source) from None


def parse_policy(text: str, source: str = "<policy>") -> Policy:
    """Parse and validate policy YAML text. Raises PolicyError naming the key and the line."""
    discover()
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise PolicyError(f"not valid YAML: {exc.problem or exc}", (), line, source) from None
    except yaml.YAMLError as exc:
        raise PolicyError(f"not valid YAML: {exc}", (), None, source) from None
    if root is None:
        raise PolicyError("the policy file is empty", (), 1, source)
    if not isinstance(root, yaml.MappingNode):
        raise PolicyError("the policy must be a mapping of sections", (), root.start_mark.line + 1, source)
    lines: dict[Path_, int] = {}
    data = _construct(root, (), lines, source)
    sections: dict[str, Any] = {}
    for key, value in data.items():
        validator = _VALIDATORS.get(key)
        if validator is None:
            known = ", ".join(sorted(_VALIDATORS))
            raise PolicyError(
                f"unknown section '{key}' (known sections: {known})", (key,), lines.get((key,)), source
            )
        try:
            sections[key] = validator(value, (key,))
        except PolicyError as exc:
            exc.line = exc.line or _line_for(lines, exc.path or (key,))
            exc.path = exc.path or (key,)
            exc.source = source
            raise
    version = str(data.get("version", "0"))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return Policy(sections=sections, version=f"{version}+{digest}", source=source, lines=lines)


def default_policy_path() -> Path:
    env = os.environ.get("SOMEDESK_POLICY")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "policy" / "default.yaml"
        if candidate.is_file():
            return candidate
    return here.parents[3] / "policy" / "default.yaml"


def load_policy(path: str | os.PathLike | None = None) -> Policy:
    """Load and validate a policy file (default: $SOMEDESK_POLICY or the repository's policy/default.yaml)."""
    p = Path(path) if path else default_policy_path()
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"cannot read the policy file: {exc.strerror}", (), None, str(p)) from None
    except UnicodeDecodeError:
        raise PolicyError("the policy file is not UTF-8", (), None, str(p)) from None
    return parse_policy(text, str(p))


# ------------------------------------------------------------------------------------------------
# Small helpers for validators
# ------------------------------------------------------------------------------------------------
def expect_mapping(value: Any, path: Path_) -> dict:
    if not isinstance(value, dict):
        raise PolicyError(f"must be a mapping, not {_kind(value)}", path)
    return value


def expect_list(value: Any, path: Path_) -> list:
    if not isinstance(value, list):
        raise PolicyError(f"must be a list, not {_kind(value)}", path)
    return value


def expect_str(value: Any, path: Path_, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise PolicyError(f"must be a non-empty text, not {_kind(value)}", path)
    return value


def expect_keys(value: dict, path: Path_, required: set[str], optional: set[str] = frozenset()) -> None:
    for k in value:
        if k not in required and k not in optional:
            allowed = ", ".join(sorted(required | set(optional)))
            raise PolicyError(f"unknown key '{k}' (allowed: {allowed})", path + (k,))
    for k in sorted(required):
        if k not in value:
            raise PolicyError(f"missing key '{k}'", path)


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    return {
        dict: "a mapping",
        list: "a list",
        str: "a text",
        int: "a number",
        float: "a number",
        bool: "true/false",
    }.get(type(value), type(value).__name__)


def _validate_version(value: Any, path: Path_) -> Any:
    if not isinstance(value, str | int | float):
        raise PolicyError("must be a version text such as '2026.1'", path)
    return str(value)


def _validate_municipality(value: Any, path: Path_) -> dict:
    expect_mapping(value, path)
    expect_keys(value, path, {"name"}, {"domains", "homepage", "email", "phone", "language"})
    expect_str(value["name"], path + ("name",))
    domains = expect_list(value.get("domains", []), path + ("domains",))
    for i, d in enumerate(domains):
        expect_str(d, path + ("domains", i))
    return value


register_section("version", _validate_version)
register_section("municipality", _validate_municipality)
