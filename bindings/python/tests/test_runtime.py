"""Starting the bridge: the bundled one by default, BLUECHIP_BRIDGE_COMMAND instead, and a typed error for
each way it can fail (node missing, node too old, bundle missing, bridge exited)."""

from __future__ import annotations

import os
import shlex
import stat
import sys
from pathlib import Path
from typing import List

import pytest

from bluechip_bridge import (
    BridgeExitedError,
    BridgeStartError,
    BundleNotFoundError,
    NodeNotFoundError,
    NodeTooOldError,
    Terminal,
    default_command,
)
from bluechip_bridge import runtime


@pytest.fixture(autouse=True)
def _no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(runtime.COMMAND_VARIABLE, raising=False)
    monkeypatch.setattr(runtime, "_node_versions", {})


def fake_node(folder: Path, version: str) -> Path:
    """A `node` on PATH that prints ``version`` for ``--version``."""
    script = folder / "node"
    script.write_text(f"#!{sys.executable}\nprint({version!r})\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_default_command_runs_the_bundle_with_node(node: str, bundle: Path) -> None:
    command = default_command()
    assert command == [node, str(bundle), "serve", "--stdio"]


def test_the_bundled_bridge_runs_a_sale() -> None:
    with Terminal(simulator={"event_delay_ms": 0}) as terminal:
        assert terminal.sale(1234).kind == "approved"


def test_node_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(NodeNotFoundError) as caught:
        Terminal(simulator=True)
    assert "node was not found on PATH" in str(caught.value)
    assert runtime.COMMAND_VARIABLE in str(caught.value)
    assert isinstance(caught.value, BridgeStartError)


def test_node_too_old(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_node(tmp_path, "v18.19.1")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(NodeTooOldError) as caught:
        Terminal(simulator=True)
    assert "Node.js 18.19.1" in str(caught.value)
    assert ">= 20" in str(caught.value)


def test_something_else_called_node(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_node(tmp_path, "hello")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(NodeNotFoundError, match="not Node.js"):
        default_command()


def test_bundle_missing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(runtime, "_PACKAGED", tmp_path / "package" / "dist" / "bluechip.mjs")
    monkeypatch.setattr(runtime, "_CHECKOUT", tmp_path / "dist" / "bluechip.mjs")
    with pytest.raises(BundleNotFoundError) as caught:
        Terminal(simulator=True)
    assert "the bridge bundle is missing" in str(caught.value)
    assert runtime.COMMAND_VARIABLE in str(caught.value)


def test_bridge_exits_with_its_stderr_tail(monkeypatch: pytest.MonkeyPatch) -> None:
    crash = "import sys; sys.stderr.write('first line\\nbluechip: cannot open the journal\\n'); sys.exit(3)"
    monkeypatch.setenv(runtime.COMMAND_VARIABLE, shlex.join([sys.executable, "-c", crash]))
    with pytest.raises(BridgeExitedError) as caught:
        Terminal(simulator=True)
    assert caught.value.returncode == 3
    assert "bluechip: cannot open the journal" in str(caught.value)
    assert caught.value.data_code == "bridge_exited"


def test_an_unstartable_command_says_how_to_fix_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(runtime.COMMAND_VARIABLE, str(tmp_path / "no-such-bridge"))
    with pytest.raises(BridgeStartError) as caught:
        Terminal(simulator=True)
    assert runtime.COMMAND_VARIABLE in str(caught.value)


def test_the_override_is_used(monkeypatch: pytest.MonkeyPatch, bridge_command: List[str], tmp_path: Path) -> None:
    # A wrapper script that leaves a mark proves the override, not the bundle lookup, started the bridge.
    mark = tmp_path / "started"
    wrapper = tmp_path / "my-bridge"
    wrapper.write_text(f"#!/bin/sh\ntouch {shlex.quote(str(mark))}\nexec {shlex.join(bridge_command)}\n")
    wrapper.chmod(0o755)
    monkeypatch.setenv(runtime.COMMAND_VARIABLE, f"{wrapper} --ignored-by-nobody")
    monkeypatch.setattr(runtime, "_PACKAGED", tmp_path / "none.mjs")
    monkeypatch.setattr(runtime, "_CHECKOUT", tmp_path / "none.mjs")
    assert default_command() == [str(wrapper), "--ignored-by-nobody"]
    monkeypatch.setenv(runtime.COMMAND_VARIABLE, str(wrapper))
    with Terminal(simulator={"event_delay_ms": 0}) as terminal:
        assert terminal.sale(500).kind == "approved"
    assert mark.exists()


def test_an_empty_override_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(runtime.COMMAND_VARIABLE, "   ")
    with pytest.raises(BridgeStartError, match="holds no command"):
        default_command()


def test_node_version_is_asked_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_node(tmp_path, "v20.11.0")
    monkeypatch.setenv("PATH", str(tmp_path) + os.pathsep + os.environ.get("PATH", ""))
    assert runtime.find_node() == str(tmp_path / "node")
    (tmp_path / "node").write_text("#!/bin/sh\nexit 1\n")
    assert runtime.find_node() == str(tmp_path / "node")
