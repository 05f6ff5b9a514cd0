export * from './metrics-registry';
export * from './http-metrics';
export * from './messaging-metrics';
export * from './metrics.controller';
export * from './audit-metrics';
