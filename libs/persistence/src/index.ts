export * from './advisory-locks';
export * from './database-url';
export * from './data-source';
export * from './database.health';
export * from './postgres-server';
export * from './typeorm-json-logger';
export * from './data-errors';
export * from './schema-snapshot';
