// `npm run seed`: loads a demo network into the database the server uses (DATABASE_PATH),
// through the same services people use, so every rule (roles, approvals, hashes) holds.
// Running it twice changes nothing. `npm run demo` loads this network and a second one
// (seed-data-riverside.ts) into two instances.
import { eq, sql } from "drizzle-orm";
import { openDatabase, type Db } from "./client";
import { pathways, users } from "./schema";
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
import { markBadge } from "../app/services/learner-badges.server";
import { standaloneFederation } from "../federation/standalone";
import { invitePathwayCoauthor, respondToPathwayInvitation } from "../app/services/pathway-coauthors.server";
import type { PathwayContent } from "../app/services/pathway-content";
import { approvePathwayRevision, publishPathwayVersion } from "../app/services/pathway-publishing.server";
import { createPathway, currentPathwayRevision, getPathway, pathwayRevisionContent, savePathwayDraft } from "../app/services/pathways.server";
import { DEMO_NETWORK, DEMO_PASSWORD, type DemoBadge, type DemoEndorsement, type DemoNetwork, type DemoPathway } from "./seed-data";

export interface SeedOptions {
  log?: (line: string) => void;
  network?: DemoNetwork;
  /** The URI of a prerequisite the network does not hold itself (a badge of another instance). */
  externalBadgeUri?: (key: string) => string | undefined;
}

