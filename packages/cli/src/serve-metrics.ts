import type { ListenAddress } from './listen-address.js';

export interface ServeMetrics {
  readonly url: string;
  readonly loopback: boolean;
  close(): Promise<void>;
}

/**
 * `bluechip serve --metrics`: the library's own OpenTelemetry metrics of every terminal the bridge opens
 * (docs/observability.md), read by the SDK's Prometheus exporter and served by the agent's endpoint
 * (`/metrics`, `/healthz`, `/readyz`, loopback unless the host is written out). The meter provider is
 * registered globally before any terminal opens, which is what makes `connect` report to it. Loaded on
 * demand: without `--metrics` nothing of the SDK is imported.
 */
export async function startServeMetrics(
  address: ListenAddress,
  notReady: () => string[],
): Promise<ServeMetrics> {
  const [{ metrics }, { MeterProvider }, { PrometheusExporter, PrometheusSerializer }, fleet] =
    await Promise.all([
      import('@opentelemetry/api'),
      import('@opentelemetry/sdk-metrics'),
      import('@opentelemetry/exporter-prometheus'),
      import('@bluechip-ws/fleet/node'),
    ]);
  // The exporter's own HTTP server listens on every interface by default: ours is used instead.
  const reader = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(provider);
  const serializer = new PrometheusSerializer();
  const endpoint = await fleet.startMetricsServer(
    {
      scrape: async () => serializer.serialize((await reader.collect()).resourceMetrics),
      notReady,
    },
    { host: address.host, port: address.port },
  );
  return {
    url: endpoint.url,
    loopback: endpoint.loopback,
    async close() {
      await endpoint.close();
      await provider.shutdown().catch(() => undefined);
      metrics.disable();
    },
  };
}
