import { ConfigurationError, loadConfig } from '@app/config';
import { GatewayEdgeConfig } from './gateway-edge.config';

const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/scim_gateway' };

describe('GatewayEdgeConfig', () => {
  it('has working defaults', () => {
    expect(loadConfig(GatewayEdgeConfig, base)).toMatchObject({
      SCIM_BASE_PATH: '/scim/v2',
      SCIM_BODY_LIMIT_BYTES: 1_048_576,
      SCIM_MAX_PAGE_SIZE: 200,
      DEFAULT_RATE_LIMIT_PER_SECOND: 1000,
      DEFAULT_RATE_LIMIT_BURST: 2000,
      DEFAULT_MAX_WRITES_IN_FLIGHT: 100,
      TOKEN_CACHE_TTL_MS: 30_000,
      TOKEN_LAST_USED_INTERVAL_MS: 60_000,
    });
  });

  it('reads numbers and paths from the environment', () => {
    const config = loadConfig(GatewayEdgeConfig, { ...base, SCIM_BASE_PATH: '/tenants/scim', SCIM_BODY_LIMIT_BYTES: '65536', ADMIN_TOKEN: 'x'.repeat(32) });
    expect(config.SCIM_BASE_PATH).toBe('/tenants/scim');
    expect(config.SCIM_BODY_LIMIT_BYTES).toBe(65536);
    expect(config.ADMIN_TOKEN).toHaveLength(32);
  });

  it('names every bad variable', () => {
    let error: unknown;
    try {
      loadConfig(GatewayEdgeConfig, { ...base, SCIM_BASE_PATH: '/', ADMIN_TOKEN: 'short', TOKEN_CACHE_TTL_MS: 'soon', SCIM_PUBLIC_BASE_URL: 'ftp://x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const problems = (error as ConfigurationError).problems.join('\n');
    for (const name of ['SCIM_BASE_PATH', 'ADMIN_TOKEN', 'TOKEN_CACHE_TTL_MS', 'SCIM_PUBLIC_BASE_URL']) expect(problems).toContain(name);
  });
});
