import { Module } from '@nestjs/common';

/** The group-membership-service's domain: groups and memberships (see docs/architecture.md). */
@Module({})
export class GroupMembershipServiceModule {}
