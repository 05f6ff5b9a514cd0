/**
 * Operator CLI for the tenant registry, working directly on the gateway database (DATABASE_URL,
 * migrated first exactly as the gateway does at start-up) through the same services as the
 * admin API. Output is JSON on stdout; errors go to stderr with a non-zero exit code.
 *
 *   npm run cli -- <command> [options]      (after a build; or node -r tsconfig-paths/register dist/apps/scim-gateway/src/cli.js)
 *     tenant create --name NAME [--profile JSON]
 *     tenant list
 *     tenant get --tenant ID
 *     tenant set-profile --tenant ID --profile JSON
 *     token issue --tenant ID [--name NAME]      prints the secret: the only time it is shown
 *     token list --tenant ID
 *     token revoke --token-id ID [--tenant ID]
 *     oauth-client issue --tenant ID [--name NAME]   prints the client secret: the only time it is shown
 *     oauth-client list --tenant ID
 *     oauth-client revoke --client-id ID [--tenant ID]
 *     schema define --tenant ID --schema JSON       a User extension schema of the tenant (replaces one with its id)
 *     schema list --tenant ID
 *     schema remove --tenant ID --urn URN
 *
 * A revocation here reaches running gateways when their token cache expires (TOKEN_CACHE_TTL_MS).
 */
import './admin/built-module-paths'; // first: later imports use the @app/* aliases
import 'reflect-metadata';
import { parseArgs as parseNodeArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { ConfigurationError, loadConfig, ServiceBaseConfig } from '@app/config';
import { JsonLogger } from '@app/observability';
import { openDatabase, redactUrl } from '@app/persistence';
import { GatewayError } from './errors/gateway-error';
import { GATEWAY_ENTITIES, GATEWAY_MIGRATIONS } from './scim-gateway.definition';
import { createTenantRegistry, type TenantRegistry } from './tenants/tenant-registry';
import { TenantSchemas } from './tenants/tenants.service';

export const CLI_USAGE = `usage: npm run cli -- <command> [options]   (DATABASE_URL: the gateway database; --help: this text)
  tenant create --name NAME [--profile JSON]
  tenant list
  tenant get --tenant ID
  tenant set-profile --tenant ID --profile JSON
  token issue --tenant ID [--name NAME]
  token list --tenant ID
  token revoke --token-id ID [--tenant ID]
  oauth-client issue --tenant ID [--name NAME]
  oauth-client list --tenant ID
  oauth-client revoke --client-id ID [--tenant ID]
  schema define --tenant ID --schema JSON
  schema list --tenant ID
  schema remove --tenant ID --urn URN`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
};

class UsageError extends Error {}

type Flags = Record<string, string>;
type Command = (registry: TenantRegistry, flags: Flags) => Promise<unknown>;

const COMMANDS: Record<string, Command> = {
  'tenant create': (r, f) => r.tenants.create(required(f, 'name'), f.profile === undefined ? undefined : parseJsonFlag('profile', f.profile)),
  'tenant list': async (r) => ({ tenants: await r.tenants.list() }),
  'tenant get': (r, f) => r.tenants.get(required(f, 'tenant')),
  'tenant set-profile': (r, f) => r.tenants.replaceProfile(required(f, 'tenant'), parseJsonFlag('profile', required(f, 'profile'))),
  'token issue': (r, f) => r.tokens.issue(required(f, 'tenant'), f.name),
  'token list': async (r, f) => ({ tokens: await r.tokens.list(required(f, 'tenant')) }),
  'token revoke': (r, f) => (f.tenant ? r.tokens.revoke(f.tenant, required(f, 'token-id')) : r.tokens.revokeById(required(f, 'token-id'))),
  'schema define': (r, f) => new TenantSchemas(r.tenants).define(required(f, 'tenant'), parseJsonFlag('schema', required(f, 'schema'))),
  'schema list': async (r, f) => ({ schemas: await new TenantSchemas(r.tenants).list(required(f, 'tenant')) }),
  'schema remove': async (r, f) => {
    await new TenantSchemas(r.tenants).remove(required(f, 'tenant'), required(f, 'urn'));
    return { removed: f.urn };
  },
  'oauth-client issue': (r, f) => r.oauthClients.issue(required(f, 'tenant'), f.name),
  'oauth-client list': async (r, f) => ({ clients: await r.oauthClients.list(required(f, 'tenant')) }),
  'oauth-client revoke': (r, f) => (f.tenant ? r.oauthClients.revoke(f.tenant, required(f, 'client-id')) : r.oauthClients.revokeById(required(f, 'client-id'))),
};

