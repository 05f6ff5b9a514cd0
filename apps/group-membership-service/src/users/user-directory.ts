import { UserIds, UserQueryRoutes } from '@app/contracts';

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
 */
export class HttpUserDirectory implements UserDirectory {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 5000,
  ) {}

  async existing(tenantId: string, ids: readonly string[]): Promise<Set<string>> {
    const res = await fetch(this.baseUrl + UserQueryRoutes.existing(tenantId), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [...ids] } satisfies UserIds),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new Error(`user-service answered ${res.status} to a member check`);
    return new Set(((await res.json()) as UserIds).ids);
  }
}
