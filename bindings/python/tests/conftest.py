"""Shared fixtures: where the bridge bundle is, and how to run it."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import List

import pytest

from bluechip_bridge.runtime import bundle_path

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
REPOSITORY = PACKAGE_ROOT.parents[1]


@pytest.fixture(scope="session")
def node() -> str:
    found = shutil.which("node")
    assert found is not None, "node is needed to run the bridge"
    return found


@pytest.fixture(scope="session")
def bundle() -> Path:
    """The single-file bridge (built by `npm run build`); the tests fail, saying so, when it is missing."""
    return bundle_path()


@pytest.fixture(scope="session")
def bridge_command(node: str, bundle: Path) -> List[str]:
    return [node, str(bundle), "serve", "--stdio"]
