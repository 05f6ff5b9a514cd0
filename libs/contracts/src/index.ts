export * from './topics';
export * from './headers';
export * from './cloudevent';
export * from './commands';
export * from './events';
export * from './request-record';
export * from './topic-payloads';
export * from './user-commands';
