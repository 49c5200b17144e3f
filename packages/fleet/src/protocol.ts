/** Headers shared by the agent and the remote client. */

/** The caller's id of a call: progress notifications carry it as `requestId`. */
export const CALL_ID_HEADER = 'Bluechip-Call-Id';
/** On an operation's answer: `yes` once the outcome is in the stream, `no` when it waits in the agent's outbox. */
export const RECORDED_HEADER = 'Bluechip-Recorded';
