import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuditPage, DeadLetter, DeadLetterDetail, ReplayedDeadLetters } from '@app/contracts';
import { AuditAuthGuard, OpsOnly, principalOf } from '../auth/audit-auth.guard';
import { AuditExceptionFilter } from '../http/audit-exception.filter';
import * as p from '../query/query-parameters';
import type { DeadLetterService } from './dead-letter.service';

export const DEAD_LETTERS = Symbol('DEAD_LETTERS');

type Query = Record<string, unknown>;

/** Dead letters of every topic, and their replay (docs/audit.md#dead-letters). Ops only. */
@Controller('audit/v1/dead-letters')
@UseGuards(AuditAuthGuard)
@UseFilters(AuditExceptionFilter)
export class DeadLettersController {
  constructor(@Inject(DEAD_LETTERS) private readonly deadLetters: DeadLetterService) {}

  @Get()
  @OpsOnly()
  list(@Req() request: FastifyRequest, @Query() q: Query): Promise<AuditPage<DeadLetter>> {
    return this.deadLetters.list(principalOf(request), p.deadLetterFilters(q), p.limit(q.limit), p.cursor(q.cursor, 'change'));
  }

  @Post('replay')
  @OpsOnly()
  @HttpCode(200)
  async replay(@Req() request: FastifyRequest, @Body() body: unknown): Promise<ReplayedDeadLetters> {
    const { ids, reason } = p.replayRequest(body);
    return { replays: await this.deadLetters.replay(principalOf(request), ids, reason) };
  }

  @Get(':id')
  @OpsOnly()
  get(@Req() request: FastifyRequest, @Param('id') id: string): Promise<DeadLetterDetail> {
    return this.deadLetters.get(principalOf(request), id);
  }
}
