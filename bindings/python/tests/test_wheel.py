"""What a user gets from ``pip install``: the wheel is built, installed into a fresh virtual environment
outside the repository, and run with nothing but ``node`` on PATH: a sale, a decline, and an outcome-unknown
against the simulator, with no other step."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import textwrap
import venv
import zipfile
from pathlib import Path
from typing import Any, List

from .conftest import PACKAGE_ROOT

SCRIPT = textwrap.dedent(
    """
    from decimal import Decimal
    from bluechip_bridge import OutcomeUnknownError, Terminal
    import bluechip_bridge.runtime as runtime

    print("bundle", runtime.bundle_path())
    with Terminal(simulator={"event_delay_ms": 0}) as terminal:
        sale = terminal.sale(Decimal("12.34"), idempotency_key="wheel-1")
        print("sale", sale.kind, sale.result.transaction_amount, sale.result.card.account_no)
        print("decline", terminal.sale(200).kind)
        try:
            # 2.04: started, then no event: the terminal may have charged the card.
            terminal.sale(204, idempotency_key="wheel-lost", timeouts={"event_gap_ms": 300})
        except OutcomeUnknownError as error:
            print("unknown", error.data_code, error.outcome_unknown)
    """
)


def run(command: List[str], **options: Any) -> "subprocess.CompletedProcess[str]":
    result = subprocess.run(command, capture_output=True, text=True, check=False, **options)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


def build_wheel(into: Path) -> Path:
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(into), str(PACKAGE_ROOT)]
    # With hatchling already here (the test venv has it) nothing is fetched; without, pip fetches it.
    if importlib.util.find_spec("hatchling") is not None:
        command.insert(4, "--no-build-isolation")
    # The build imports hatch_build.py: no __pycache__ left beside it.
    run(command, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    (wheel,) = into.glob("bluechip_bridge-*.whl")
    return wheel


def test_the_wheel_runs_a_sale_with_only_node_on_path(tmp_path: Path, node: str) -> None:
    before = sorted(p.name for p in PACKAGE_ROOT.iterdir())
    wheel = build_wheel(tmp_path / "dist")
    assert "bluechip_bridge/dist/bluechip.mjs" in zipfile.ZipFile(wheel).namelist()
    # The build left nothing in the source tree but the ignored bundle copy.
    assert not list(PACKAGE_ROOT.glob("*.egg-info"))
    assert not (PACKAGE_ROOT / "build").exists()
    assert sorted(p.name for p in PACKAGE_ROOT.iterdir()) == before

    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    python = environment / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--quiet", "--no-index", str(wheel)])

    only_node = tmp_path / "bin"
    only_node.mkdir()
    (only_node / "node").symlink_to(node)
    home = tmp_path / "home"
    home.mkdir()
    outside = tmp_path / "work"  # not the repository: nothing of the checkout can be found from here
    outside.mkdir()
    (outside / "pos.py").write_text(SCRIPT)
    result = run(
        [str(python), "pos.py"],
        cwd=outside,
        env={"PATH": str(only_node), "HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"},
    )
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"bundle {environment}"), lines[0]
    assert lines[1:] == [
        "sale approved 1234 ***********1006",
        "decline declined",
        "unknown event_timeout True",
    ], result.stdout + result.stderr
    assert os.path.commonpath([str(tmp_path), lines[0][7:]]) == str(tmp_path)
