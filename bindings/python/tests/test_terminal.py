"""The binding against the built-in simulator, through a real ``bluechip serve --stdio``.

Run by pytest with the rest of the suite (bindings/python/README.md); it needs the bridge bundle built
(``npm run build`` at the repository root) or BLUECHIP_BRIDGE_COMMAND set to how to start the bridge.
"""

from __future__ import annotations

import os
import signal
import tempfile
import threading
import unittest

from bluechip_bridge import (
    Bridge,
    BridgeClosedError,
    InvalidParamsError,
    OperationCancelledError,
    Terminal,
    TerminalBusyError,
    UnknownTerminalError,
    UnreachableError,
)

FAST = {"event_delay_ms": 20}


class SaleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.terminal = Terminal(simulator=FAST)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.terminal.close()

    def test_sale_is_approved_with_progress(self) -> None:
        seen = []
        outcome = self.terminal.sale(1234, idempotency_key="py-1", on_progress=seen.append)
        self.assertTrue(outcome.approved)
        self.assertEqual(outcome.kind, "approved")
        self.assertEqual(outcome.type, "sale")
        self.assertEqual(outcome.result.transaction_amount, 1234)
        self.assertTrue(outcome.result.reference_no)
        self.assertEqual([p.type for p in seen][:1], ["started"])
        self.assertEqual(seen[0].flow_id, outcome.flow_id)

    def test_declined_card_is_an_outcome(self) -> None:
        outcome = self.terminal.sale(200)
        self.assertEqual(outcome.kind, "declined")
        self.assertFalse(outcome.approved)

    def test_idempotency_key_returns_the_first_outcome(self) -> None:
        first = self.terminal.sale(1500, idempotency_key="py-idem")
        again = self.terminal.sale(1500, idempotency_key="py-idem")
        self.assertEqual(again.flow_id, first.flow_id)
        self.assertTrue(again.replayed)
        record = self.terminal.outcome(idempotency_key="py-idem")
        self.assertEqual(record.state, "completed")
        self.assertEqual(record.outcome.kind, "approved")
        self.assertIsNone(self.terminal.outcome(idempotency_key="never-used"))

    def test_bad_amount_raises_invalid_params_with_the_field(self) -> None:
        for amount in (12.34, -1, "12.34"):
            with self.assertRaises(InvalidParamsError) as caught:
                self.terminal.sale(amount)  # type: ignore[arg-type]
            self.assertEqual(caught.exception.path, "params.amount")
            self.assertEqual(caught.exception.code, -32602)
        with self.assertRaises(InvalidParamsError) as caught:
            self.terminal.sale(100, tender_typo="cash")
        self.assertEqual(caught.exception.path, "params.tenderTypo")

    def test_other_operations(self) -> None:
        sale = self.terminal.sale(1000)
        self.assertEqual(self.terminal.void(sale.result.reference_no).kind, "approved")
        self.assertEqual(self.terminal.terminal_info().kind, "completed")
        self.assertIn(self.terminal.report("summary_report").kind, ("completed", "approved"))
        self.assertIn(self.terminal.settlement().kind, ("completed", "approved"))
        self.assertEqual(self.terminal.refund(500, tender_type="credit").kind, "approved")
        self.assertEqual(self.terminal.status().state.kind, "open")
        self.assertEqual(self.terminal.reconcile().unresolved, 0)

    def test_progress_reports_proceed_events(self) -> None:
        scenario = {"rules": [{"match": {"amount": 1111}, "proceedEvents": 1}]}
        with Terminal(simulator={"event_delay_ms": 10, "scenario": scenario}) as terminal:
            seen = []
            outcome = terminal.sale(1111, on_progress=seen.append)
            self.assertTrue(outcome.approved)
            self.assertEqual([p.type for p in seen], ["started", "proceed"])
            self.assertEqual(seen[1].results[0].status, "in_progress")

    def test_threads_share_one_terminal(self) -> None:
        results = []
        errors = []

        def sell(i: int) -> None:
            try:
                results.append(self.terminal.sale(3000 + i, idempotency_key=f"thread-{i}"))
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                errors.append(error)

        threads = [threading.Thread(target=sell, args=(i,)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(sorted(o.result.transaction_amount for o in results), [3000 + i for i in range(6)])
        self.assertEqual(len({o.flow_id for o in results}), 6)


class LimitsTest(unittest.TestCase):
    def test_flood_beyond_the_queue_is_terminal_busy(self) -> None:
        with Terminal(simulator={"event_delay_ms": 50}, queue_limit=1) as terminal:
            outcomes, busy = [], []

            def sell(i: int) -> None:
                try:
                    outcomes.append(terminal.sale(700 + i))
                except TerminalBusyError as error:
                    busy.append(error)

            threads = [threading.Thread(target=sell, args=(i,)) for i in range(6)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(60)
            self.assertGreater(len(busy), 0)
            self.assertEqual(len(busy) + len(outcomes), 6)
            self.assertTrue(all(not e.outcome_unknown for e in busy))
            self.assertEqual(busy[0].data_code, "busy")

    def test_timeout_cancels_the_wait_and_the_outcome_is_still_kept(self) -> None:
        arrived = threading.Event()
        unclaimed = []

        def on_unclaimed(item) -> None:
            unclaimed.append(item)
            arrived.set()

        with Terminal(simulator={"event_delay_ms": 600}, on_unclaimed=on_unclaimed) as terminal:
            with self.assertRaises(OperationCancelledError) as caught:
                terminal.sale(1800, idempotency_key="py-cancelled", timeout=0.3)
            self.assertTrue(caught.exception.outcome_unknown)
            self.assertTrue(caught.exception.action)
            self.assertTrue(arrived.wait(10))
            self.assertEqual(unclaimed[0].outcome.kind, "approved")
            self.assertEqual(unclaimed[0].flow_id, caught.exception.flow_id)
            self.assertEqual(terminal.outcome(idempotency_key="py-cancelled").state, "completed")

    def test_unreachable_terminal(self) -> None:
        with Terminal(url="ws://127.0.0.1:1", reconnect=False, connect_timeout_ms=2000) as terminal:
            with self.assertRaises(UnreachableError) as caught:
                terminal.sale(100)
            self.assertEqual(caught.exception.data_code, "connect_failed")
            self.assertFalse(caught.exception.outcome_unknown)


class RecoveryTest(unittest.TestCase):
    def test_unknown_outcome_then_operator_verdict(self) -> None:
        from bluechip_bridge import OutcomeUnknownError

        with Terminal(simulator=FAST) as terminal:
            with self.assertRaises(OutcomeUnknownError) as caught:
                # 2.04: the terminal never answers; the flow times out with its outcome unknown.
                terminal.sale(204, idempotency_key="py-lost", timeouts={"eventGapMs": 200, "flowMs": 400})
            self.assertTrue(caught.exception.outcome_unknown)
            flow_id = caught.exception.flow_id
            self.assertEqual(terminal.outcome(flow_id=flow_id).state, "unknown")
            terminal.resolve_flow(flow_id, "not_found", note="not on the terminal's slip")
            self.assertEqual(terminal.outcome(idempotency_key="py-lost").state, "not_found")


class LifecycleTest(unittest.TestCase):
    def test_context_manager_closes_the_bridge(self) -> None:
        with Terminal(simulator=FAST) as terminal:
            bridge = terminal.bridge
            terminal.terminal_info()
        self.assertEqual(bridge.returncode, 0)

    def test_a_shared_bridge_holds_several_terminals(self) -> None:
        with Bridge() as bridge:
            a = Terminal(simulator=FAST, bridge=bridge)
            b = Terminal(simulator=FAST, bridge=bridge)
            self.assertNotEqual(a.terminal_id, b.terminal_id)
            self.assertTrue(a.sale(100).approved)
            self.assertTrue(b.sale(100).approved)
            a.close()
            with self.assertRaises(UnknownTerminalError):
                bridge.call("sale", {"terminalId": a.terminal_id, "amount": 100})
            b.close()
            self.assertIsNone(bridge.returncode)

    def test_a_dead_bridge_fails_pending_calls(self) -> None:
        bridge = Bridge()
        try:
            terminal = Terminal(simulator={"event_delay_ms": 0}, bridge=bridge)
            started = threading.Event()
            # 2.04: started, then no event; the bridge is killed while the call waits.
            pending = bridge.start(
                "sale", {"terminalId": terminal.terminal_id, "amount": 204}, on_progress=lambda _p: started.set()
            )
            self.assertTrue(started.wait(30))
            os.kill(bridge.pid, signal.SIGKILL)
            with self.assertRaises(BridgeClosedError):
                pending.result(10)
            with self.assertRaises(BridgeClosedError):
                terminal.sale(100)
        finally:
            bridge.close()

    def test_file_journal_keeps_outcomes_across_bridges(self) -> None:
        with tempfile.TemporaryDirectory() as journal:
            with Terminal(simulator=FAST, journal_dir=journal) as terminal:
                first = terminal.sale(4200, idempotency_key="order-py-journal")
            with Terminal(simulator=FAST, journal_dir=journal) as terminal:
                record = terminal.outcome(idempotency_key="order-py-journal")
                self.assertEqual(record.flow_id, first.flow_id)
                self.assertEqual(record.outcome.kind, "approved")
                again = terminal.sale(4200, idempotency_key="order-py-journal")
                self.assertTrue(again.replayed)


if __name__ == "__main__":
    unittest.main()
