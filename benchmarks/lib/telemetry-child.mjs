// One measured run for telemetry-instructions.mjs, meant to be run under `valgrind --tool=callgrind`:
//   node telemetry-child.mjs <off|none|sdk> <sales>
// `off`: connect() without the telemetry option, the path without telemetry; `none`: the default with no SDK
// registered; `sdk`: the OpenTelemetry SDK registered (in-memory span exporter, metric reader). Sales run
// against the simulator over the memory network in virtual time, after the same warm-up in every run.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { cents, connect } from '@bluechip-ws/client';
import { openTelemetry } from '@bluechip-ws/client/telemetry';
import { attachSimulator } from '@bluechip-ws/simulator';
import { createMemoryNetwork } from '@bluechip-ws/transport-memory';
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';

const WARMUP_SALES = 300;
const [mode, salesArg] = process.argv.slice(2);
const sales = Number(salesArg);
if (!['off', 'none', 'sdk'].includes(mode) || !(sales > 0)) throw new Error('usage: <off|none|sdk> <sales>');

if (mode === 'sdk') {
  // The SDK packages are the client's devDependencies (its tests use them): resolved from there.
  const fromClient = createRequire(new URL('../../packages/client/package.json', import.meta.url));
  const load = (name) => import(pathToFileURL(fromClient.resolve(name)).href);
  const { metrics, trace } = await load('@opentelemetry/api');
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await load(
    '@opentelemetry/sdk-trace-base',
  );
  const { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } =
    await load('@opentelemetry/sdk-metrics');
  const spans = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
  );
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  metrics.setGlobalMeterProvider(
    new MeterProvider({
      readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
    }),
  );
  // Finished spans are dropped as they pile up: the run measures recording, not an ever-growing array.
  setInterval(() => spans.reset(), 1000).unref();
}

const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
const network = createMemoryNetwork({ scheduler });
attachSimulator(network.server, { scheduler, eventDelayMs: 10 });
const terminal = connect({
  transport: network.transport,
  scheduler,
  // off: no telemetry option (a page that reports nothing); none and sdk: openTelemetry(), without and with an SDK.
  ...(mode === 'off' ? {} : { telemetry: openTelemetry() }),
});

/** Runs virtual time until the sale settles (bounded). */
async function settle(promise) {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 1000 && !done; i++) {
    scheduler.flush();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return promise;
}

async function run(count) {
  for (let i = 0; i < count; i++) {
    const outcome = await settle(terminal.sale({ amount: cents(1234) }));
    if (outcome.kind !== 'approved') throw new Error(`sale ${i}: ${outcome.kind}`);
  }
}

await run(WARMUP_SALES);
await run(sales);
console.log(JSON.stringify({ mode, sales }));
process.exit(0);
