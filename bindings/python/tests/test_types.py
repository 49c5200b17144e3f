"""Result types: generated from the OpenRPC document, every nested object a dataclass with snake_case
fields, and the checked-in file current."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from typing import Iterator

import pytest

from bluechip_bridge import Terminal, types
from bluechip_bridge.types import Card, CodedText, Outcome, TransactionResult

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
