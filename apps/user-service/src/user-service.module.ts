import { Module } from '@nestjs/common';

/** The user-service's domain: users, decided from commands (see docs/architecture.md). */
@Module({})
export class UserServiceModule {}
