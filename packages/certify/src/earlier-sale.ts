import type { SimulatorEngine } from '@bluechip-ws/simulator';
import { filter, firstValueFrom, merge, ReplaySubject, Subject } from 'rxjs';

type ServedLink = Parameters<SimulatorEngine['serve']>[0];
type LinkClose = ServedLink['closed$'] extends import('rxjs').Observable<infer C> ? C : never;

/** Log kinds that end a flow on the terminal. */
const ENDED: ReadonlySet<string> = new Set(['flow_completed', 'flow_abandoned', 'link_dropped_mid_flow']);

/**
 * Plays one sale on the terminal in process, as the previous customer's POS would, so that the terminal's
 * last transaction is somebody else's when the POS under test recalls it. Resolves true once the terminal
 * completed it, false when it could not be played (a POS still connected: one client at a time).
 */
export async function playEarlierSale(
  engine: SimulatorEngine,
  cents: number,
  flowId: string,
): Promise<boolean> {
  const frames = new Subject<string>();
  const closed = new ReplaySubject<LinkClose>(1);
  let open = true;
  const close = (reason = 'closed', code = 1000) => {
    if (!open) return;
    open = false;
    closed.next({ reason, code, clean: true });
    closed.complete();
    frames.complete();
  };
  const link: ServedLink = {
    path: '/tsi/v1/payment',
    frames$: frames.asObservable(),
    closed$: closed.asObservable(),
    get isOpen() {
      return open;
    },
    send(text: string) {
      // Ack each event of its flow, after `send` returns (the engine arms its timer before sending anyway).
      if (text.startsWith('{"event"') && text.includes(`"flow_id":${JSON.stringify(flowId)}`)) {
        queueMicrotask(() => {
          if (open)
            frames.next(`{"event_ack":{"flow_id":${JSON.stringify(flowId)},"resource":{"status":"ok"}}}`);
        });
      }
    },
    close,
  };
  const ended = firstValueFrom(
    merge(engine.log$.pipe(filter((l) => l.flow_id === flowId && ENDED.has(l.kind))), closed),
    { defaultValue: undefined },
  );
  engine.serve(link);
  if (open)
    frames.next(
      `{"request":{"flow_id":${JSON.stringify(flowId)},"resource":{"type":"sale","amount":${cents}}}}`,
    );
  const end = await ended;
  close();
  return end !== undefined && 'kind' in end && end.kind === 'flow_completed';
}
