"""The shared conformance vectors (bindings/vectors/*.json; format in its README.md) through this binding:
its bridge process, its typed exceptions, its result dataclasses."""

from __future__ import annotations

import json
import math
import tempfile
import threading
from pathlib import Path
from typing import Any, Dict, List, Mapping

import pytest

from bluechip_bridge import BluechipError, Bridge, PendingCall
from bluechip_bridge.types import Outcome

from .conftest import REPOSITORY

VECTORS = REPOSITORY / "bindings" / "vectors"
FILES = sorted(VECTORS.glob("*.json"))
OPERATIONS = {"sale", "refund", "void", "preAuth", "preAuthCompletion", "force", "tipAdjust"}
# Bounds each wait so a broken case fails instead of hanging (not a speed assertion).
NO_HANG = 120


def contains(actual: Any, expected: Any) -> bool:
    """README.md's rule: objects by their listed keys, arrays element by element, anything else equal."""
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(contains(a, e) for a, e in zip(actual, expected))
        )
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and contains(actual[k], v) for k, v in expected.items())
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, float) or isinstance(actual, float):
        return isinstance(actual, (int, float)) and math.isclose(actual, expected)
    return bool(type(expected) is type(actual) and expected == actual)


def check(step: Mapping[str, Any], call: PendingCall) -> None:
    want: Mapping[str, Any] = step.get("expect", {})
    label = json.dumps(step)[:300]
    error_wanted = want.get("error")
    try:
        result = call.result(NO_HANG)
    except BluechipError as error:
        assert error_wanted is not None, f"{label}: unexpected {type(error).__name__}: {error}"
        assert error.code == error_wanted["code"], label
        if "dataCode" in error_wanted:
            assert error.data_code == error_wanted["dataCode"], label
        if "path" in error_wanted:
            assert error.data.get("path") == error_wanted["path"], label
        if "outcomeUnknown" in error_wanted:
            assert (error.data.get("outcomeUnknown") is True) == error_wanted["outcomeUnknown"], label
        return
    assert error_wanted is None, f"{label}: expected an error, got {json.dumps(result)[:300]}"
    if step.get("call") in OPERATIONS:
        outcome = Outcome.from_json(result)  # every operation's answer decodes into the dataclass
        if "outcome" in want:
            assert outcome.kind == want["outcome"], label
        if "replayed" in want:
            assert (outcome.replayed is True) == want["replayed"], label
    if "result" in want:
        assert contains(result, want["result"]), f"{label}\n{json.dumps(result)[:1000]}"


def summarise(frame_text: str) -> Dict[str, Any]:
    frame = json.loads(frame_text)
    (message,) = frame.keys()
    body = frame[message]
    if isinstance(body, dict) and "resource" in body:
        return {"message": message, "resource": body["resource"]}
    return {"message": message}


def test_there_are_vectors() -> None:
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
def test_vector(path: Path, bridge_command: List[str]) -> None:
    vector = json.loads(path.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as journal, Bridge(bridge_command) as bridge:
        frames: List[Dict[str, Any]] = []
        started: Dict[str, threading.Event] = {}

        def on_notification(method: str, params: Dict[str, Any]) -> None:
            if method == "terminal.frame" and params.get("direction") == "out":
                frames.append(summarise(str(params["text"])))

        bridge.add_notification_handler(on_notification)
        open_params = dict(vector["open"])
        if vector.get("journal") is True:
            open_params["journalDir"] = journal
        terminal_id = bridge.call("terminal.open", open_params, timeout=NO_HANG)["terminalId"]
        running: Dict[str, PendingCall] = {}
        for step in vector["steps"]:
            if "call" in step:
                params = {"terminalId": terminal_id, **step.get("params", {})}
                name = step.get("as")
                event = started.setdefault(name, threading.Event()) if name else threading.Event()

                def progress(value: Dict[str, Any], event: threading.Event = event) -> None:
                    if value.get("type") == "started":
                        event.set()

                call = bridge.start(step["call"], params, on_progress=progress)
                if step.get("wait") is False:
                    running[name] = call
                else:
                    check(step, call)
            elif step.get("waitFor") == "started":
                assert started[step["of"]].wait(NO_HANG), f"{step['of']} never started"
            elif "cancel" in step:
                running[step["cancel"]].cancel()
            elif "await" in step:
                check(step, running[step["await"]])
            else:
                pytest.fail(f"{path.name}: a step of no known kind: {step}")
        bridge.call("terminal.close", {"terminalId": terminal_id}, timeout=NO_HANG)
        assert contains(frames, vector["frames"]), json.dumps(frames)[:2000]
