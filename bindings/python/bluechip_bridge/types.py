"""Dataclasses for what the bridge returns (the OpenRPC document's result schemas, in snake_case)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional


@dataclass(frozen=True)
class TransactionResult:
    """One ``results[i]`` of a final event; amounts in integer cents; ``raw`` as the terminal sent it."""

    raw: Dict[str, Any]
    status: Optional[str] = None
    type: Optional[str] = None
    authorization_no: Optional[str] = None
    reference_no: Optional[str] = None
    batch_no: Optional[str] = None
    terminal_id: Optional[str] = None
    merchant_id: Optional[str] = None
    host_response_text: Optional[str] = None
    host_response_code: Optional[str] = None
    total_amount: Optional[int] = None
    transaction_amount: Optional[int] = None
    tip_amount: Optional[int] = None
    transaction_date: Optional[str] = None
    transaction_time: Optional[str] = None
    card: Optional[Dict[str, Any]] = None
    emv: Optional[Dict[str, Any]] = None
    unknown_tags: Dict[str, Any] = field(default_factory=dict)
    parameters: Dict[str, Any] = field(default_factory=dict)
    signature: Optional[str] = None

    @classmethod
    def from_json(cls, value: Dict[str, Any]) -> "TransactionResult":
        return cls(
            raw=value.get("raw", {}),
            status=value.get("status"),
            type=value.get("type"),
            authorization_no=value.get("authorizationNo"),
            reference_no=value.get("referenceNo"),
            batch_no=value.get("batchNo"),
            terminal_id=value.get("terminalId"),
            merchant_id=value.get("merchantId"),
            host_response_text=value.get("hostResponseText"),
            host_response_code=value.get("hostResponseCode"),
            total_amount=value.get("totalAmount"),
            transaction_amount=value.get("transactionAmount"),
            tip_amount=value.get("tipAmount"),
            transaction_date=value.get("transactionDate"),
            transaction_time=value.get("transactionTime"),
            card=value.get("card"),
            emv=value.get("emv"),
            unknown_tags=value.get("unknownTags", {}),
            parameters=value.get("parameters", {}),
            signature=value.get("signature"),
        )


@dataclass(frozen=True)
class Outcome:
    """How an operation ended. ``kind``: approved, partially_approved, declined, not_found, cancelled, timed_out,
    error, completed, other. ``partial`` (a partial approval): ``{"requested": cents, "approved": cents}``."""

    kind: str
    flow_id: str
    type: str
    status: str
    source: str
    results: List[TransactionResult]
    raw: Dict[str, Any]
    result: Optional[TransactionResult] = None
    result_status: Optional[str] = None
    error_info: Optional[Dict[str, Any]] = None
    replayed: bool = False
    partial: Optional[Dict[str, int]] = None

    @property
    def approved(self) -> bool:
        return self.kind == "approved"

    @classmethod
    def from_json(cls, value: Dict[str, Any]) -> "Outcome":
        result = value.get("result")
        return cls(
            kind=value["kind"],
            flow_id=value["flowId"],
            type=value["type"],
            status=value["status"],
            source=value.get("source", "event"),
            results=[TransactionResult.from_json(r) for r in value.get("results", [])],
            raw=value.get("raw", {}),
            result=None if result is None else TransactionResult.from_json(result),
            result_status=value.get("resultStatus"),
            error_info=value.get("errorInfo"),
            replayed=bool(value.get("replayed", False)),
            partial=value.get("partial"),
        )


@dataclass(frozen=True)
class Progress:
    """``started`` (the terminal took the request) or ``proceed`` (an intermediate event, with results)."""

    type: str
    terminal_id: str
    flow_id: str
    status: Optional[str] = None
    results: List[TransactionResult] = field(default_factory=list)

    @classmethod
    def from_json(cls, value: Dict[str, Any]) -> "Progress":
        return cls(
            type=value["type"],
            terminal_id=value["terminalId"],
            flow_id=value["flowId"],
            status=value.get("status"),
            results=[TransactionResult.from_json(r) for r in value.get("results", [])],
        )


@dataclass(frozen=True)
class OutcomeRecord:
    """What the bridge's journal knows of a flow (``Terminal.outcome``)."""

    flow_id: str
    state: str
    type: Optional[str] = None
    idempotency_key: Optional[str] = None
    sent_at: Optional[int] = None
    outcome: Optional[Outcome] = None
    error: Optional[Dict[str, Any]] = None
    note: Optional[str] = None

    @classmethod
    def from_json(cls, value: Dict[str, Any]) -> "OutcomeRecord":
        outcome = value.get("outcome")
        return cls(
            flow_id=value["flowId"],
            state=value["state"],
            type=value.get("type"),
            idempotency_key=value.get("idempotencyKey"),
            sent_at=value.get("sentAt"),
            outcome=None if outcome is None else Outcome.from_json(outcome),
            error=value.get("error"),
            note=value.get("note"),
        )


@dataclass(frozen=True)
class ReconciledFlow:
    flow_id: str
    type: str
    verdict: str
    source: str
    note: str
    amount: Optional[int] = None
    idempotency_key: Optional[str] = None
    outcome: Optional[Outcome] = None

    @classmethod
    def from_json(cls, value: Dict[str, Any]) -> "ReconciledFlow":
        outcome = value.get("outcome")
        return cls(
            flow_id=value["flowId"],
            type=value["type"],
            verdict=value["verdict"],
            source=value["source"],
            note=value["note"],
            amount=value.get("amount"),
            idempotency_key=value.get("idempotencyKey"),
            outcome=None if outcome is None else Outcome.from_json(outcome),
        )


@dataclass(frozen=True)
class ReconcileReport:
    at: int
    flows: List[ReconciledFlow]
    unresolved: int

    @classmethod
    def from_json(cls, value: Dict[str, Any]) -> "ReconcileReport":
        return cls(
            at=value["at"],
            flows=[ReconciledFlow.from_json(f) for f in value.get("flows", [])],
            unresolved=value.get("unresolved", 0),
        )


@dataclass(frozen=True)
class UnclaimedOutcome:
    """A result no caller waited for any more (cancelled, timed out, caller gone). Journaled and acked."""

    terminal_id: str
    flow_id: str
    reason: str
    final: bool
    outcome: Optional[Outcome] = None
    idempotency_key: Optional[str] = None

    @classmethod
    def from_json(cls, value: Dict[str, Any]) -> "UnclaimedOutcome":
        outcome = value.get("outcome")
        return cls(
            terminal_id=value["terminalId"],
            flow_id=value["flowId"],
            reason=value["reason"],
            final=bool(value.get("final", False)),
            outcome=None if outcome is None else Outcome.from_json(outcome),
            idempotency_key=value.get("idempotencyKey"),
        )
