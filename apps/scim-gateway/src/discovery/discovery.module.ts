import { DynamicModule, Module } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { normaliseBasePath } from '../edge/scim-edge.options';
import { DiscoveryController } from './discovery.controller';
import { DEFAULT_SCIM_DISCOVERY_OPTIONS, SCIM_DISCOVERY_OPTIONS, type ScimDiscoveryOptions } from './discovery.options';
import { DiscoveryService } from './discovery.service';

/**
 * GET /ServiceProviderConfig, /Schemas[/{urn}], /ResourceTypes[/{name}] under the SCIM base
 * path (given here, not hard-coded in the controller: RouterModule mounts the module there).
 * Needs ScimEdgeModule (auth, SCIM_EDGE_OPTIONS) and TenantsModule.
 */
@Module({})
export class ScimDiscoveryModule {
  static forRoot(options: Partial<ScimDiscoveryOptions> = {}): DynamicModule {
    const resolved: ScimDiscoveryOptions = { ...DEFAULT_SCIM_DISCOVERY_OPTIONS, ...options };
    return {
      module: ScimDiscoveryModule,
      imports: [RouterModule.register([{ path: normaliseBasePath(resolved.basePath), module: ScimDiscoveryModule }])],
      controllers: [DiscoveryController],
      providers: [{ provide: SCIM_DISCOVERY_OPTIONS, useValue: resolved }, DiscoveryService],
      exports: [DiscoveryService],
    };
  }
}
