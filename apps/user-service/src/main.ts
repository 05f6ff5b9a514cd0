import 'reflect-metadata';
import { runServiceProcess } from '@app/runtime';
import { userServiceDefinition } from './user-service.definition';

runServiceProcess(() => userServiceDefinition());
