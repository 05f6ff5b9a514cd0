import { correlationHeaders, currentCorrelation } from '@app/observability';
import { UserIds, UserQueryRoutes } from '@app/contracts';
import { ScimError } from '@app/scim';

/** Ids per question: well under the user-service's 10,000, so a large member list never makes one it refuses. */
const IDS_PER_REQUEST = 1000;

/** Which ids are users of a tenant, asked of the user-service (the owner of users). */
export interface UserDirectory {
  existing(tenantId: string, ids: readonly string[]): Promise<Set<string>>;
}

export const USER_DIRECTORY = Symbol('USER_DIRECTORY');

/**
 * The user-service's internal API. Asked only about member ids the user events have not told
 * this service about yet: the gateway answers a user's 201 after the user-service committed it,
 * so a member added right after that 201 is found here even when its event is still on its way.
 * A failure to ask is an infrastructure error: the command is retried, never decided blind.
 * A 4xx is the question's own fault, which asking again cannot fix: the command is answered 400.
 */
export class HttpUserDirectory implements UserDirectory {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 5000,
    /** The internal API's credential header (docs/security.md). */
    private readonly headers: Record<string, string> = {},
  ) {}

  async existing(tenantId: string, ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += IDS_PER_REQUEST) {
      for (const id of await this.ask(tenantId, ids.slice(i, i + IDS_PER_REQUEST))) found.add(id);
    }
    return found;
  }

  private async ask(tenantId: string, ids: readonly string[]): Promise<string[]> {
    const res = await fetch(this.baseUrl + UserQueryRoutes.existing.path({ tenantId }), {
      method: 'POST',
      // The command's correlation id goes along, so the user-service's log lines carry it.
      headers: { 'content-type': 'application/json', ...this.headers, ...correlationHeaders(currentCorrelation()) },
      body: JSON.stringify({ ids: [...ids] } satisfies UserIds),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403 && res.status !== 429) {
      throw new ScimError(400, 'invalidValue', `The members could not be checked: the user-service refused the question (${res.status})`);
    }
    if (!res.ok) throw new Error(`user-service answered ${res.status} to a member check`);
    return ((await res.json()) as UserIds).ids;
  }
}
