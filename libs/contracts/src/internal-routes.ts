import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/** The names of the `:params` in a route pattern, e.g. "tenantId" | "id". */
export type RouteParam<S extends string> = S extends `${string}:${infer P}/${infer Rest}` ? P | RouteParam<Rest> : S extends `${string}:${infer P}` ? P : never;

/**
 * One route of an owning service's internal API (HTTP, gateway → owner, not exposed to tenants),
 * declared once: the controller mounts `pattern` (Nest/Fastify `:param` syntax), the client calls
 * `path(params)`, which fills the pattern with the values URL-encoded.
 */
export interface InternalRoute<S extends string> {
  readonly method: 'GET' | 'POST';
  readonly pattern: S;
  path(params: Record<RouteParam<S>, string>): string;
}

export function internalRoute<const S extends string>(method: 'GET' | 'POST', pattern: S): InternalRoute<S> {
  return {
    method,
    pattern,
    path(params) {
      const values = new Map<string, string>(Object.entries(params));
      return pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(values.get(name) ?? ''));
    },
  };
}

/** The JSON Schema of an internal API body, carrying the type derived from it (so the two cannot be paired wrongly). */
export interface InternalBodySchema<T> {
  readonly jsonSchema: object;
  /** Never set: only carries T for the compiler. */
  readonly type?: T;
}

export function internalBodySchema<const S extends JSONSchema & object>(jsonSchema: S): InternalBodySchema<FromSchema<S>> {
  return { jsonSchema };
}
