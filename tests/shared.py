"""Where the read-only project material (../shared beside the checkout) is: the guideline, the
evaluation set and the official Noark 5 schemas. CI lays a copy beside its clone; SOMEDESK_SHARED overrides."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SOMEDESK_SHARED", ROOT.parent / "shared"))


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared project material lies beside the checkout)")
    return path