/** Runs one command; returns the exit code (0 done, 1 refused or failed, 2 usage, 78 configuration). */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = process.env, io: CliIo = processIo): Promise<number> {
  let name: string;
  let flags: Flags;
  try {
    ({ name, flags } = parseArgs(argv));
  } catch (error) {
    io.err(`${(error as Error).message}\n${CLI_USAGE}`);
    return 2;
  }
  if (name === 'help') {
    io.out(CLI_USAGE);
    return 0;
  }
  let config: ServiceBaseConfig;
  try {
    config = loadConfig(ServiceBaseConfig, env);
  } catch (error) {
    io.err(error instanceof ConfigurationError ? error.message : String(error));
    return 78;
  }
  let dataSource;
  try {
    dataSource = await openDatabase({
      url: config.DATABASE_URL,
      entities: GATEWAY_ENTITIES,
      migrations: GATEWAY_MIGRATIONS,
      poolSize: 2,
      applicationName: 'scim-gateway-cli',
    });
  } catch (error) {
    io.err(`cannot open the gateway database ${redactUrl(config.DATABASE_URL)}: ${(error as Error).message}`);
    return 1;
  }
  const registry = createTenantRegistry(dataSource);
  try {
    const result = await COMMANDS[name](registry, flags);
    io.out(JSON.stringify(result, null, 2));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n${CLI_USAGE}`);
      return 2;
    }
    io.err(error instanceof GatewayError ? `${error.code}: ${error.detail}` : `failed: ${(error as Error).stack ?? String(error)}`);
    return 1;
  } finally {
    await registry.close();
    await dataSource.destroy();
  }
}

/** The options the commands take, each with a value (`--name X` or `--name=X`). */
const OPTIONS = ['name', 'profile', 'tenant', 'token-id', 'client-id', 'schema', 'urn'] as const;

/**
 * `tenant create --name X --profile={...}` → { name: 'tenant create', flags: { name: 'X', profile: '{...}' } },
 * by node:util's parseArgs (strict: an unknown option or one without its value is a usage error);
 * `--help` (or `help`) gives `{ name: 'help' }`.
 */
export function parseArgs(argv: string[]): { name: string; flags: Flags } {
  let parsed;
  try {
    parsed = parseNodeArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { help: { type: 'boolean', short: 'h' }, ...Object.fromEntries(OPTIONS.map((o) => [o, { type: 'string' as const }])) },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { help, ...values } = parsed.values as Record<string, string | boolean | undefined>;
  const name = parsed.positionals.join(' ');
  if (help === true || name === 'help') return { name: 'help', flags: {} };
  if (!COMMANDS[name]) throw new UsageError(name ? `unknown command "${name}"` : 'no command given');
  return { name, flags: Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => typeof e[1] === 'string')) };
}

function required(flags: Flags, key: string): string {
  const value = flags[key];
  if (value === undefined || value === '') throw new UsageError(`--${key} is required`);
  return value;
}

function parseJsonFlag(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--${key} is not valid JSON: ${(error as Error).message}`);
  }
}

if (require.main === module) {
  // stdout carries the JSON answer only: log lines (warnings and errors) go to stderr.
  Logger.overrideLogger(new JsonLogger('scim-gateway-cli', 'warn', (line) => process.stderr.write(line + '\n')));
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
