"""Amounts: int cents or decimal.Decimal; a float (or anything else) is refused before anything is sent,
in Python's words."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Iterator

import pytest

from bluechip_bridge import InvalidAmountError, InvalidParamsError, Terminal, to_cents
from bluechip_bridge.amounts import MAX_CENTS


@pytest.fixture(scope="module")
def terminal() -> Iterator[Terminal]:
    with Terminal(simulator={"event_delay_ms": 0}) as opened:
        yield opened


def test_int_cents_and_decimal_units() -> None:
    assert to_cents(1234) == 1234
    assert to_cents(Decimal("12.34")) == 1234
    assert to_cents(Decimal("12.3")) == 1230
    assert to_cents(Decimal("0")) == 0
    assert to_cents(Decimal("999999.99")) == MAX_CENTS == 99_999_999


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (12.34, "is a float, which cannot hold cents exactly: pass int cents (1234 for 12.34) or decimal.Decimal('12.34')"),
        (True, "not bool"),
        ("12.34", "not str"),
        (None, "not NoneType"),
        (Decimal("12.345"), "fraction of a cent"),
        (Decimal("NaN"), "not a finite amount"),
        (Decimal("Infinity"), "not a finite amount"),
        (-1, "out of range: 0 to 99999999 cents"),
        (MAX_CENTS + 1, "out of range"),
        (Decimal("-0.01"), "out of range"),
    ],
)
def test_refused_locally(value: Any, words: str) -> None:
    with pytest.raises(InvalidAmountError) as caught:
        to_cents(value)
    assert words in str(caught.value)
    assert caught.value.path == "params.amount"
    assert caught.value.data_code == "invalid_amount"
    assert isinstance(caught.value, TypeError)
    assert isinstance(caught.value, InvalidParamsError)


def test_terminal_takes_decimal(terminal: Terminal) -> None:
    outcome = terminal.sale(Decimal("12.34"))
    assert outcome.kind == "approved"
    assert outcome.result is not None
    assert outcome.result.transaction_amount == 1234


def test_terminal_refuses_a_float_before_sending(terminal: Terminal) -> None:
    sent = []
    original = terminal.bridge.start
    terminal.bridge.start = lambda *a, **k: sent.append(a) or original(*a, **k)  # type: ignore[method-assign]
    try:
        with pytest.raises(InvalidAmountError, match="is a float"):
            terminal.sale(12.34)  # type: ignore[arg-type]
        with pytest.raises(InvalidAmountError) as caught:
            terminal.sale(100, tip_amount=0.5)  # type: ignore[arg-type]
        assert caught.value.path == "params.tipAmount"
        with pytest.raises(InvalidAmountError) as caught:
            terminal.sale(100, purchase_level2={"tax_amount": 1.25})
        assert caught.value.path == "params.purchaseLevel2.taxAmount"
        with pytest.raises(InvalidAmountError):
            terminal.tip_adjust("1", 0.25)  # type: ignore[arg-type]
    finally:
        terminal.bridge.start = original  # type: ignore[method-assign]
    assert sent == []


def test_nested_amounts_in_decimal(terminal: Terminal) -> None:
    outcome = terminal.sale(Decimal("10.00"), tip_amount=Decimal("1.50"))
    assert outcome.kind == "approved"
    assert outcome.result is not None
    assert outcome.result.tip_amount == 150
