"""A minimal POS sale through the Python binding, in the shape ``bluechip certify --pos-command`` runs.

One sale, then one JSON line on stdout and an exit code (0 approved, 2 declined, 3 cancelled or timed out
on the customer, 4 outcome unknown, 5 terminal busy, 6 partially approved, 1 anything else)::

    python3 bindings/python/examples/pos_sale.py --terminal ws://127.0.0.1:50000 --amount 5.00 \\
        --order order-42 --journal /var/lib/pos/journal

The order id is the idempotency key and the journal directory survives the process, so a retry of an order
whose outcome was unknown (a dropped link) reconciles instead of charging twice.
"""

import argparse
import json
import os
import sys
from decimal import Decimal, InvalidOperation

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from bluechip_bridge import Terminal  # noqa: E402
from bluechip_bridge.errors import (  # noqa: E402
    BluechipError,
    OutcomeUnknownError,
    TerminalBusyError,
)

EXIT = {"approved": 0, "declined": 2, "not_found": 2, "cancelled": 3, "timed_out": 3, "partially_approved": 6}


def cents(amount: str) -> int:
    """Exact decimal to integer cents; refuses more than two decimals (never a float)."""
    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise SystemExit(f"not an amount: {amount!r}")
    scaled = value * 100
    if scaled != scaled.to_integral_value() or value < 0:
        raise SystemExit(f"not an amount in cents: {amount!r}")
    return int(scaled)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terminal", required=True, help="ws://host:port of the terminal")
    parser.add_argument("--amount", required=True, help="amount in currency units, e.g. 5.00")
    parser.add_argument("--order", required=True, help="order id: the idempotency key")
    parser.add_argument("--journal", help="journal directory kept across runs")
    parser.add_argument("--endpoint-mode", default="multi", choices=["multi", "single"])
    args = parser.parse_args()

    report = {"order": args.order}
    code = 1
    try:
        with Terminal(args.terminal, journal_dir=args.journal, endpoint_mode=args.endpoint_mode) as terminal:
            outcome = terminal.sale(cents(args.amount), idempotency_key=args.order)
        report["outcome"] = outcome.kind
        report["flowId"] = outcome.flow_id
        if outcome.result is not None and outcome.result.total_amount is not None:
            report["amount"] = outcome.result.total_amount
        code = EXIT.get(outcome.kind, 1)
    except OutcomeUnknownError as error:
        report.update(outcome="unknown", error={"code": error.data_code, "message": str(error)})
        code = 4
    except TerminalBusyError as error:
        report.update(outcome="busy", error={"code": error.data_code, "message": str(error)})
        code = 5
    except BluechipError as error:
        # A link lost mid-sale is an unknown outcome too: the retry with the same order reconciles.
        unknown = getattr(error, "outcome_unknown", False)
        report.update(outcome="unknown" if unknown else "error", error={"code": error.data_code, "message": str(error)})
        code = 4 if unknown else 1
    print(json.dumps(report))
    return code


if __name__ == "__main__":
    sys.exit(main())
