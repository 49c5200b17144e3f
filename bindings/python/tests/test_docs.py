"""docs/bindings.md, Python section: its install command and its sale, run as written, in a fresh virtual
environment, the sale from a folder outside the repository with only ``node`` on PATH."""

from __future__ import annotations

import re
import subprocess
import venv
from pathlib import Path
from typing import List

from .conftest import PACKAGE_ROOT, REPOSITORY


def blocks(language: str) -> List[str]:
    text = (REPOSITORY / "docs" / "bindings.md").read_text(encoding="utf-8")
    section = text.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.DOTALL)


def test_the_python_section_runs_as_written(tmp_path: Path, node: str) -> None:
    (install,) = blocks("sh")
    (sale,) = blocks("python")
    environment = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    bin_dir = environment / "bin"
    # The command as a user types it, with the venv's pip first on PATH (an activated venv).
    ran = subprocess.run(
        ["sh", "-c", install],
        cwd=REPOSITORY,
        env={
            "PATH": f"{bin_dir}:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            # The build imports hatch_build.py: no __pycache__ left beside it.
            "PYTHONDONTWRITEBYTECODE": "1",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert not list(PACKAGE_ROOT.glob("*.egg-info"))
    assert not (PACKAGE_ROOT / "build").exists()
    assert not (PACKAGE_ROOT / "__pycache__").exists()

    only_node = tmp_path / "only-node"
    only_node.mkdir()
    (only_node / "node").symlink_to(node)
    (tmp_path / "pos").mkdir()
    (tmp_path / "pos" / "sale.py").write_text(sale)
    ran = subprocess.run(
        [str(bin_dir / "python"), "sale.py"],
        cwd=tmp_path / "pos",
        env={"PATH": str(only_node), "HOME": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert ran.stdout == "approved ***********1006\n", ran.stdout + ran.stderr
