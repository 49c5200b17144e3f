"""Result types: generated from the OpenRPC document, every nested object a dataclass with snake_case
fields, and the checked-in file current."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import threading
from typing import Iterator, List

import pytest

from bluechip_bridge import OutcomeUnknownError, Terminal, types
from bluechip_bridge.types import Card, CodedText, ConnectionState, Outcome, TransactionResult

from .conftest import REPOSITORY


@pytest.fixture(scope="module")
def terminal() -> Iterator[Terminal]:
    with Terminal(simulator={"event_delay_ms": 0}) as opened:
        yield opened


def test_types_py_is_current(node: str) -> None:
    run = subprocess.run(
        [node, str(REPOSITORY / "bindings" / "codegen" / "python.mjs"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def test_every_generated_class_is_a_frozen_dataclass_with_snake_case_fields() -> None:
    names = [name for name in types.__all__ if name != "AMOUNT_MAXIMUM"]
    assert len(names) > 20
    for name in names:
        cls = getattr(types, name)
        assert dataclasses.is_dataclass(cls), name
        for field in dataclasses.fields(cls):
            assert re.fullmatch(r"[a-z][a-z0-9_]*", field.name), f"{name}.{field.name}"


def test_nested_results_are_dataclasses(terminal: Terminal) -> None:
    outcome = terminal.sale(1234)
    assert isinstance(outcome, Outcome)
    assert isinstance(outcome.result, TransactionResult)
    assert isinstance(outcome.result.card, Card)
    assert outcome.result.card.account_no == "***********1006"
    assert isinstance(outcome.result.card.entry_mode, CodedText)
    assert outcome.result.card.entry_mode.text == "contactless"
    assert all(isinstance(result, TransactionResult) for result in outcome.results)


def test_partial_approval_is_typed(terminal: Terminal) -> None:
    outcome = terminal.sale(208)
    assert outcome.kind == "partially_approved"
    assert outcome.partial is not None
    assert (outcome.partial.requested, outcome.partial.approved) == (208, 104)


def test_state_changes_are_dataclasses() -> None:
    seen: List[ConnectionState] = []
    back = threading.Event()

    def on_state(state: ConnectionState) -> None:
        seen.append(state)
        if state.kind == "open":
            back.set()

    with Terminal(simulator={"event_delay_ms": 0}, on_state=on_state) as terminal:
        with pytest.raises(OutcomeUnknownError):
            terminal.sale(205)  # 2.05: the link is cut after started
        assert back.wait(60), [state.kind for state in seen]
    assert all(isinstance(state, ConnectionState) for state in seen)
    assert "reconnecting" in [state.kind for state in seen] or "connecting" in [state.kind for state in seen]
