"""Issue 24, defect 6: a call whose line is larger than the bridge accepts used to hang for ever (the bridge
answers such a line with an id-less -32600, which the binding only logged). Now it is refused before sending
when it exceeds the binding's limit, and failed when the bridge refuses it."""

from __future__ import annotations

from typing import List

import pytest

from bluechip_bridge import BluechipError, Bridge, MessageTooLargeError, OperationCancelledError, Terminal

# Bounds the wait so a regression fails instead of hanging the suite (not a speed assertion).
NO_HANG = 60


def test_an_oversize_call_is_refused_before_anything_is_sent(bridge_command: List[str]) -> None:
    with Bridge(bridge_command + ["--max-message-bytes", "4096"], max_message_bytes=4096) as bridge:
        terminal = Terminal(simulator={"event_delay_ms": 0}, bridge=bridge)
        with pytest.raises(MessageTooLargeError) as caught:
            bridge.start("sale", {"terminalId": terminal.terminal_id, "amount": 100, "orderNumber": "x" * 5000})
        assert caught.value.limit == 4096
        assert caught.value.size > 5000
        assert caught.value.code == -32600
        assert caught.value.data_code == "message_too_large"
        assert "Nothing was sent" in str(caught.value)
        # The bridge never saw it: the terminal still works and its journal has no such flow.
        assert terminal.sale(100).kind == "approved"
        terminal.close()


def test_a_call_the_bridge_refuses_as_too_large_fails_instead_of_hanging(bridge_command: List[str]) -> None:
    # The bridge's limit is smaller than the binding's: the bridge refuses the line without an id.
    with Bridge(bridge_command + ["--max-message-bytes", "4096"]) as bridge:
        terminal = Terminal(simulator={"event_delay_ms": 0}, bridge=bridge)
        pending = bridge.start("sale", {"terminalId": terminal.terminal_id, "amount": 100, "orderNumber": "x" * 5000})
        with pytest.raises(MessageTooLargeError) as caught:
            pending.result(NO_HANG)
        assert caught.value.limit == 4096
        assert caught.value.data_code == "message_too_large"
        assert caught.value.size > 5000
        # Later calls are unaffected.
        assert terminal.sale(100).kind == "approved"
        terminal.close()


def test_the_refusal_fails_only_the_call_it_names(bridge_command: List[str]) -> None:
    with Bridge(bridge_command + ["--max-message-bytes", "4096"]) as bridge:
        terminal = Terminal(simulator={"event_delay_ms": 0}, bridge=bridge)
        # A sale that holds the terminal (2.04: started, then no event) is pending while the big call fails.
        held = bridge.start("sale", {"terminalId": terminal.terminal_id, "amount": 204})
        big = bridge.start("terminal.status", {"terminalId": terminal.terminal_id, "pad": "y" * 6000})
        with pytest.raises(MessageTooLargeError):
            big.result(NO_HANG)
        assert not held.done()
        held.cancel()
        with pytest.raises(OperationCancelledError):
            held.result(NO_HANG)
        terminal.close()


def test_an_idless_error_for_no_known_call_is_only_logged(bridge_command: List[str]) -> None:
    with Bridge(bridge_command) as bridge:
        bridge._dispatch({"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "parse error"}})
        assert bridge.call("rpc.discover", timeout=NO_HANG)["openrpc"]


def test_a_call_that_is_not_json_in_utf8_is_refused_before_sending(bridge_command: List[str]) -> None:
    with Bridge(bridge_command) as bridge:
        for bad in ("order-\ud800", float("nan")):
            with pytest.raises(BluechipError, match="Nothing was sent"):
                bridge.start("terminal.status", {"terminalId": "t1", "pad": bad})
        assert bridge.call("rpc.discover", timeout=NO_HANG)["openrpc"]


def test_a_refusal_names_its_call_by_size_while_another_is_being_written(bridge_command: List[str]) -> None:
    with Bridge(bridge_command + ["--max-message-bytes", "4096"]) as bridge:
        big = bridge.start("terminal.status", {"terminalId": "t1", "pad": "z" * 5000})
        # As if the refusal arrived while another call's line was on its way: the size still decides.
        bridge._writing = 10_000
        try:
            with pytest.raises(MessageTooLargeError):
                big.result(NO_HANG)
        finally:
            bridge._writing = None
