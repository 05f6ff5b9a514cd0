import 'reflect-metadata';
import { runServiceProcess } from '@app/runtime';
import { groupMembershipServiceDefinition } from './group-membership-service.definition';

runServiceProcess(() => groupMembershipServiceDefinition());
