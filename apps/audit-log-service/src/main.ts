import 'reflect-metadata';
import { runServiceProcess } from '@app/runtime';
import { auditLogServiceDefinition } from './audit-log-service.definition';

runServiceProcess(() => auditLogServiceDefinition());
