// An endorsement as an ActivityStreams object, and back.
//
// A `Note` in reply to the badge (`inReplyTo` the badge's id), so Mastodon shows it as a
// readable post under the badge post, mentioning the steward. What Badge Commons acts on
// is not the Note's text but the signed Open Badges 3.0 EndorsementCredential it carries
// under `endorsementCredential` (a JSON literal in the project's namespace, so JSON-LD
// processors pass it through untouched and its eddsa-jcs-2022 proof keeps verifying). The
// credential is the endorsement: issuer, badge, exact version and content hash, statement.
import { z } from "zod";
import { EXTENSION } from "../app/services/open-badges.server";
import type { ReceivedEndorsement } from "../app/services/received-endorsements.server";
import { escapeHtml } from "./html";
import { AS_CONTEXT, BADGE_COMMONS_NS, DATA_INTEGRITY_CONTEXT, PUBLIC_COLLECTION } from "./vocabulary";

export const ENDORSEMENT_TERMS = {
  bc: BADGE_COMMONS_NS,
  endorsementCredential: { "@id": "bc:endorsementCredential", "@type": "@json" },
} as const;

/** @context of an endorsement object and of the activities that carry one. */
export const ENDORSEMENT_CONTEXT = [AS_CONTEXT, DATA_INTEGRITY_CONTEXT, ENDORSEMENT_TERMS] as const;

export interface EndorsementObjectSource {
  uri: string;
  endorser: { uri: string; name: string };
  badge: { uri: string; name: string; pageUrl: string };
  steward: { uri: string; handle: string; host: string };
  versionNumber: number;
  statement: string;
  credential: Record<string, unknown>;
  createdAt: Date;
  issuedAt: Date;
}

export interface EndorsementObject {
  "@context"?: typeof ENDORSEMENT_CONTEXT;
  id: string;
  type: "Note";
  attributedTo: string;
  inReplyTo: string;
  to: string[];
  cc: string[];
  content: string;
  mediaType: "text/html";
  published: string;
  updated?: string;
  url: string;
  tag: { type: "Mention"; href: string; name: string }[];
  endorsementCredential: Record<string, unknown>;
}

/** The statement as HTML paragraphs, then who endorses what, with a mention of the steward. */
function readableContent(s: EndorsementObjectSource): string {
  const paragraphs = s.statement.split(/\n{2,}/).map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`);
  const mention = `<span class="h-card"><a href="${escapeHtml(s.steward.uri)}" class="u-url mention">@<span>${escapeHtml(s.steward.handle)}</span></a></span>`;
  paragraphs.push(
    `<p>${escapeHtml(s.endorser.name)} endorses <a href="${escapeHtml(s.badge.pageUrl)}">${escapeHtml(s.badge.name)}</a> (version ${s.versionNumber}) by ${mention}.</p>`,
  );
  return paragraphs.join("");
}

export function toEndorsementObject(s: EndorsementObjectSource, options: { embedded?: boolean } = {}): EndorsementObject {
  return {
    ...(options.embedded ? {} : { "@context": ENDORSEMENT_CONTEXT }),
    id: s.uri,
    type: "Note",
    attributedTo: s.endorser.uri,
    inReplyTo: s.badge.uri,
    to: [PUBLIC_COLLECTION, `${s.endorser.uri}/followers`],
    cc: [s.steward.uri],
    content: readableContent(s),
    mediaType: "text/html",
    published: s.createdAt.toISOString(),
    ...(s.issuedAt.getTime() > s.createdAt.getTime() ? { updated: s.issuedAt.toISOString() } : {}),
    url: s.badge.pageUrl,
    tag: [{ type: "Mention", href: s.steward.uri, name: `@${s.steward.handle}@${s.steward.host}` }],
    endorsementCredential: s.credential,
  };
}

/** A Tombstone for a withdrawn endorsement: what Delete carries and its URL answers (410). */
export function toEndorsementTombstone(uri: string, deletedAt: Date) {
  return { id: uri, type: "Tombstone" as const, formerType: "Note", deleted: deletedAt.toISOString() };
}

const httpUrl = z.string().url().max(2000).refine((u) => /^https?:\/\//i.test(u), "only http(s) URLs");
const idOf = z.union([httpUrl, z.object({ id: httpUrl }).passthrough().transform((o) => o.id)]);
const oneOrMany = <T extends z.ZodTypeAny>(schema: T) => z.union([schema, z.array(schema)]);

const Credential = z
  .object({
    id: httpUrl,
    type: oneOrMany(z.string()).refine((t) => ([] as string[]).concat(t).includes("EndorsementCredential"), "not an EndorsementCredential"),
    issuer: idOf,
    validFrom: z.string().datetime({ offset: true }),
    credentialSubject: z
      .object({
        id: httpUrl,
        endorsementComment: z.string().max(20_000),
        [EXTENSION.versionId]: httpUrl,
        [EXTENSION.contentHash]: z.string().regex(/^[0-9a-f]{64}$/),
      })
      .passthrough(),
    proof: z.unknown().refine((p) => p !== undefined && p !== null, "it carries no proof"),
  })
  .passthrough();

const EndorsementNote = z
  .object({
    id: httpUrl,
    attributedTo: idOf,
    endorsementCredential: z.record(z.unknown()),
  })
  .passthrough();

/** Does this object carry an endorsement (and so belong to the endorsement handlers)? */
export function isEndorsementObject(value: unknown): boolean {
  return !!value && typeof value === "object" && "endorsementCredential" in value;
}

export type EndorsementReadResult = { ok: true; endorsement: ReceivedEndorsement } | { ok: false; error: string };

/**
 * What an endorsement object states, read from its credential. The Note's id, its author
 * and the credential's id and issuer must agree: the Note is only the envelope.
 */
export function readEndorsementObject(value: unknown): EndorsementReadResult {
  const note = EndorsementNote.safeParse(value);
  if (!note.success) return { ok: false, error: "not an endorsement object (id, attributedTo, endorsementCredential)" };
  const credential = Credential.safeParse(note.data.endorsementCredential);
  if (!credential.success) {
    return { ok: false, error: `not an EndorsementCredential we can read: ${credential.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}` };
  }
  const c = credential.data;
  if (c.id !== note.data.id) return { ok: false, error: "the credential's id is not the endorsement's id" };
  if (c.issuer !== note.data.attributedTo) return { ok: false, error: "the credential's issuer is not the endorsement's author" };
  if (new URL(c.id).origin !== new URL(c.issuer).origin) return { ok: false, error: "an endorsement must live on its endorser's instance" };
  const subject = c.credentialSubject;
  return {
    ok: true,
    endorsement: {
      uri: c.id,
      endorserUri: c.issuer,
      badgeUri: subject.id,
      versionUri: subject[EXTENSION.versionId] as string,
      contentHash: subject[EXTENSION.contentHash] as string,
      statement: subject.endorsementComment,
      credential: note.data.endorsementCredential,
      issuedAt: new Date(c.validFrom),
    },
  };
}
