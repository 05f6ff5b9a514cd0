import 'reflect-metadata';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';

/**
 * The GET routes a Nest controller serves, read from its decorators (`@Controller('health')` +
 * `@Get('ready')` → `/health/ready`), so probes and scrape paths follow the code.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export function routesOf(controller: Function): string[] {
  const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
  const routes: string[] = [];
  const prototype = controller.prototype as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(prototype)) {
    const handler = prototype[key];
    if (key === 'constructor' || typeof handler !== 'function') continue;
    const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
    if (path === undefined || Reflect.getMetadata(METHOD_METADATA, handler) !== RequestMethod.GET) continue;
    routes.push(
      '/' +
        [base, path]
          .map((p) => p.replace(/^\/+|\/+$/g, ''))
          .filter(Boolean)
          .join('/') || '/',
    );
  }
  return routes;
}
