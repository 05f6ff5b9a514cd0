import { context, propagation, SpanStatusCode, trace, type Context, type Link, type Span, type SpanKind, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** The instrumentation scope of every span this platform starts itself. */
export const TRACER_NAME = 'scim-platform';

export interface TracingOptions {
  /** service.name of the spans (OTEL_SERVICE_NAME overrides it, as the specification says). */
  service: string;
  /** The environment to read OTEL_* settings from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Tests: export to this exporter, span by span, whatever the environment says. */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** Whether spans are recorded and exported (false: trace context is only passed on). */
  readonly exporting: boolean;
  /** Exports what is buffered and stops (part of a graceful stop). */
  shutdown(): Promise<void>;
}

let started: Tracing | undefined;

/**
 * Whether the environment asks for spans to be exported: an OTLP endpoint is configured
 * (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) or OTEL_TRACES_EXPORTER is
 * `otlp`; never with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none. Off by default.
 */
export function tracesExportRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none') return false;
  if (exporter === 'otlp') return true;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/**
 * OpenTelemetry for one process, once (later calls return the first). Always: W3C trace context
 * (`traceparent`, `tracestate`) read from and written to HTTP and Kafka headers, kept across
 * async work — so a trace passes through a service even when it records nothing. When export is
 * requested (tracesExportRequested): spans are recorded and sent by OTLP/HTTP (the exporter reads
 * the standard OTEL_EXPORTER_OTLP_* settings, the sampler OTEL_TRACES_SAMPLER), and Postgres
 * queries made inside a span become spans (the pg instrumentation; statements without values).
 */
export function startTracing(options: TracingOptions): Tracing {
  if (started) return started;
  const env = options.env ?? process.env;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  if (!options.exporter && !tracesExportRequested(env)) {
    started = { exporting: false, shutdown: async () => undefined };
    return started;
  }
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME?.trim() || options.service }),
    spanProcessors: [options.exporter ? new SimpleSpanProcessor(options.exporter) : new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  trace.setGlobalTracerProvider(provider);
  // Only inside a span: the relay's and pruners' background queries would otherwise each be a trace.
  registerInstrumentations({ tracerProvider: provider, instrumentations: [new PgInstrumentation({ requireParentSpan: true })] });
  started = { exporting: true, shutdown: () => provider.shutdown() };
  return started;
}

/** Reads a trace context from headers (HTTP or Kafka, as strings); the active context when they carry none. */
export function contextFromHeaders(headers: Record<string, string | string[] | undefined>, base: Context = context.active()): Context {
  return propagation.extract(base, headers, {
    keys: (carrier) => Object.keys(carrier),
    get: (carrier, key) => carrier[key],
  });
}

/** The `traceparent`/`tracestate` headers of a context (none outside a trace). */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(ctx, headers);
  return headers;
}

/** The headers that carry a span's context to the next hop. */
export function traceHeadersOf(span: Span): Record<string, string> {
  return traceHeaders(trace.setSpan(context.active(), span));
}

export function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/**
 * Runs `work` in a new span (child of `parent`, default the active context), ending it when the
 * work settles and marking it failed when it throws.
 */
export async function inSpan<T>(
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  parent: Context = context.active(),
  links?: Link[],
): Promise<T> {
  const span = tracer().startSpan(name, { kind, attributes, links }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (err) {
    failSpan(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/** Marks a span failed with the error (recorded as an exception event). */
export function failSpan(span: Span, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}
