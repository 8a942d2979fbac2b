// `npm run seed`: loads a demo network into the database the server uses (DATABASE_PATH),
// through the same services people use, so every rule (roles, approvals, hashes) holds.
// Running it twice changes nothing.
import { eq, sql } from "drizzle-orm";
import { openDatabase, type Db } from "./client";
import { users } from "./schema";
import { parseEnv } from "../app/env.server";
import { createAccount } from "../app/services/auth.server";
import { emptyContent, type BadgeContent } from "../app/services/badge-content";
import { createBadge, currentRevision, getBadge, revisionContent, saveDraft } from "../app/services/badges.server";
import { addComment } from "../app/services/comments.server";
import { inviteCoauthor, respondToCoauthorInvitation } from "../app/services/coauthoring.server";
import { noBadgeEvents } from "../app/services/events";
import type { ServiceContext } from "../app/services/context.server";
import { createOrganisation } from "../app/services/organisations.server";
import { approveRevision, deprecateBadge, publishVersion } from "../app/services/publishing.server";
import { decideEndorsement, endorseBadge, setAutoAcceptEndorsements, withdrawEndorsement } from "../app/services/endorsements.server";
import { ACCOUNTS, BADGES, DEMO_PASSWORD, ENDORSEMENTS, ORGANISATIONS, type DemoBadge, type DemoEndorsement } from "./seed-data";
import { federationOutbox } from "../federation/publisher";

export async function seed(db: Db, publicUrl: string, log: (line: string) => void = console.log) {
  const ctx: ServiceContext = { db, publicUrl, events: noBadgeEvents, federation: federationOutbox(publicUrl) };
  if (db.select().from(users).where(eq(users.email, ACCOUNTS[0].email)).get()) {
    log("Demo data is already loaded; nothing to do.");
    return;
  }
  const people = new Map<string, string>();
  for (const a of ACCOUNTS) {
    const user = await createAccount(db, { email: a.email, displayName: a.name, password: DEMO_PASSWORD });
    people.set(a.key, user.id);
  }
  const orgs = new Map<string, string>();
  for (const o of ORGANISATIONS) {
    const owner = people.get(o.owner)!;
    const org = createOrganisation(ctx, owner, {
      handle: o.handle,
      name: o.name,
      kind: o.kind,
      description: o.description,
      website: o.website,
    });
    orgs.set(o.handle, org.id);
    for (const [key, role] of o.members)
      db.run(
        // Members join through invitation links in the product; the seed adds them directly.
        sqlInsertMember(org.id, people.get(key)!, role),
      );
  }
  const badgeIds = new Map<string, string>();
  for (const b of BADGES) {
    const id = loadBadge(ctx, b, people, orgs, badgeIds);
    badgeIds.set(b.key, id);
  }
  for (const e of ENDORSEMENTS.filter((e) => !e.atFirstVersion)) endorse(ctx, e, people, orgs, badgeIds);
  log(
    `Loaded ${ACCOUNTS.length} people, ${ORGANISATIONS.length} organisations, ${BADGES.length} badges and ${ENDORSEMENTS.length} endorsements.`,
  );
  log(`Sign in as any of them with the password "${DEMO_PASSWORD}":`);
  for (const a of ACCOUNTS) log(`  ${a.email.padEnd(28)} ${a.about}`);
}

function sqlInsertMember(organisationId: string, userId: string, role: string) {
  return sql`INSERT INTO memberships (organisation_id, user_id, role) VALUES (${organisationId}, ${userId}, ${role})`;
}

