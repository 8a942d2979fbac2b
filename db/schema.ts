// The Badge Commons data model (SQLite). SQL names are snake_case, fields camelCase.
// Ids are opaque text (UUIDs locally); things other instances may name carry a `uri`
// (their ActivityPub id), so remote organisations and badges fit the same tables.
// One file per part of the product under db/schema/; this barrel is what the app, drizzle and
// drizzle-kit (drizzle.config.ts) read.
export * from "./schema/accounts";
export * from "./schema/badges";
export * from "./schema/catalogue";
export * from "./schema/endorsements";
export * from "./schema/federation";
export * from "./schema/learners";
export * from "./schema/pathways";
