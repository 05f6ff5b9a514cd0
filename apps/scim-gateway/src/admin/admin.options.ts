export interface AdminOptions {
  /** The admin API's bearer credential (ADMIN_TOKEN). Unset: the admin API refuses every request. */
  adminToken?: string;
}

export const ADMIN_OPTIONS = Symbol('ADMIN_OPTIONS');

/** Realm of the admin API's WWW-Authenticate challenge, distinct from the tenants' "scim". */
export const ADMIN_REALM = 'admin';
