"""Python binding of bluechip-ws: drive Bluefin Bluechip (Ingenico TSI) payment terminals through the
``bluechip serve --stdio`` JSON-RPC bridge. Standard library only; Python 3.9 or later. The bridge itself
(a single JavaScript file run by Node.js >= 20) ships inside the package.

    from bluechip_bridge import Terminal

    with Terminal(simulator=True) as terminal:
        outcome = terminal.sale(1234, idempotency_key="order-42")
        print(outcome.kind, outcome.result.reference_no)
"""

from .bridge import Bridge, PendingCall
from .runtime import default_command
from .amounts import Amount, to_cents
from .errors import (
    BluechipError,
    BridgeClosedError,
    BridgeExitedError,
    BridgeProtocolError,
    BridgeStartError,
    BundleNotFoundError,
    ClosedError,
    InternalError,
    InvalidAmountError,
    InvalidParamsError,
    JournalFailedError,
    MessageTooLargeError,
    MethodNotFoundError,
    NodeNotFoundError,
    NodeTooOldError,
    OperationCancelledError,
    OutcomeUnknownError,
    RecoveryPendingError,
    RefusedError,
    TerminalBusyError,
    TerminalProtocolError,
    UnknownTerminalError,
    UnreachableError,
)
from .terminal import Terminal
from .types import (
    Outcome,
    OutcomeRecord,
    Progress,
    ReconciledFlow,
    ReconcileReport,
    TransactionResult,
    UnclaimedOutcome,
)

__version__ = "0.1.0"

__all__ = [
    "Amount",
    "BluechipError",
    "Bridge",
    "BridgeClosedError",
    "BridgeExitedError",
    "BridgeProtocolError",
    "BridgeStartError",
    "BundleNotFoundError",
    "ClosedError",
    "InternalError",
    "InvalidAmountError",
    "InvalidParamsError",
    "JournalFailedError",
    "MessageTooLargeError",
    "MethodNotFoundError",
    "NodeNotFoundError",
    "NodeTooOldError",
    "OperationCancelledError",
    "Outcome",
    "OutcomeRecord",
    "OutcomeUnknownError",
    "PendingCall",
    "Progress",
    "ReconcileReport",
    "ReconciledFlow",
    "RecoveryPendingError",
    "RefusedError",
    "Terminal",
    "TerminalBusyError",
    "TerminalProtocolError",
    "TransactionResult",
    "UnclaimedOutcome",
    "UnknownTerminalError",
    "UnreachableError",
    "default_command",
    "to_cents",
]
