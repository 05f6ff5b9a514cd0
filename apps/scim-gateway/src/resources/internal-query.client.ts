import { correlationHeaders, currentCorrelation } from '@app/observability';
import { ScimError, ScimErrorResponse } from '@app/scim';

/**
 * An owning service's internal query API over HTTP with keep-alive (Node's fetch). Reads go to
 * the owner's store; the gateway keeps no copy. A service that cannot be reached, or answers
 * 5xx, becomes 503; a 4xx with a SCIM error body (e.g. invalidFilter) is passed on as is.
 */
export class InternalQueryClient {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    /** Named in errors: "user store", "group store". */
    private readonly storeName: string,
    /** The service credential of the internal API (docs/security.md). */
    private readonly headers: Record<string, string> = {},
  ) {}

  /** GET; null when the service answers 404. */
  async find<R>(path: string): Promise<R | null> {
    const res = await this.call(path, { method: 'GET' });
    if (res.status === 404) return null;
    return (await this.expectOk(res)) as R;
  }

  async post<R>(path: string, body: unknown): Promise<R> {
    const res = await this.call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return (await this.expectOk(res)) as R;
  }

  private async call(path: string, init: RequestInit): Promise<Response> {
    try {
      // Given up at the timeout, or at once when the SCIM client that asked has hung up: the
      // owning service then drops the read from its line or cancels its statement (docs/security.md).
      const correlation = currentCorrelation();
      const gone = correlation?.clientGone;
      const signal = gone ? AbortSignal.any([AbortSignal.timeout(this.timeoutMs), gone]) : AbortSignal.timeout(this.timeoutMs);
      // The SCIM request's correlation id goes along, so the owning service's log lines carry it.
      const headers = { ...(init.headers as Record<string, string> | undefined), ...this.headers, ...correlationHeaders(correlation) };
      return await fetch(this.baseUrl + path, { ...init, headers, signal });
    } catch (err) {
      throw new ScimError(503, undefined, `${this.storeName} unavailable: ${(err as Error).message}`);
    }
  }

  private async expectOk(res: Response): Promise<unknown> {
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.ok) return body;
    if (res.status >= 400 && res.status < 500 && Array.isArray(body.schemas)) {
      const error = body as unknown as ScimErrorResponse;
      throw new ScimError(res.status, error.scimType, error.detail ?? `request refused by the ${this.storeName}`);
    }
    throw new ScimError(503, undefined, `${this.storeName} answered ${res.status}`);
  }
}
