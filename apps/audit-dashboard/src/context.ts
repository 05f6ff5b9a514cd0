import type { AuditPrincipal } from '@app/contracts';
import { ApiError, type AuditApi } from './api';
import { byId, Generations } from './dom';

/** What every panel shares: the API, who is signed in, the chosen tenant, stale-answer guards. */
export class Context {
  principal: AuditPrincipal | null = null;
  readonly fresh = new Generations();

  constructor(readonly api: AuditApi) {}

  get tenantId(): string | undefined {
    return byId<HTMLSelectElement>('tenant').value || undefined;
  }

  get isOps(): boolean {
    return this.principal?.kind === 'ops';
  }

  /** Runs a loader, showing its failure in the panel's error line (a 401 has already signed out). */
  async guarded(errorId: string, loader: () => Promise<void>): Promise<void> {
    byId(errorId).textContent = '';
    try {
      await loader();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return;
      byId(errorId).textContent = `Could not load: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
}

export function itemsOf<T>(body: T[] | { items?: T[] } | null | undefined): T[] {
  if (Array.isArray(body)) return body;
  return body && Array.isArray(body.items) ? body.items : [];
}
