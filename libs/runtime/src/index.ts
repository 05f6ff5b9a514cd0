export * from './tokens';
export * from './runtime.module';
export * from './bootstrap-service';
export * from './commands/command-reply.publisher';
export * from './commands/command-reply-retention';
export * from './http/scim-http-exception.filter';
export * from './http/internal-body';
