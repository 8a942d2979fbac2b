// Test data builders. They write through the same tables the services use.
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Db } from "../../db/client";
import { memberships, organisations, users, type OrganisationKind, type Role } from "../../db/schema";
import type { ServiceContext } from "../../app/services/context.server";
import type { BadgeEvents } from "../../app/services/events";
import { createFetcher } from "../../federation/fetcher";
import { standaloneFederation } from "../../federation/standalone";

export const PUBLIC_URL = "http://badges.test";

/** A fresh migrated SQLite file of its own. */
export function createTestDb(): Db {
  const dir = mkdtempSync(join(tmpdir(), "bc-test-"));
  return openDatabase(join(dir, "test.sqlite"));
}

export interface RecordedEvent {
  type: keyof BadgeEvents;
  badgeId: string;
  payload: unknown;
}

export function createTestContext(db: Db = createTestDb()): ServiceContext & { recorded: RecordedEvent[] } {
  const recorded: RecordedEvent[] = [];
  return {
    db,
    publicUrl: PUBLIC_URL,
    // Look-ups of other instances go through a fetcher that resolves no name: unit tests
    // reach nothing outside (integration tests run real servers on loopback).
    federation: standaloneFederation(db, PUBLIC_URL, createFetcher({ allowPrivateAddresses: false, userAgent: "BadgeCommons tests", resolve: async () => [] })),
    recorded,
    events: {
      revisionSaved: (badgeId, payload) => recorded.push({ type: "revisionSaved", badgeId, payload }),
      commentAdded: (badgeId, payload) => recorded.push({ type: "commentAdded", badgeId, payload }),
      badgeChanged: (badgeId, payload) => recorded.push({ type: "badgeChanged", badgeId, payload }),
    },
  };
}

let counter = 0;

export function makeUser(db: Db, overrides: Partial<{ email: string; displayName: string }> = {}) {
  const n = ++counter;
  const user = {
    id: randomUUID(),
    email: overrides.email ?? `user${n}-${randomUUID().slice(0, 8)}@example.org`,
    displayName: overrides.displayName ?? `User ${n}`,
    // Not a usable hash: factory users never sign in through the password path.
    passwordHash: "scrypt$0$x$x",
  };
  db.insert(users).values(user).run();
  return user;
}

export function makeOrganisation(
  db: Db,
  overrides: Partial<{ handle: string; name: string; kind: OrganisationKind; host: string | null }> = {},
) {
  const n = ++counter;
  const handle = overrides.handle ?? `org${n}${randomUUID().slice(0, 6)}`;
  const host = overrides.host ?? null;
  const org = {
    id: randomUUID(),
    handle,
    host,
    uri: host ? `https://${host}/orgs/${handle}` : `${PUBLIC_URL}/orgs/${handle}`,
    name: overrides.name ?? `Organisation ${n}`,
    kind: overrides.kind ?? ("nonprofit" as OrganisationKind),
    description: "",
  };
  db.insert(organisations).values(org).run();
  return db.select().from(organisations).all().find((o) => o.id === org.id)!;
}

export function addMember(db: Db, organisationId: string, userId: string, role: Role) {
  db.insert(memberships).values({ organisationId, userId, role }).run();
}

/** An organisation with one user in each role. */
export function makeOrganisationWithTeam(db: Db, overrides: Parameters<typeof makeOrganisation>[1] = {}) {
  const org = makeOrganisation(db, overrides);
  const team = {
    owner: makeUser(db, { displayName: `${org.name} owner` }),
    admin: makeUser(db, { displayName: `${org.name} admin` }),
    editor: makeUser(db, { displayName: `${org.name} editor` }),
    viewer: makeUser(db, { displayName: `${org.name} viewer` }),
  };
  for (const role of ["owner", "admin", "editor", "viewer"] as const) addMember(db, org.id, team[role].id, role);
  return { org, ...team };
}
