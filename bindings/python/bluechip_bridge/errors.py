"""Exceptions mirroring the bridge's JSON-RPC error codes (docs/bridge.md, "Error codes").

Every error carries ``code`` (the JSON-RPC number), ``data_code`` (the library's typed error code, such as
``busy``, ``outcome_unknown`` or ``invalid_amount``), ``action`` (what the caller should do) and ``data``
(the whole ``error.data`` object). A declined card is not an error: it is an ``Outcome`` with
``kind == "declined"``.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Type


class BluechipError(Exception):
    """Base class of every error this binding raises."""

    code: int = 0

    def __init__(self, message: str, code: Optional[int] = None, data: Optional[Dict[str, Any]] = None):
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.data: Dict[str, Any] = dict(data or {})
        self.data_code: Optional[str] = self.data.get("code")
        self.action: Optional[str] = self.data.get("action")

    @property
    def flow_id(self) -> Optional[str]:
        return self.data.get("flowId")

    @property
    def outcome_unknown(self) -> bool:
        """True when the request may have reached the terminal: reconcile before retrying."""
        return bool(self.data.get("outcomeUnknown", False))

    def __str__(self) -> str:
        text = self.message
        if self.data_code:
            text = f"{text} [{self.data_code}]"
        return text


class BridgeProtocolError(BluechipError):
    """-32700 / -32600: the bridge could not read a message (a bug in the binding, or an oversize message)."""


class MessageTooLargeError(BridgeProtocolError):
    """-32600 ``message_too_large``: the call's JSON line is longer than the bridge accepts. Nothing was
    sent to the terminal. Raised before writing when the line exceeds the binding's ``max_message_bytes``,
    or when the bridge refused the line (a bridge started with a smaller ``--max-message-bytes``)."""

    code = -32600

    def __init__(self, message: str, *, size: int, limit: int):
        super().__init__(message, -32600, {"code": "message_too_large", "limit": limit, "bytes": size})
        self.size = size
        self.limit = limit


class MethodNotFoundError(BluechipError):
    code = -32601


class InvalidParamsError(BluechipError):
    """-32602: nothing was sent. ``path`` names the offending field, e.g. ``params.amount``."""

    code = -32602

    @property
    def path(self) -> Optional[str]:
        return self.data.get("path")


class InvalidAmountError(InvalidParamsError, TypeError):
    """An amount that is not ``int`` cents or a ``decimal.Decimal`` with at most two places, refused before
    anything is sent (also a ``TypeError``): a ``float`` cannot hold cents exactly."""

    def __init__(self, message: str, path: str):
        super().__init__(message, -32602, {"code": "invalid_amount", "path": path})


class InternalError(BluechipError):
    code = -32603


class OperationCancelledError(BluechipError):
    """-32800: the call stopped waiting (cancel or timeout). If it was sent, its outcome is journaled."""

    code = -32800


class TerminalBusyError(BluechipError):
    """-32001: the terminal or the bridge's queue is busy; nothing was sent. Retry later."""

    code = -32001


class OutcomeUnknownError(BluechipError):
    """-32002: the terminal may have run it. Reconcile (or retry with the same idempotency key)."""

    code = -32002


class RefusedError(BluechipError):
    """-32003: the terminal refused the request; nothing ran."""

    code = -32003


class UnreachableError(BluechipError):
    """-32004: the terminal could not be reached; nothing was sent."""

    code = -32004


class RecoveryPendingError(BluechipError):
    """-32005: an earlier outcome is unknown and the terminal could not be asked; retry when reachable."""

    code = -32005


class UnknownTerminalError(BluechipError):
    code = -32006


class JournalFailedError(BluechipError):
    """-32007: the journal failed, or another process owns the journal directory."""

    code = -32007


class ClosedError(BluechipError):
    """-32008: the terminal handle or the bridge is closing or closed."""

    code = -32008


class BridgeClosedError(ClosedError):
    """The bridge process ended (or was never started); ``stderr`` holds its last log lines."""

    def __init__(self, message: str, stderr: str = "", *, data_code: str = "bridge_closed"):
        super().__init__(message, data={"code": data_code})
        self.stderr = stderr


class BridgeExitedError(BridgeClosedError):
    """The bridge process exited while calls were running (or before answering the first). The message ends
    with its last stderr lines; ``returncode`` is its exit status. A call it ends has an unknown outcome if
    it was an operation: look it up with ``Terminal.outcome`` after opening the journal again."""

    def __init__(self, message: str, stderr: str, returncode: Optional[int]):
        super().__init__(message, stderr, data_code="bridge_exited")
        self.returncode = returncode


class BridgeStartError(BluechipError):
    """The bridge could not be started; the message says what is missing and how to provide it (including
    ``BLUECHIP_BRIDGE_COMMAND``, the command to start it instead of the bundled one)."""

    def __init__(self, message: str):
        super().__init__(message, data={"code": "bridge_start"})


class NodeNotFoundError(BridgeStartError):
    """``node`` (Node.js, which runs the bridge) is not on PATH."""


class NodeTooOldError(BridgeStartError):
    """The ``node`` on PATH is older than the bridge needs (Node.js 20)."""


class BundleNotFoundError(BridgeStartError):
    """The bridge bundle (``bluechip.mjs``) is neither in the installed package nor in a built checkout."""


class TerminalProtocolError(BluechipError):
    """-32009: the terminal answered something the library could not use."""

    code = -32009


_BY_CODE: Dict[int, Type[BluechipError]] = {
    cls.code: cls
    for cls in (
        MethodNotFoundError,
        InvalidParamsError,
        InternalError,
        OperationCancelledError,
        TerminalBusyError,
        OutcomeUnknownError,
        RefusedError,
        UnreachableError,
        RecoveryPendingError,
        UnknownTerminalError,
        JournalFailedError,
        ClosedError,
        TerminalProtocolError,
    )
}


def error_from_rpc(error: Mapping[str, Any]) -> BluechipError:
    """The exception for a JSON-RPC error object."""
    code = error.get("code")
    message = str(error.get("message", "error"))
    raw_data = error.get("data")
    data: Dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
    number = code if isinstance(code, int) and not isinstance(code, bool) else 0
    if number in (-32700, -32600):
        return BridgeProtocolError(message, number, data)
    cls = _BY_CODE.get(number, BluechipError)
    return cls(message, number, data)