function loadBadge(
  ctx: ServiceContext,
  b: DemoBadge,
  people: Map<string, string>,
  orgs: Map<string, string>,
  badgeIds: Map<string, string>,
): string {
  const stewardOrg = orgs.get(b.steward)!;
  const stewardAdmin = people.get(ORGANISATIONS.find((o) => o.handle === b.steward)!.owner)!;
  const badge = createBadge(ctx, stewardAdmin, { stewardOrganisationId: stewardOrg, name: b.content.name!, approvalPolicy: b.policy });
  for (const handle of b.coauthors) {
    inviteCoauthor(ctx, stewardAdmin, badge.id, { handle });
    const admin = people.get(ORGANISATIONS.find((o) => o.handle === handle)!.owner)!;
    respondToCoauthorInvitation(ctx, admin, badge.id, orgs.get(handle)!, "accept");
  }
  const prerequisites = (b.prerequisites ?? []).map((key) => getBadge(ctx.db, badgeIds.get(key)!).uri);
  // The first draft is written by the steward, the rest in turns by co-authors' editors.
  const edits: Array<[string, Partial<BadgeContent>]> = [
    [stewardAdmin, { ...b.content, prerequisites, criteria: b.firstCriteria ?? b.content.criteria }],
    ...(b.laterEdits ?? []).map(([who, patch]) => [people.get(who)!, patch] as [string, Partial<BadgeContent>]),
  ];
  if (b.firstCriteria) edits.push([stewardAdmin, { criteria: b.content.criteria }]);
  for (const [who, patch] of edits) edit(ctx, who, badge.id, patch);
  for (const [who, text] of b.comments ?? []) addComment(ctx, people.get(who)!, badge.id, { body: text });
  const approvers = [b.steward, ...b.coauthors].slice(0, b.approvedBy ?? 1 + b.coauthors.length);
  if (b.state === "draft" && b.approvedBy === undefined) return badge.id;
  for (const handle of approvers) approve(ctx, people, orgs, badge.id, handle);
  if (b.state === "draft") return badge.id;
  publishVersion(ctx, stewardAdmin, badge.id);
  if (b.reviewEndorsements) setAutoAcceptEndorsements(ctx, stewardAdmin, badge.id, { autoAccept: false });
  for (const e of ENDORSEMENTS.filter((e) => e.badge === b.key && e.atFirstVersion)) {
    endorse(ctx, e, people, orgs, new Map([...badgeIds, [b.key, badge.id]]));
  }
  if (b.secondVersion) {
    edit(ctx, stewardAdmin, badge.id, b.secondVersion);
    for (const handle of [b.steward, ...b.coauthors]) approve(ctx, people, orgs, badge.id, handle);
    publishVersion(ctx, stewardAdmin, badge.id);
  }
  if (b.state === "deprecated") {
    deprecateBadge(ctx, stewardAdmin, badge.id, { successor: b.successor ? getBadge(ctx.db, badgeIds.get(b.successor)!).uri : undefined });
  }
  return badge.id;
}

const ownerOf = (people: Map<string, string>, handle: string) => people.get(ORGANISATIONS.find((o) => o.handle === handle)!.owner)!;

function endorse(ctx: ServiceContext, e: DemoEndorsement, people: Map<string, string>, orgs: Map<string, string>, badgeIds: Map<string, string>) {
  const badge = getBadge(ctx.db, badgeIds.get(e.badge)!);
  const latest = ctx.db.get<{ n: number }>(sql`SELECT number AS n FROM versions WHERE id = ${badge.latestVersionId}`)!.n;
  const { endorsement } = endorseBadge(ctx, ownerOf(people, e.by), badge.id, {
    organisationId: orgs.get(e.by)!,
    statement: e.statement,
    versionNumber: latest,
  });
  const stewardAdmin = ownerOf(people, BADGES.find((b) => b.key === e.badge)!.steward);
  if (e.then === "accepted" || e.then === "declined") {
    decideEndorsement(ctx, stewardAdmin, endorsement.id, e.then === "accepted" ? "accept" : "decline");
  }
  if (e.then === "withdrawn") withdrawEndorsement(ctx, ownerOf(people, e.by), endorsement.id);
}

function edit(ctx: ServiceContext, userId: string, badgeId: string, patch: Partial<BadgeContent>) {
  const rev = currentRevision(ctx.db, getBadge(ctx.db, badgeId));
  const result = saveDraft(ctx, userId, badgeId, { content: { ...emptyContent(), ...revisionContent(rev), ...patch }, baseRevisionId: rev.id });
  if (result.status === "conflict") throw new Error(`seed edit conflicted on ${badgeId}`);
}

function approve(ctx: ServiceContext, people: Map<string, string>, orgs: Map<string, string>, badgeId: string, handle: string) {
  const admin = people.get(ORGANISATIONS.find((o) => o.handle === handle)!.owner)!;
  const rev = currentRevision(ctx.db, getBadge(ctx.db, badgeId));
  approveRevision(ctx, admin, badgeId, { organisationId: orgs.get(handle)!, revisionId: rev.id });
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/db\//, "/db/"));
if (isMain) {
  const env = parseEnv();
  const db = openDatabase(env.DATABASE_PATH);
  await seed(db, env.PUBLIC_URL);
  db.$client.close();
}
