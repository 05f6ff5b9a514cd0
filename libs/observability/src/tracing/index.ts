export * from './tracing';
export * from './trace-ids';
