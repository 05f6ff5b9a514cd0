import 'reflect-metadata';
import { runServiceProcess } from '@app/runtime';
import { scimGatewayDefinition } from './scim-gateway.definition';

runServiceProcess(() => scimGatewayDefinition());
