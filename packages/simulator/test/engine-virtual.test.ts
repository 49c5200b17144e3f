import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { type EngineOptions, type FrameRecord, type LogEntry, SimulatorEngine } from '../src/index.js';
import { FakeLink } from './fake-link.js';

function setup(options: EngineOptions = {}) {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
  const engine = new SimulatorEngine({ scheduler, now: () => new Date(2026, 0, 2, 3, 4, 5), ...options });
  const frames: FrameRecord[] = [];
  const logs: LogEntry[] = [];
  engine.frames$.subscribe((f) => frames.push(f));
  engine.log$.subscribe((l) => logs.push(l));
  const link = new FakeLink();
  engine.serve(link);
  /** Runs every timer due up to virtual time `t`. */
  const advanceTo = (t: number) => {
    scheduler.maxFrames = t;
    scheduler.flush();
  };
  return { scheduler, engine, frames, logs, link, advanceTo };
}

describe('engine in virtual time', () => {
  it('sends started at once and the final event after eventDelayMs (default 300)', () => {
    const { link, advanceTo, engine, frames } = setup();
    link.request('1', { type: 'sale', amount: 100 });
    expect(link.messages).toEqual([{ response: { flow_id: '1', resource: { status: 'started' } } }]);
    advanceTo(299);
    expect(link.sent).toHaveLength(1);
    advanceTo(300);
    expect(link.messages[1].event.resource.status).toBe('completed');
    link.ack('1');
    expect(engine.busy).toBe(false);
    expect(frames.map((f) => [f.direction, f.at])).toEqual([
      ['in', 0],
      ['out', 0],
      ['out', 300],
      ['in', 300],
    ]);
  });

  it('re-sends every 5000 ms, 3 times by default, then abandons the flow at 20300 ms', () => {
    const { link, advanceTo, engine, frames, logs } = setup();
    link.request('1', { type: 'sale', amount: 100 });
    advanceTo(60_000);
    expect(frames.filter((f) => f.direction === 'out').map((f) => f.at)).toEqual([
      0, 300, 5300, 10300, 15300,
    ]);
    const abandoned = logs.find((l) => l.kind === 'flow_abandoned');
    expect(abandoned).toMatchObject({ at: 20300, flow_id: '1' });
    expect(engine.busy).toBe(false);
  });

  it('an ack whose resource is not {"status":"ok"} is logged; taken by default, not under onWrongAck "ignore"', () => {
    const echo = (link: FakeLink) => {
      link.request('1', { type: 'sale', amount: 100 });
      return link;
    };
    const lenient = setup();
    echo(lenient.link);
    lenient.advanceTo(300);
    const event = lenient.link.messages[1].event;
    lenient.link.receive({ event_ack: { flow_id: '1', resource: event.resource } });
    expect(lenient.engine.busy).toBe(false);
    expect(lenient.logs.find((l) => l.kind === 'ack_wrong_resource')?.message).toMatch(
      /^event_ack for 1 with resource \{"status":"completed","results":.*not \{"status":"ok"\}$/,
    );
    const strict = setup({ onWrongAck: 'ignore' });
    echo(strict.link);
    strict.advanceTo(300);
    strict.link.receive({ event_ack: { flow_id: '1', resource: { status: 'ok', note: 'x' } } });
    expect(strict.engine.busy).toBe(true);
    expect(strict.logs.filter((l) => l.kind === 'ack_wrong_resource')).toHaveLength(1);
    strict.link.ack('1');
    expect(strict.engine.busy).toBe(false);
  });

  it('handles an ack sent synchronously from inside send', () => {
    const { link, advanceTo, engine, logs } = setup();
    link.onSend = (text) => {
      const m = JSON.parse(text);
      if (m.event) link.ack(m.event.flow_id);
    };
    link.request('1', { type: 'settlement' });
    advanceTo(10_000);
    expect(link.messages.map((m) => m.event?.resource.status ?? m.response.resource.status)).toEqual([
      'started',
      'proceed',
      'completed',
    ]);
    expect(engine.busy).toBe(false);
    expect(logs.some((l) => l.kind === 'event_resent')).toBe(false);
  });

  it('completes and records a flow whose link drops before the final event (default onLinkDrop)', () => {
    const { link, advanceTo, engine, logs } = setup();
    link.request('1', { type: 'sale', amount: 4242 });
    advanceTo(100);
    link.peerClose();
    advanceTo(10_000);
    expect(link.sent).toHaveLength(1);
    expect(engine.busy).toBe(false);
    expect(engine.snapshot().batch).toHaveLength(1);
    expect(engine.snapshot().lastTransaction).toMatchObject({ status: 'approved', total_amount: '4242' });
    expect(logs.find((l) => l.kind === 'link_dropped_mid_flow')?.message).toMatch(/completed and recorded/);
  });

  it('forgets it under onLinkDrop "cancel"', () => {
    const { link, advanceTo, engine } = setup({ onLinkDrop: 'cancel' });
    link.request('1', { type: 'sale', amount: 4242 });
    advanceTo(100);
    link.peerClose();
    expect(engine.snapshot().batch).toEqual([]);
    expect(engine.snapshot().lastTransaction).toBeUndefined();
  });

  it('uses the injected now, shifted by set_date_time', () => {
    let wall = new Date(2026, 0, 2, 3, 4, 5).getTime();
    const { link, advanceTo, engine } = setup({ now: () => new Date(wall) });
    const config = new FakeLink('/tsi/v1/config');
    link.close();
    engine.serve(config);
    config.request('1', { type: 'set_date_time', date: '991231', time: '235959' });
    advanceTo(300);
    config.ack('1');
    wall += 2000;
    config.close();
    const pos = new FakeLink();
    engine.serve(pos);
    pos.request('2', { type: 'sale', amount: 1 });
    advanceTo(600);
    expect(pos.messages[1].event.resource.results[0]).toMatchObject({
      transaction_date: '00/01/01',
      transaction_time: '00:00:01',
    });
  });

  it('refuses a second link with 1013 and an unknown path with 4404 (no handshake to refuse)', () => {
    const { engine, logs } = setup();
    const second = new FakeLink('/tsi/v1/info');
    engine.serve(second);
    expect(second.closeInfo).toMatchObject({ code: 1013, reason: 'terminal busy: one client at a time' });
    const { engine: other } = setup({ connectionPolicy: 'replace' });
    const odd = new FakeLink('/upp/v1/device');
    other.serve(odd);
    expect(odd.closeInfo?.code).toBe(4404);
    expect(logs.filter((l) => l.kind === 'connection_refused')).toHaveLength(1);
  });

  it('closes links and cancels timers on close()', () => {
    const { link, advanceTo, engine } = setup();
    link.request('1', { type: 'sale', amount: 100 });
    engine.close();
    advanceTo(10_000);
    expect(link.closeInfo?.code).toBe(1001);
    expect(link.sent).toHaveLength(1);
  });

  it('survives a throwing settlementShape: error response, terminal free, next request served', () => {
    const { link, advanceTo, engine, logs } = setup({
      settlementShape: () => {
        throw new Error('shape bug');
      },
    });
    link.request('1', { type: 'settlement' });
    expect(link.messages[0].response.resource.error_info.text).toBe('internal simulator error: shape bug');
    expect(logs.some((l) => l.kind === 'internal_error')).toBe(true);
    expect(engine.busy).toBe(false);
    link.request('2', { type: 'sale', amount: 100 });
    advanceTo(300);
    expect(link.messages[2].event.resource.results[0].status).toBe('approved');
  });

  it('makes no frame records when nobody listens to frames$', () => {
    const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
    const engine = new SimulatorEngine({ scheduler });
    const link = new FakeLink();
    engine.serve(link);
    link.request('1', { type: 'sale', amount: 100 });
    scheduler.flush();
    expect(link.sent).toHaveLength(5);
  });
});
