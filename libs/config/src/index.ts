export * from './config';
export * from './kafka-connection-config';
export * from './service-config';
