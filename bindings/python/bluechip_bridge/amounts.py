"""Amounts as the bridge takes them: integer cents. Checked here, before anything is sent, so a caller gets
a Python answer (not the bridge's) for a float or a fraction of a cent."""

from __future__ import annotations

from decimal import Decimal
from typing import Union

from .errors import InvalidAmountError
from .types import AMOUNT_MAXIMUM

#: ``int`` cents (``1234`` is 12.34) or a ``Decimal`` in currency units (``Decimal("12.34")``).
Amount = Union[int, Decimal]

#: The largest amount in cents (from the OpenRPC document, through the generated types).
MAX_CENTS = AMOUNT_MAXIMUM


def to_cents(value: object, name: str = "amount", path: str = "") -> int:
    """``int`` cents as is; a ``Decimal`` in currency units times 100 (at most two places). Raises
    ``InvalidAmountError`` (a ``TypeError`` too) for a float, a bool, a string or anything else; ``path``
    names the field in the bridge's terms (``params.tipAmount``)."""
    path = path or f"params.{name}"
    if isinstance(value, bool):
        raise InvalidAmountError(f"{name} must be int cents or decimal.Decimal, not bool ({value!r})", path)
    if isinstance(value, float):
        raise InvalidAmountError(
            f"{name}={value!r} is a float, which cannot hold cents exactly: pass int cents "
            f"({round(value * 100)} for {value}) or decimal.Decimal({str(value)!r})",
            path,
        )
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidAmountError(f"{name}={value!r} is not a finite amount", path)
        scaled = value * 100
        if scaled != scaled.to_integral_value():
            raise InvalidAmountError(f"{name}={value!r} has a fraction of a cent (at most two decimal places)", path)
        cents = int(scaled)
    elif isinstance(value, int):
        cents = value
    else:
        raise InvalidAmountError(
            f"{name} must be int cents (1234 for 12.34) or decimal.Decimal('12.34'), not {type(value).__name__}",
            path,
        )
    if not 0 <= cents <= MAX_CENTS:
        raise InvalidAmountError(f"{name}={value!r} is out of range: 0 to {MAX_CENTS} cents", path)
    return cents
