"""somedesk's triage engine: a plain Python package (no Django) that decides, for each citizen's comment,
what the municipality's social-media guideline says must happen. Entry point: :func:`decide`."""

from .decide import decide, derive_reply, get_engine  # noqa: F401
