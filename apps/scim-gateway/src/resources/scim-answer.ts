import type { FastifyReply } from 'fastify';
import type { JsonObject, QueryParams } from '@app/scim';

/** What a SCIM resource answer needs: status, body, and the ETag of the resource it returns. */
export interface ScimAnswer {
  status: number;
  body?: JsonObject;
  etag?: string;
  /** For a 201: the new resource's URL (RFC 7644 §3.3 Location), whatever the projection left of meta. */
  location?: string;
}

/** Writes an answer: ETag header, status, body (none for 204). */
export function sendScimAnswer(reply: FastifyReply, answer: ScimAnswer): FastifyReply {
  if (answer.etag) reply.header('ETag', answer.etag);
  if (answer.location) reply.header('Location', answer.location);
  reply.status(answer.status);
  return answer.body === undefined ? reply.send() : reply.send(answer.body);
}

/** A .search body's members become the same parameters a GET query string carries (RFC 7644 §3.4.3). */
export function searchParams(body: Record<string, unknown> | undefined): QueryParams {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(body ?? {})) {
    if (key === 'schemas' || value === undefined || value === null) continue;
    params[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return params;
}

/** A query parameter by name, ignoring case (RFC 7644 §3.4.2); a repeated one gives its first value. */
export function firstParam(params: QueryParams, name: string): string | undefined {
  const key = Object.keys(params).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : params[key];
  return typeof value === 'string' ? value : value?.[0];
}
