import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** A dependency the service needs to do its work: the database, the Kafka cluster. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
const CHECK_TIMEOUT_MS = 3000;

/**
 * `/health` and `/health/ready`. A service lists this controller and provides READINESS_CHECKS
 * (an array of ReadinessCheck) in its module.
 */
@Controller('health')
export class HealthController {
  constructor(@Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[]) {}

  /** Liveness: the process answers. Orchestrators restart it when this fails. */
  @Get()
  live(): { status: string } {
    return { status: 'ok' };
  }

  /** Readiness: every dependency answers within a few seconds; 503 names the ones that do not. */
  @Get('ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const results = await Promise.all(this.checks.map((c) => runCheck(c)));
    const ok = results.every((r) => r.status === 'up');
    await reply
      .status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .send({ status: ok ? 'ok' : 'unavailable', checks: Object.fromEntries(results.map((r) => [r.name, r])) });
  }
}

async function runCheck(c: ReadinessCheck): Promise<{ name: string; status: 'up' | 'down'; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      c.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { name: c.name, status: 'up' };
  } catch (err) {
    return { name: c.name, status: 'down', error: err instanceof Error ? err.message : String(err) };
  } finally {
    if (timer) clearTimeout(timer);
  }
}
