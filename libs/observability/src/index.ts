export * from './correlation';
export * from './json-logger';
export * from './config';
export * from './service-config';
export * from './health';
export * from './metrics';
export * from './periodic-task';
export * from './throttle';
