export * from './correlation';
export * from './http-correlation';
export * from './json-logger';
export * from './health';
export * from './metrics';
export * from './throttle';
export * from './outage';
