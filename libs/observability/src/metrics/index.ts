export * from './metrics-registry';
export * from './http-metrics';
export * from './messaging-metrics';
export * from './metrics.controller';
export * from './periodic-sampler';
export * from './throttle';
export * from './audit-metrics';
