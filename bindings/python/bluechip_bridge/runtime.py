"""Where the bridge comes from: the single-file bundle shipped in this package (or a source checkout's
build), run with the ``node`` found on PATH; or whatever ``BLUECHIP_BRIDGE_COMMAND`` says."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from .errors import BridgeStartError, BundleNotFoundError, NodeNotFoundError, NodeTooOldError

#: The oldest Node.js the bundle runs on.
MINIMUM_NODE: Tuple[int, int] = (20, 0)

COMMAND_VARIABLE = "BLUECHIP_BRIDGE_COMMAND"

_PACKAGED = Path(__file__).resolve().parent / "dist" / "bluechip.mjs"
# A source checkout (bindings/python/bluechip_bridge → the repository root): the built bundle.
_CHECKOUT = Path(__file__).resolve().parents[3] / "packages" / "cli" / "dist" / "bluechip.mjs"

_node_versions: Dict[str, Tuple[int, int, int]] = {}


def bundle_path() -> Path:
    """The bridge bundle: a source checkout's build (fresher than a copy left by an earlier wheel build),
    else the copy in this package (what an installed wheel has)."""
    for candidate in (_CHECKOUT, _PACKAGED):
        if candidate.is_file():
            return candidate
    raise BundleNotFoundError(
        f"the bridge bundle is missing: neither {_PACKAGED} (an installed wheel carries it) nor {_CHECKOUT} "
        f"(a source checkout after `npm run build`) exists. Reinstall the package, build the repository, or set "
        f"{COMMAND_VARIABLE} to the command that starts the bridge (e.g. 'bluechip serve --stdio')."
    )


def node_version(node: str) -> Tuple[int, int, int]:
    """``node --version`` as numbers (asked once per executable)."""
    known = _node_versions.get(node)
    if known is not None:
        return known
    try:
        run = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise NodeNotFoundError(
            f"cannot run {node} --version ({error}). Install Node.js >= {MINIMUM_NODE[0]}, or set "
            f"{COMMAND_VARIABLE} to the command that starts the bridge."
        ) from error
    match = re.match(r"v(\d+)\.(\d+)\.(\d+)", run.stdout.strip())
    if run.returncode != 0 or match is None:
        raise NodeNotFoundError(
            f"{node} --version printed {run.stdout.strip()!r} (exit {run.returncode}): not Node.js. Install "
            f"Node.js >= {MINIMUM_NODE[0]}, or set {COMMAND_VARIABLE} to the command that starts the bridge."
        )
    version = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
    _node_versions[node] = version
    return version


def find_node() -> str:
    """The ``node`` executable on PATH, checked to be recent enough."""
    node = shutil.which("node")
    if node is None:
        raise NodeNotFoundError(
            f"node was not found on PATH: the bridge runs on Node.js >= {MINIMUM_NODE[0]} (https://nodejs.org). "
            f"Install it, or set {COMMAND_VARIABLE} to the command that starts the bridge."
        )
    version = node_version(node)
    if version[:2] < MINIMUM_NODE:
        raise NodeTooOldError(
            f"{node} is Node.js {'.'.join(map(str, version))}; the bridge needs >= {MINIMUM_NODE[0]}. Upgrade it "
            f"(or put a newer node first on PATH), or set {COMMAND_VARIABLE} to the command that starts the bridge."
        )
    return node


def default_command(*, max_message_bytes: Optional[int] = None) -> List[str]:
    """How to start the bridge: ``$BLUECHIP_BRIDGE_COMMAND`` (split as a shell would), else ``node`` running
    the bundle with ``serve --stdio`` (``--max-message-bytes`` when given, so both ends share one limit).
    Raises a ``BridgeStartError`` subclass saying what is missing."""
    configured = os.environ.get(COMMAND_VARIABLE)
    if configured:
        command = shlex.split(configured)
        if not command:
            raise BridgeStartError(f"{COMMAND_VARIABLE} is set but holds no command")
        return command
    bundle = bundle_path()
    command = [find_node(), str(bundle), "serve", "--stdio"]
    if max_message_bytes is not None:
        command += ["--max-message-bytes", str(max_message_bytes)]
    return command
