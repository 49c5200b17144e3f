"""Build hook: puts the bridge bundle (the single-file CLI, ``packages/cli/dist/bluechip.mjs``) into the
package as ``bluechip_bridge/dist/bluechip.mjs`` before hatchling builds the wheel or the sdist.

In a source checkout the bundle is copied fresh from the repository's build (``npm run build`` makes it).
Building from an sdist, the copy it carries is used. Without either, the build fails saying how to make it:
a wheel without its bridge would install and then fail at the first call.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Dict

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

_TARGET = Path("bluechip_bridge") / "dist" / "bluechip.mjs"
_CHECKOUT = Path("..") / ".." / "packages" / "cli" / "dist" / "bluechip.mjs"


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: Dict[str, Any]) -> None:
        root = Path(self.root)
        target = root / _TARGET
        source = root / _CHECKOUT
        if source.is_file():
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(source, target)
        elif not target.is_file():
            raise RuntimeError(
                f"the bridge bundle is missing: build it first at the repository root (`npm run build`, which "
                f"writes {source.resolve()}), then build this package again."
            )
