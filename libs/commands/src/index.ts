// The command round trip in one place (docs/architecture.md "The decision's way back"):
// the gateway's side (CommandBus, the route decisions are delivered to) and the owning
// services' side (CommandDecisions, the reply ledger and its table, the reply publisher,
// reply retention).
export * from './command-bus';
export * from './command-replies.controller';
export * from './command-replies.module';
export * from './command-decisions';
export * from './command-reply.publisher';
export * from './command-reply-retention';
export * from './reply-ledger';
