import { AuditRoutes } from '@app/contracts';

const CREDENTIAL_KEY = 'scim-audit-dashboard.credential';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Params = Record<string, string | number | boolean | null | undefined>;

/**
 * The audit API from the browser: the credential from this tab's session storage as a bearer,
 * paths from the contract (AuditRoutes). A 401 signs the page out (onUnauthorized).
 */
export class AuditApi {
  onUnauthorized: () => void = () => undefined;

  get credential(): string | null {
    return sessionStorage.getItem(CREDENTIAL_KEY);
  }

  set credential(token: string | null) {
    if (token === null) sessionStorage.removeItem(CREDENTIAL_KEY);
    else sessionStorage.setItem(CREDENTIAL_KEY, token);
  }

  get<T>(path: string, params: Params = {}): Promise<T> {
    return this.call<T>('GET', path, params);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, {}, body);
  }

  private async call<T>(method: string, path: string, params: Params, body?: unknown): Promise<T> {
    const token = this.credential;
    if (!token) throw new ApiError(401, 'not signed in');
    const url = new URL(path, window.location.origin);
    for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
    const res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
    const raw = await res.text();
    let parsed: unknown;
    try {
      parsed = raw ? JSON.parse(raw) : null;
    } catch {
      parsed = raw;
    }
    if (res.status === 401) {
      this.onUnauthorized();
      throw new ApiError(401, 'credential refused');
    }
    if (!res.ok) throw new ApiError(res.status, `${res.status} ${describeError(parsed)}`);
    return parsed as T;
  }
}

export function describeError(body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    return String(b.detail ?? b.message ?? b.error ?? JSON.stringify(body));
  }
  return String(body ?? '');
}

export { AuditRoutes };
