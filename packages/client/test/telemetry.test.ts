import { readFileSync } from 'node:fs';
import { metrics, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { cents, type FlowTimeline } from '../src/index.js';
import { ATTR as A, createTelemetry, METRIC as M, openTelemetry } from '../src/telemetry.js';
import { PLAIN, testRig } from './recovery-support.js';

/** The OpenTelemetry SDK with in-memory exporters, as an application would register it. */
function sdk() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  // Exports only when collected: the interval is far beyond any test.
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    meterProvider,
    spans: () => spans.getFinishedSpans(),
    async points(name: string): Promise<DataPoint<unknown>[]> {
      const { resourceMetrics } = await reader.collect();
      const found = resourceMetrics.scopeMetrics
        .flatMap((scope) => scope.metrics)
        .find((metric) => metric.descriptor.name === name);
      return (found?.dataPoints ?? []) as DataPoint<unknown>[];
    },
    async shutdown() {
      await meterProvider.shutdown();
      await tracerProvider.shutdown();
    },
  };
}

function eventNames(span: ReadableSpan): string[] {
  return span.events.map((event) => event.name);
}

describe('telemetry through @opentelemetry/api', () => {
  afterEach(() => {
    trace.disable();
    metrics.disable();
  });

  it('a sale: one span with request sent, started, events, acks and final; outcome and stage metrics', async () => {
    const otel = sdk();
    const r = testRig();
    const terminal = r.terminal({
      telemetry: openTelemetry({
        tracerProvider: otel.tracerProvider,
        meterProvider: otel.meterProvider,
        terminal: 'lane-1',
      }),
    });
    const outcome = await r.run(terminal.sale({ amount: cents(PLAIN) }));
    expect(outcome.kind).toBe('approved');

    const [span, ...others] = otel.spans().filter((s) => s.name === 'bluechip sale');
    expect(others).toEqual([]);
    expect(span?.attributes).toMatchObject({
      [A.terminal]: 'lane-1',
      [A.operation]: 'sale',
      [A.flowId]: outcome.flowId,
      [A.outcomeKind]: 'approved',
      [A.errorCode]: 'approved',
      [A.outcomeUnknown]: false,
    });
    const names = eventNames(span as ReadableSpan);
    expect(names[0]).toBe('request sent');
    expect(names[1]).toBe('started');
    expect(names).toContain('event');
    expect(names.at(-1)).toBe('final');
    // Every event got its ack, each with its latency.
    const acks = span?.events.filter((e) => e.name === 'ack') ?? [];
    expect(acks.length).toBe(names.filter((n) => n === 'event').length);
    for (const ack of acks) expect(typeof ack.attributes?.[A.ackLatency]).toBe('number');
    // Never card data: no attribute anywhere carries the masked PAN or the amount.
    const everything = JSON.stringify([span?.attributes, span?.events]);
    expect(everything).not.toMatch(/card|pan|\*{4}|1234/i);

    const outcomes = await otel.points(M.outcomes);
    expect(outcomes).toEqual([
      expect.objectContaining({
        value: 1,
        attributes: expect.objectContaining({ [A.operation]: 'sale', [A.outcomeKind]: 'approved' }),
      }),
    ]);
    const stages = await otel.points(M.stageDuration);
    const byStage = new Map(stages.map((p) => [p.attributes[A.stage], (p.value as Histogram).count]));
    expect(byStage.get('response')).toBe(1);
    expect(byStage.get('customer')).toBe(1);
    expect(byStage.get('ack')).toBe(acks.length);
    expect((await otel.points(M.flowDuration)).map((p) => (p.value as Histogram).count)).toEqual([1]);
    // The flow ended: the up-down counter is back to 0.
    expect((await otel.points(M.openFlows)).map((p) => p.value)).toEqual([0]);
    expect((await otel.points(M.linkStateChanges)).map((p) => p.attributes[A.linkState])).toContain('open');
    await otel.shutdown();
  });

  it('a decline is an answer, not a span error: kind declined, status unset', async () => {
    const otel = sdk();
    const r = testRig();
    const terminal = r.terminal({
      telemetry: openTelemetry({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider }),
    });
    const outcome = await r.run(terminal.sale({ amount: cents(200) }));
    expect(outcome.kind).toBe('declined');
    const span = otel.spans().find((s) => s.name === 'bluechip sale');
    expect(span?.attributes).toMatchObject({
      [A.terminal]: 'transport',
      [A.outcomeKind]: 'declined',
      [A.outcomeUnknown]: false,
    });
    expect(span?.status.code).toBe(0);
    const outcomes = await otel.points(M.outcomes);
    expect(outcomes.map((p) => [p.attributes[A.outcomeKind], p.value])).toEqual([['declined', 1]]);
    await otel.shutdown();
  });

  it('outcome unknown (link dropped mid-sale), then reconcile: error span, unknown counted, verdict recorded', async () => {
    const otel = sdk();
    const r = testRig();
    const terminal = r.terminal({
      reconnect: false,
      recovery: { auto: false },
      telemetry: openTelemetry({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider }),
    });
    const error = await r.run(terminal.sale({ amount: cents(205) })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'link_closed', outcomeUnknown: true });
    const failed = otel.spans().find((s) => s.name === 'bluechip sale');
    expect(failed?.attributes).toMatchObject({
      [A.outcomeKind]: 'unknown',
      [A.errorCode]: 'link_closed',
      [A.outcomeUnknown]: true,
    });
    expect(failed?.status).toMatchObject({ code: 2, message: 'link_closed' });
    expect(eventNames(failed as ReadableSpan)).toEqual(['request sent', 'started', 'failed']);

    const report = await r.run(terminal.reconcile());
    expect(report.flows[0]?.verdict).toBe('recovered');
    const reconcile = otel.spans().find((s) => s.name === 'bluechip reconcile');
    expect(reconcile?.events).toEqual([
      expect.objectContaining({
        name: 'verdict',
        attributes: expect.objectContaining({
          [A.flowId]: failed?.attributes[A.flowId],
          [A.recoveryVerdict]: 'recovered',
          [A.recoverySource]: 'recall',
          [A.outcomeKind]: 'approved',
        }),
      }),
    ]);
    const verdicts = await otel.points(M.reconcileVerdicts);
    expect(verdicts.map((p) => [p.attributes[A.recoveryVerdict], p.value])).toEqual([['recovered', 1]]);
    const unknown = (await otel.points(M.outcomes)).find((p) => p.attributes[A.outcomeUnknown] === true);
    expect(unknown).toMatchObject({ value: 1, attributes: { [A.errorCode]: 'link_closed' } });
    await otel.shutdown();
  });

  it('a resent event is counted, not delivered twice', async () => {
    const otel = sdk();
    const r = testRig();
    r.network.setFaults({
      toPos: [{ match: (frame) => frame.includes('"event"'), action: { kind: 'duplicate' } }],
    });
    const terminal = r.terminal({
      telemetry: openTelemetry({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider }),
    });
    expect((await r.run(terminal.sale({ amount: cents(PLAIN) }))).kind).toBe('approved');
    const resends = await otel.points(M.resends);
    expect(resends.map((p) => p.value)).toEqual([expect.any(Number)]);
    expect(resends[0]?.value).toBeGreaterThanOrEqual(1);
    // The copy of the final came after the flow ended (its ack was out): counted, not on the ended span.
    const span = otel.spans().find((s) => s.name === 'bluechip sale');
    expect(eventNames(span as ReadableSpan).filter((n) => n === 'event')).toHaveLength(1);
    await otel.shutdown();
  });

  it('a replayed outcome (same idempotency key) carries the recovery verdict "replayed" and sends nothing', async () => {
    const otel = sdk();
    const r = testRig();
    const terminal = r.terminal({ telemetry: openTelemetry({ tracerProvider: otel.tracerProvider }) });
    await r.run(terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-1' }));
    await r.run(terminal.sale({ amount: cents(PLAIN) }, { idempotencyKey: 'order-1' }));
    const [first, second] = otel.spans().filter((s) => s.name === 'bluechip sale');
    expect(first?.attributes[A.recoveryVerdict]).toBeUndefined();
    expect(second?.attributes).toMatchObject({
      [A.recoveryVerdict]: 'replayed',
      [A.outcomeKind]: 'approved',
    });
    expect(eventNames(second as ReadableSpan)).toEqual(['final']);
  });

  it('the SDK registered globally before connect is used; the timeline listener gets the same steps', async () => {
    const otel = sdk();
    trace.setGlobalTracerProvider(otel.tracerProvider);
    metrics.setGlobalMeterProvider(otel.meterProvider);
    const timelines: FlowTimeline[] = [];
    const r = testRig();
    const terminal = r.terminal({
      telemetry: openTelemetry({ onFlow: (timeline) => timelines.push(timeline) }),
    });
    await r.run(terminal.sale({ amount: cents(PLAIN) }));
    const span = otel.spans().find((s) => s.name === 'bluechip sale');
    expect(timelines.map((t) => t.marks.map((m) => m.name))).toEqual([eventNames(span as ReadableSpan)]);
    expect(timelines[0]).toMatchObject({ operation: 'sale', outcome: 'approved', outcomeUnknown: false });
    expect((await otel.points(M.outcomes)).length).toBe(1);
    await otel.shutdown();
  });

  it('with no SDK registered nothing is created: no telemetry, no frame tap, no per-flow call', () => {
    expect(createTelemetry(undefined, { url: 'ws://127.0.0.1:50000' })).toBeUndefined();
    expect(createTelemetry({}, {})).toBeUndefined();
    expect(openTelemetry().create({})).toBeUndefined();
    const otel = sdk();
    trace.setGlobalTracerProvider(otel.tracerProvider);
    expect(createTelemetry(undefined, {})).toBeDefined();
    trace.disable();
    metrics.setGlobalMeterProvider(otel.meterProvider);
    expect(createTelemetry(undefined, {})).toBeDefined();
  });

  it('docs/observability.md names every attribute and instrument', () => {
    const doc = readFileSync(new URL('../../../docs/observability.md', import.meta.url), 'utf8');
    for (const name of [...Object.values(A), ...Object.values(M)]) expect(doc).toContain(`\`${name}\``);
  });

  it('names the terminal by its url without credentials or query', () => {
    const otel = sdk();
    const flows: FlowTimeline[] = [];
    const telemetry = createTelemetry(
      { tracerProvider: otel.tracerProvider, onFlow: (t) => flows.push(t) },
      { url: 'ws://user:secret@10.0.0.5:50000/?token=x' },
    );
    telemetry?.watch('f1', 'sale').end();
    expect(flows[0]?.terminal).toBe('ws://10.0.0.5:50000');
  });
});
