/**
 * The outbox and processed-message tables, version 1, as SQL for a service's first migration.
 * Frozen: a change to these tables is a new function used by a new migration, never an edit.
 */
export const MESSAGING_TABLES_V1_UP: readonly string[] = [
  `CREATE TABLE outbox (
     id bigserial PRIMARY KEY,
     topic varchar(200) NOT NULL,
     key varchar(400) NOT NULL,
     headers jsonb NOT NULL DEFAULT '{}'::jsonb,
     payload jsonb NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     published_at timestamptz
   )`,
  `CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL`,
  `CREATE TABLE processed_messages (
     consumer varchar(200) NOT NULL,
     message_id varchar(200) NOT NULL,
     processed_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (consumer, message_id)
   )`,
];

export const MESSAGING_TABLES_V1_DOWN: readonly string[] = ['DROP TABLE IF EXISTS processed_messages', 'DROP TABLE IF EXISTS outbox'];

/**
 * Version 2: `outbox.headers` has no default (every writer sets it; TypeORM cannot compare a
 * jsonb default with the entity, which made the drift check report it).
 */
export const MESSAGING_TABLES_V2_UP: readonly string[] = ['ALTER TABLE outbox ALTER COLUMN headers DROP DEFAULT'];
export const MESSAGING_TABLES_V2_DOWN: readonly string[] = [`ALTER TABLE outbox ALTER COLUMN headers SET DEFAULT '{}'::jsonb`];
