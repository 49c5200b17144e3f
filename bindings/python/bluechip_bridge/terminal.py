"""``Terminal``: one typed method per operation, over a bridge process."""

from __future__ import annotations

import datetime as _dt
import threading
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

from .amounts import Amount, to_cents
from .bridge import Bridge
from .types import (
    ConnectionState,
    Outcome,
    OutcomeRecord,
    Progress,
    ReconcileReport,
    TerminalStatus,
    UnclaimedOutcome,
)

ProgressCallback = Callable[[Progress], None]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _params(values: Dict[str, Any], path: str = "params") -> Dict[str, Any]:
    """snake_case keyword arguments as the bridge's camelCase params, None values left out. Every amount
    (``amount``, ``*_amount``) is checked and turned into int cents here, so a float gets a Python answer."""
    out: Dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        name = _camel(key)
        if isinstance(value, dict):
            value = _params(value, f"{path}.{name}")
        elif key == "amount" or key.endswith("_amount"):
            value = to_cents(value, key, f"{path}.{name}")
        out[name] = value
    return out


class Terminal:
    """A payment terminal (or the built-in simulator) behind a bridge.

    ``Terminal(url="ws://192.168.1.20:50000")`` or ``Terminal(simulator=True)``; give ``journal_dir`` in
    production so outcomes survive a crash of either process. Without ``bridge=``, the terminal starts its
    own bridge process (``command=`` overrides how) and closes it on ``close()``. Safe to use from several
    threads: operations queue in the bridge (``queue_limit``, then ``TerminalBusyError``).

    Amounts are ``int`` cents (``sale(1234)`` is 12.34) or ``decimal.Decimal`` in currency units
    (``sale(Decimal("12.34"))``); a ``float`` raises ``InvalidAmountError`` before anything is sent. Operations return an ``Outcome``; a declined card is
    an outcome (``kind == "declined"``), not an exception.
    """

    def __init__(
        self,
        url: Optional[str] = None,
        *,
        simulator: Union[bool, Dict[str, Any]] = False,
        journal_dir: Optional[str] = None,
        endpoint_mode: Optional[str] = None,
        timeouts: Optional[Dict[str, int]] = None,
        queue_limit: Optional[int] = None,
        reconnect: Optional[bool] = None,
        connect_timeout_ms: Optional[int] = None,
        terminal_id: Optional[str] = None,
        bridge: Optional[Bridge] = None,
        command: Optional[Sequence[str]] = None,
        on_unclaimed: Optional[Callable[[UnclaimedOutcome], None]] = None,
        on_state: Optional[Callable[[ConnectionState], None]] = None,
    ):
        self._owns_bridge = bridge is None
        self.bridge = bridge if bridge is not None else Bridge(command)
        self._closed = False
        self._close_lock = threading.Lock()
        self._on_unclaimed = on_unclaimed
        self._on_state = on_state
        self._remove_handler = self.bridge.add_notification_handler(self._notified)
        sim: Any = None
        if isinstance(simulator, dict):
            # A scenario is passed as is: its keys are the simulator's own (docs/simulator.md).
            scenario = simulator.get("scenario")
            sim = _params({k: v for k, v in simulator.items() if k != "scenario"})
            if scenario is not None:
                sim["scenario"] = scenario
        elif simulator:
            sim = True
        try:
            opened = self.bridge.call(
                "terminal.open",
                _params(
                    {
                        "terminal_id": terminal_id,
                        "url": url,
                        "simulator": sim,
                        "endpoint_mode": endpoint_mode,
                        "timeouts": timeouts,
                        "journal_dir": journal_dir,
                        "queue_limit": queue_limit,
                        "reconnect": reconnect,
                        "connect_timeout_ms": connect_timeout_ms,
                    }
                ),
            )
        except BaseException:
            self._remove_handler()
            if self._owns_bridge:
                self.bridge.close()
            raise
        self.terminal_id: str = opened["terminalId"]
        self.url: str = opened["url"]
        reconciled = opened.get("reconciled")
        #: The reconciliation run when the terminal was opened on a journal with open flows.
        self.reconciled_on_open: Optional[ReconcileReport] = (
            None if reconciled is None else ReconcileReport.from_json(reconciled)
        )

    # ── operations ──────────────────────────────────────────────────────────────────────────────────────

    def _operation(
        self,
        method: str,
        values: Dict[str, Any],
        on_progress: Optional[ProgressCallback],
        timeout: Optional[float],
    ) -> Outcome:
        params = _params(values)
        params["terminalId"] = self.terminal_id
        callback = None if on_progress is None else (lambda p: on_progress(Progress.from_json(p)))
        result = self.bridge.call(method, params, timeout=timeout, on_progress=callback)
        return Outcome.from_json(result)

    def sale(
        self,
        amount: Amount,
        *,
        idempotency_key: Optional[str] = None,
        on_progress: Optional[ProgressCallback] = None,
        timeout: Optional[float] = None,
        **params: Any,
    ) -> Outcome:
        """A sale. ``idempotency_key`` (e.g. the order id): a retry returns the first outcome. Other keyword
        arguments mirror the TypeScript API in snake_case (``tip_amount``, ``tender_type``, ``merchant_id``…)."""
        return self._operation(
            "sale", {"amount": amount, "idempotency_key": idempotency_key, **params}, on_progress, timeout
        )

    def refund(self, amount: Amount, *, idempotency_key: Optional[str] = None,
               on_progress: Optional[ProgressCallback] = None, timeout: Optional[float] = None,
               **params: Any) -> Outcome:
        return self._operation(
            "refund", {"amount": amount, "idempotency_key": idempotency_key, **params}, on_progress, timeout
        )

    def void(self, reference_no: str, *, idempotency_key: Optional[str] = None,
             on_progress: Optional[ProgressCallback] = None, timeout: Optional[float] = None,
             **params: Any) -> Outcome:
        return self._operation(
            "void", {"reference_no": reference_no, "idempotency_key": idempotency_key, **params}, on_progress, timeout
        )

    def pre_auth(self, amount: Amount, *, idempotency_key: Optional[str] = None,
                 on_progress: Optional[ProgressCallback] = None, timeout: Optional[float] = None,
                 **params: Any) -> Outcome:
        return self._operation(
            "preAuth", {"amount": amount, "idempotency_key": idempotency_key, **params}, on_progress, timeout
        )

    def pre_auth_completion(self, amount: Amount, reference_no: str, *, idempotency_key: Optional[str] = None,
                            on_progress: Optional[ProgressCallback] = None, timeout: Optional[float] = None,
                            **params: Any) -> Outcome:
        values = {"amount": amount, "reference_no": reference_no, "idempotency_key": idempotency_key}
        return self._operation("preAuthCompletion", {**values, **params}, on_progress, timeout)

    def force(self, amount: Amount, *, idempotency_key: Optional[str] = None,
              on_progress: Optional[ProgressCallback] = None, timeout: Optional[float] = None,
              **params: Any) -> Outcome:
        return self._operation(
            "force", {"amount": amount, "idempotency_key": idempotency_key, **params}, on_progress, timeout
        )

    def tip_adjust(self, reference_no: str, tip_amount: Amount, *, idempotency_key: Optional[str] = None,
                   on_progress: Optional[ProgressCallback] = None, timeout: Optional[float] = None,
                   **params: Any) -> Outcome:
        values = {"reference_no": reference_no, "tip_amount": tip_amount, "idempotency_key": idempotency_key}
        return self._operation("tipAdjust", {**values, **params}, on_progress, timeout)

    def card_balance(self, *, on_progress: Optional[ProgressCallback] = None, timeout: Optional[float] = None,
                     **params: Any) -> Outcome:
        return self._operation("cardBalance", params, on_progress, timeout)

    def reprint_receipt(self, reprint_type: Optional[str] = None, *, timeout: Optional[float] = None,
                        **params: Any) -> Outcome:
        return self._operation("reprintReceipt", {"reprint_type": reprint_type, **params}, None, timeout)

    def recall_last_transaction(self, *, timeout: Optional[float] = None, **params: Any) -> Outcome:
        return self._operation("recallLastTransaction", params, None, timeout)

    def settlement(self, *, on_progress: Optional[ProgressCallback] = None, timeout: Optional[float] = None,
                   **params: Any) -> Outcome:
        return self._operation("settlement", params, on_progress, timeout)

    def terminal_info(self, *, timeout: Optional[float] = None) -> Outcome:
        return self._operation("terminalInfo", {}, None, timeout)

    def set_date_time(self, at: Optional[_dt.datetime] = None, *, utc: bool = False,
                      timeout: Optional[float] = None) -> Outcome:
        """Sets the terminal's clock (default: now on the bridge's clock). A naive ``at`` is local time."""
        iso = None if at is None else at.astimezone().isoformat()
        return self._operation("setDateTime", {"at": iso, "utc": utc}, None, timeout)

    def report(self, report_type: str, *, timeout: Optional[float] = None, **params: Any) -> Outcome:
        return self._operation("report", {"report_type": report_type, **params}, None, timeout)

    def raw(self, endpoint: str, resource: Dict[str, Any], *, timeout: Optional[float] = None) -> Outcome:
        """Sends ``resource`` as is (wire names, snake_case) to ``endpoint``, without validation."""
        params = {"terminalId": self.terminal_id, "endpoint": endpoint, "resource": resource}
        return Outcome.from_json(self.bridge.call("raw", params, timeout=timeout))

    # ── recovery and state ──────────────────────────────────────────────────────────────────────────────

    def reconcile(self) -> ReconcileReport:
        """Settles the flows the journal holds open; a verdict for each."""
        return ReconcileReport.from_json(self.bridge.call("reconcile", {"terminalId": self.terminal_id}))

    def resolve_flow(self, flow_id: str, verdict: str, *, resource: Optional[Dict[str, Any]] = None,
                     note: Optional[str] = None) -> None:
        """Records the operator's verdict on a flow reconciliation left ``still_unknown``: ``recovered`` (with the
        final ``resource`` found on the terminal), or ``not_found`` / ``failed`` (its key may be used again)."""
        params: Dict[str, Any] = {"terminalId": self.terminal_id, "flowId": flow_id, "verdict": verdict}
        if resource is not None:
            params["resource"] = resource
        if note is not None:
            params["note"] = note
        self.bridge.call("resolveFlow", params)

    def outcome(self, *, idempotency_key: Optional[str] = None, flow_id: Optional[str] = None) -> Optional[OutcomeRecord]:
        """What the journal knows of a flow, by idempotency key or flow id; None when nothing."""
        if (idempotency_key is None) == (flow_id is None):
            raise ValueError("give exactly one of idempotency_key and flow_id")
        params = _params({"terminal_id": self.terminal_id, "idempotency_key": idempotency_key, "flow_id": flow_id})
        result = self.bridge.call("outcome.get", params)
        return None if result is None else OutcomeRecord.from_json(result)

    def status(self) -> TerminalStatus:
        """The terminal's connection state and queue (``status().state.kind``: ``open``, ``reconnecting``…)."""
        return TerminalStatus.from_json(self.bridge.call("terminal.status", {"terminalId": self.terminal_id}))

    def _notified(self, method: str, params: Dict[str, Any]) -> None:
        if params.get("terminalId") != getattr(self, "terminal_id", None):
            return
        if method == "outcome.unclaimed" and self._on_unclaimed is not None:
            self._on_unclaimed(UnclaimedOutcome.from_json(params))
        elif method == "terminal.state" and self._on_state is not None:
            self._on_state(ConnectionState.from_json(params["state"]))

    # ── lifecycle ───────────────────────────────────────────────────────────────────────────────────────

    def close(self) -> None:
        """Closes the terminal handle (and the bridge process when this terminal started it). Idempotent."""
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        self._remove_handler()
        try:
            if self.bridge.returncode is None:
                self.bridge.call("terminal.close", {"terminalId": self.terminal_id}, timeout=60)
        finally:
            if self._owns_bridge:
                self.bridge.close()

    def __enter__(self) -> "Terminal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__: List[str] = ["Terminal"]