/** Loads `network` (the demo network by default); false when it was already there. */
export async function seed(db: Db, publicUrl: string, options: SeedOptions = {}): Promise<boolean> {
  const { log = console.log, network = DEMO_NETWORK } = options;
  const { accounts, organisations: organisationList, badges: badgeList } = network;
  const ctx: ServiceContext = { db, publicUrl, events: noBadgeEvents, federation: standaloneFederation(db, publicUrl) };
  if (db.select().from(users).where(eq(users.email, accounts[0].email)).get()) {
    log("Demo data is already loaded; nothing to do.");
    return false;
  }
  const people = new Map<string, string>();
  for (const a of accounts) {
    const user = await createAccount(db, { email: a.email, displayName: a.name, password: DEMO_PASSWORD });
    people.set(a.key, user.id);
  }
  const orgs = new Map<string, string>();
  for (const o of organisationList) {
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
  for (const b of badgeList) {
    const id = loadBadge(ctx, network, b, { people, orgs, badgeIds, externalBadgeUri: options.externalBadgeUri });
    badgeIds.set(b.key, id);
  }
  const endorsements = network.endorsements ?? [];
  for (const e of endorsements.filter((e) => !e.atFirstVersion)) endorse(ctx, network, e, people, orgs, badgeIds);
  const pathwayList = network.pathways ?? [];
  const badgeUri = (key: string) => {
    const id = badgeIds.get(key);
    return id ? getBadge(db, id).uri : options.externalBadgeUri?.(key);
  };
  for (const p of pathwayList) loadPathway(ctx, network, p, { people, orgs, badgeUri });
  // Learners mark badges from their pages, as people do.
  for (const l of network.learners ?? []) {
    for (const key of l.holds) markBadge(db, people.get(l.account)!, badgeIds.get(key)!, { status: "held" });
    for (const key of l.plans) markBadge(db, people.get(l.account)!, badgeIds.get(key)!, { status: "planned" });
  }
  log(
    `Loaded ${accounts.length} people, ${organisationList.length} organisations, ${badgeList.length} badges, ${endorsements.length} endorsements and ${pathwayList.length} ${pathwayList.length === 1 ? "pathway" : "pathways"}.`,
  );
  log(`Sign in as any of them with the password "${DEMO_PASSWORD}":`);
  for (const a of accounts) log(`  ${a.email.padEnd(28)} ${a.about}`);
  return true;
}

function sqlInsertMember(organisationId: string, userId: string, role: string) {
  return sql`INSERT INTO memberships (organisation_id, user_id, role) VALUES (${organisationId}, ${userId}, ${role})`;
}

interface Loaded {
  people: Map<string, string>;
  orgs: Map<string, string>;
  badgeIds: Map<string, string>;
  externalBadgeUri?: (key: string) => string | undefined;
}

function loadBadge(ctx: ServiceContext, network: DemoNetwork, b: DemoBadge, { people, orgs, badgeIds, externalBadgeUri }: Loaded): string {
  const ownerOf = (handle: string) => people.get(network.organisations.find((o) => o.handle === handle)!.owner)!;
  const stewardOrg = orgs.get(b.steward)!;
  const stewardAdmin = ownerOf(b.steward);
  const badge = createBadge(ctx, stewardAdmin, { stewardOrganisationId: stewardOrg, name: b.content.name!, approvalPolicy: b.policy });
  for (const handle of b.coauthors) {
    inviteCoauthor(ctx, stewardAdmin, badge.id, { handle });
    respondToCoauthorInvitation(ctx, ownerOf(handle), badge.id, orgs.get(handle)!, "accept");
  }
  const uriOf = (key: string) => {
    const local = badgeIds.get(key);
    const uri = local ? getBadge(ctx.db, local).uri : externalBadgeUri?.(key);
    return uri ? [uri] : [];
  };
  const listed = b.prerequisites ?? [];
  const prerequisites = listed.every((p) => typeof p === "string")
    ? (listed as string[]).flatMap(uriOf)
    : (listed as { requiredNumber: number; keys: string[] }[]).map((c) => ({ requiredNumber: c.requiredNumber, badges: c.keys.flatMap(uriOf) }));
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
  for (const handle of approvers) approve(ctx, ownerOf(handle), orgs.get(handle)!, badge.id);
  if (b.state === "draft") return badge.id;
  publishVersion(ctx, stewardAdmin, badge.id);
  if (b.reviewEndorsements) setAutoAcceptEndorsements(ctx, stewardAdmin, badge.id, { autoAccept: false });
  for (const e of (network.endorsements ?? []).filter((e) => e.badge === b.key && e.atFirstVersion)) {
    endorse(ctx, network, e, people, orgs, new Map([...badgeIds, [b.key, badge.id]]));
  }
  if (b.secondVersion) {
    edit(ctx, stewardAdmin, badge.id, b.secondVersion);
    for (const handle of [b.steward, ...b.coauthors]) approve(ctx, ownerOf(handle), orgs.get(handle)!, badge.id);
    publishVersion(ctx, stewardAdmin, badge.id);
  }
  if (b.state === "deprecated") {
    deprecateBadge(ctx, stewardAdmin, badge.id, { successor: b.successor ? getBadge(ctx.db, badgeIds.get(b.successor)!).uri : undefined });
  }
  return badge.id;
}

function endorse(
  ctx: ServiceContext,
  network: DemoNetwork,
  e: DemoEndorsement,
  people: Map<string, string>,
  orgs: Map<string, string>,
  badgeIds: Map<string, string>,
) {
  const ownerOf = (handle: string) => people.get(network.organisations.find((o) => o.handle === handle)!.owner)!;
  const badge = getBadge(ctx.db, badgeIds.get(e.badge)!);
  const latest = ctx.db.get<{ n: number }>(sql`SELECT number AS n FROM versions WHERE id = ${badge.latestVersionId}`)!.n;
  const { endorsement } = endorseBadge(ctx, ownerOf(e.by), badge.id, {
    organisationId: orgs.get(e.by)!,
    statement: e.statement,
    versionNumber: latest,
  });
  const stewardAdmin = ownerOf(network.badges.find((b) => b.key === e.badge)!.steward);
  if (e.then === "accepted" || e.then === "declined") {
    decideEndorsement(ctx, stewardAdmin, endorsement.id, e.then === "accepted" ? "accept" : "decline");
  }
  if (e.then === "withdrawn") withdrawEndorsement(ctx, ownerOf(e.by), endorsement.id);
}

function edit(ctx: ServiceContext, userId: string, badgeId: string, patch: Partial<BadgeContent>) {
  const rev = currentRevision(ctx.db, getBadge(ctx.db, badgeId));
  const result = saveDraft(ctx, userId, badgeId, { content: { ...emptyContent(), ...revisionContent(rev), ...patch }, baseRevisionId: rev.id });
  if (result.status === "conflict") throw new Error(`seed edit conflicted on ${badgeId}`);
}

function approve(ctx: ServiceContext, adminId: string, organisationId: string, badgeId: string) {
  const rev = currentRevision(ctx.db, getBadge(ctx.db, badgeId));
  approveRevision(ctx, adminId, badgeId, { organisationId, revisionId: rev.id });
}

/**
 * The content of a demo pathway, with the badges `badgeUri` can name: a step it cannot
 * (a badge of the other instance, not held here yet) is left out, with its stages and
 * routes if they end up empty.
 */
function demoPathwayContent(p: DemoPathway, badgeUri: (key: string) => string | undefined): PathwayContent {
  const uri = new Map(p.steps.flatMap(([key]) => (badgeUri(key) ? [[key, badgeUri(key)!] as const] : [])));
  const routes = p.routes
    .map((r) => ({
      name: r.name,
      stages: r.stages.flatMap((st) => {
        const badges = st.steps.flatMap((k) => (uri.has(k) ? [uri.get(k)!] : []));
        return badges.length ? [{ badges, required: Math.min(st.required ?? badges.length, badges.length) }] : [];
      }),
    }))
    .filter((r) => r.stages.length);
  return {
    name: p.name,
    summary: p.summary,
    language: "en",
    goal: badgeUri(p.goal) ?? null,
    steps: p.steps.flatMap(([key, guidance]) => (uri.has(key) ? [{ badge: uri.get(key)!, guidance }] : [])),
    routes,
  };
}

/** Saves `content` as the pathway's draft, every author approves it, the steward publishes. */
function publishDemoPathway(ctx: ServiceContext, pathwayId: string, content: PathwayContent, editorId: string, admins: Array<[userId: string, organisationId: string]>) {
  const current = currentPathwayRevision(ctx.db, getPathway(ctx.db, pathwayId));
  const saved = savePathwayDraft(ctx, editorId, pathwayId, { content, baseRevisionId: current.id });
  if (saved.status === "stale") throw new Error(`seed edit of pathway ${pathwayId} was stale`);
  const revisionId = getPathway(ctx.db, pathwayId).currentRevisionId!;
  for (const [userId, organisationId] of admins) approvePathwayRevision(ctx, userId, pathwayId, { organisationId, revisionId });
  publishPathwayVersion(ctx, admins[0]![0], pathwayId, { revisionId });
}

function pathwayAuthors(network: DemoNetwork, p: DemoPathway, people: Map<string, string>, orgs: Map<string, string>) {
  const ownerOf = (handle: string) => people.get(network.organisations.find((o) => o.handle === handle)!.owner)!;
  return [p.steward, ...p.coauthors].map((handle) => [ownerOf(handle), orgs.get(handle)!] as [string, string]);
}

function loadPathway(
  ctx: ServiceContext,
  network: DemoNetwork,
  p: DemoPathway,
  { people, orgs, badgeUri }: { people: Map<string, string>; orgs: Map<string, string>; badgeUri: (key: string) => string | undefined },
) {
  const authors = pathwayAuthors(network, p, people, orgs);
  const [stewardAdmin, stewardOrg] = authors[0]!;
  const pathway = createPathway(ctx, stewardAdmin, { stewardOrganisationId: stewardOrg, name: p.name, approvalPolicy: p.policy });
  for (const handle of p.coauthors) {
    invitePathwayCoauthor(ctx, stewardAdmin, pathway.id, { handle });
    const [admin, org] = authors.find(([, org]) => org === orgs.get(handle))!;
    respondToPathwayInvitation(ctx, admin, pathway.id, org, "accept");
  }
  publishDemoPathway(ctx, pathway.id, demoPathwayContent(p, badgeUri), stewardAdmin, authors);
}

/**
 * `npm run demo`, once the instances follow each other: each demo pathway that names a
 * badge of the other instance, now held here, gets it as a step in a new version.
 * Nothing happens when the pathway has it already (a second start).
 */
export function extendDemoPathways(db: Db, publicUrl: string, network: DemoNetwork, externalBadgeUri: (key: string) => string | undefined): number {
  const ctx: ServiceContext = { db, publicUrl, events: noBadgeEvents, federation: standaloneFederation(db, publicUrl) };
  // The network's own badges, by their name among this instance's published badges.
  const badgeUri = (key: string) => {
    const name = network.badges.find((b) => b.key === key)?.content.name;
    if (!name) return externalBadgeUri(key);
    return db.get<{ uri: string }>(sql`
      SELECT b.uri AS uri FROM badges b JOIN versions v ON v.id = b.latest_version_id JOIN organisations o ON o.id = b.steward_organisation_id
      WHERE o.host IS NULL AND json_extract(v.content, '$.name') = ${name}`)?.uri;
  };
  let published = 0;
  for (const p of network.pathways ?? []) {
    const row = db.get<{ id: string }>(sql`
      SELECT p.id AS id FROM ${pathways} p JOIN pathway_revisions r ON r.id = p.current_revision_id
      WHERE json_extract(r.content, '$.name') = ${p.name} AND p.status = 'published'`);
    if (!row) continue;
    const content = demoPathwayContent(p, badgeUri);
    const current = pathwayRevisionContent(currentPathwayRevision(db, getPathway(db, row.id)));
    if (content.steps.length <= current.steps.length) continue;
    const emails = new Map(network.accounts.map((a) => [a.key, a.email]));
    const userOf = (handle: string) => db.select().from(users).where(eq(users.email, emails.get(network.organisations.find((o) => o.handle === handle)!.owner)!)).get()!.id;
    const orgOf = (handle: string) => db.get<{ id: string }>(sql`SELECT id FROM organisations WHERE handle = ${handle} AND host IS NULL`)!.id;
    const authors = [p.steward, ...p.coauthors].map((h) => [userOf(h), orgOf(h)] as [string, string]);
    publishDemoPathway(ctx, row.id, content, authors[0]![0], authors);
    published++;
  }
  return published;
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/db\//, "/db/"));
if (isMain) {
  const env = parseEnv();
  const db = openDatabase(env.DATABASE_PATH);
  await seed(db, env.PUBLIC_URL);
  db.$client.close();
}
