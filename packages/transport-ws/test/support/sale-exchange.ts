import type { Transport } from '@bluechip-ws/core';
import { firstValueFrom } from 'rxjs';

/**
 * A sale at transport level: request, then the terminal's response and final event, then our event_ack.
 * Shared by the Node test and the browser page so both run the very same exchange.
 */
export async function runSaleExchange(transport: Transport, path: string): Promise<string[]> {
  const single = path === '/';
  const head = single ? { flow_id: '109569', endpoint: '/tsi/v1/payment' } : { flow_id: '109569' };
  const link = await firstValueFrom(transport.open(path));
  const transcript: string[] = [];
  const done = new Promise<void>((resolve, reject) => {
    link.frames$.subscribe({
      next: (frame) => {
        if (typeof frame !== 'string') return;
        transcript.push(`pos got ${frame}`);
        const message = JSON.parse(frame) as { event?: { resource: { status: string } } };
        if (message.event) {
          const ack = JSON.stringify({ event_ack: { ...head, resource: { status: 'ok' } } });
          link.send(ack);
          transcript.push(`pos sent ${ack}`);
          resolve();
        }
      },
      error: reject,
      complete: () => reject(new Error('link closed before the final event')),
    });
  });
  const request = JSON.stringify({ request: { ...head, resource: { type: 'sale', amount: 6417 } } });
  link.send(request);
  transcript.push(`pos sent ${request}`);
  await done;
  // A close frame queues behind the ack, so the terminal still gets the ack.
  link.close('sale done');
  return transcript;
}
