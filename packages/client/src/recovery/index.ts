/**
 * Home of recovery (issue 6 follow-up, another developer): `terminal.reconcile()` — after a restart or a
 * lost link, read `journal.openFlows()` and settle each with `recall_last_transaction` — and the
 * idempotency-key short-circuit — before sending, `journal.byIdempotencyKey(key)` returns the earlier
 * outcome instead of charging twice.
 *
 * What is in place for it: every operation accepts `{ idempotencyKey }`, which the session journals with the
 * request; `terminal.session` and `terminal.journal` give access to the core; `unclaimed$` carries results
 * no caller waited for.
 */
export {};
