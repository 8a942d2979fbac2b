// Server-held live documents, one per draft that someone has open.
//
// - A document is made on the server only, from the badge's current revision (never on a
//   client, which would duplicate the text when two clients start at once), and stored in
//   draft_documents at once, then after changes (debounced) and when it is unloaded.
// - Revisions: when an editor pauses, their client asks for a commit and the document's
//   content becomes a revision credited to them (saveDraft, source "live").
// - A revision made elsewhere (a form save without JavaScript, a restore) is folded in as
//   a concurrent edit: its changes are replayed on a copy of the document as it stood at
//   the base revision, and that copy is merged. Text people are typing meanwhile is kept,
//   character by character (that is what the CRDT is for).
import { randomUUID } from "node:crypto";
import * as Y from "yjs";
import type { Revision } from "../../db/schema";
import type { SessionUser } from "../services/auth.server";
import { BADGE_FIELDS, sameValue, type BadgeContent, type BadgeField } from "../services/badge-content";
import {
  currentRevision,
  getBadge,
  getRevision,
  requireEdit,
  revisionContent,
  saveDraft,
} from "../services/badges.server";
import type { ServiceContext } from "../services/context.server";
import { isDomainError, isValidationError } from "../services/errors";
import { parseDraftValues, valuesFromContent, type DraftValues } from "../services/draft-values";
import {
  defineTypes,
  LIVE_TEXT_FIELDS,
  metaOf,
  readValues,
  setAlignments,
  setText,
  textOf,
  touchedFields,
  writeValues,
  fieldsOf,
  plainCopy,
  type LiveField,
} from "./draft-doc";
import { fetchPrerequisites, LOOKUP_WAIT_MS } from "../services/prerequisite-lookups.server";
import { prerequisiteUris } from "../services/prerequisites";
import { loadStoredDraft, saveStoredDraft } from "./persistence.server";
import type { CommitReply, Peer, RevisionRef } from "./protocol";

// Yjs transaction origin of changes the server makes (initial content, folded-in revisions).
export const SERVER_ORIGIN = "badge-commons:server";

export interface LiveConnection {
  id: string;
  user: SessionUser;
  organisation: string | null;
  colour: string;
  field: LiveField | null;
  // When edit rights were last checked.
  checkedAt: number;
}

export interface LiveDraft {
  badgeId: string;
  badgeUri: string;
  doc: Y.Doc;
  epoch: string;
  baseRevision: RevisionRef;
  // The document as it stood at the base revision (text only matters).
  baseUpdate: Uint8Array;
  connections: Map<string, LiveConnection>;
  // Who changed which fields since the last revision (by user id), to credit revisions.
  touched: Map<string, { user: SessionUser; fields: Set<LiveField> }>;
  persistTimer: ReturnType<typeof setTimeout> | null;
}

/** Updates from a connection carry it as their Yjs origin. */
export function isConnection(origin: unknown): origin is LiveConnection {
  return !!origin && typeof origin === "object" && "user" in origin && "id" in origin;
}

export interface LiveDraftsOptions {
  persistDelayMs?: number;
  // Called for every change of a document: broadcast it.
  onUpdate(draft: LiveDraft, update: Uint8Array, origin: unknown): void;
}

const MAP_CONTENT_FIELDS: Partial<Record<BadgeField, LiveField>> = {
  achievementType: "achievementType",
  language: "language",
  estimatedHours: "estimatedHours",
  prerequisites: "prerequisites",
};

export class LiveDrafts {
  private drafts = new Map<string, LiveDraft>();
  private readonly persistDelayMs: number;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly options: LiveDraftsOptions,
  ) {
    this.persistDelayMs = options.persistDelayMs ?? 1000;
  }

  get(badgeId: string): LiveDraft | undefined {
    return this.drafts.get(badgeId);
  }

  get openCount() {
    return this.drafts.size;
  }

  /** The live document of a draft, loaded from storage or made from the current revision. */
  open(badgeId: string): LiveDraft {
    const existing = this.drafts.get(badgeId);
    if (existing) return existing;
    const badge = getBadge(this.ctx.db, badgeId);
    const current = currentRevision(this.ctx.db, badge);
    const stored = loadStoredDraft(this.ctx.db, badgeId);
    const doc = defineTypes(new Y.Doc());
    let draft: LiveDraft;
    if (stored) {
      Y.applyUpdate(doc, stored.update, SERVER_ORIGIN);
      const base = safeRevision(this.ctx, badgeId, stored.baseRevisionId);
      draft = this.track({
        badgeId,
        badgeUri: badge.uri,
        doc,
        epoch: metaOf(doc).get("epoch") ?? randomUUID(),
        baseRevision: base ? { id: base.id, number: base.number } : { id: current.id, number: current.number },
        baseUpdate: stored.baseUpdate,
        connections: new Map(),
        touched: new Map(),
        persistTimer: null,
      });
      // Saved while nobody had it open: fold the newer revision in.
      if (stored.baseRevisionId !== current.id) this.integrate(draft, revisionContent(current), current, base ? revisionContent(base) : null);
    } else {
      const epoch = randomUUID();
      doc.transact(() => {
        writeValues(doc, valuesFromContent(revisionContent(current)));
        metaOf(doc).set("epoch", epoch);
      }, SERVER_ORIGIN);
      draft = this.track({
        badgeId,
        badgeUri: badge.uri,
        doc,
        epoch,
        baseRevision: { id: current.id, number: current.number },
        baseUpdate: Y.encodeStateAsUpdate(doc),
        connections: new Map(),
        touched: new Map(),
        persistTimer: null,
      });
      // Stored at once: a restart must find this very document, or reconnecting clients
      // holding it would be merged with a second copy of the same text.
      this.persist(draft);
    }
    return draft;
  }

  private track(draft: LiveDraft): LiveDraft {
    this.drafts.set(draft.badgeId, draft);
    draft.doc.on("update", (update: Uint8Array, origin: unknown) => {
      this.options.onUpdate(draft, update, origin);
      this.schedulePersist(draft);
    });
    draft.doc.on("afterTransaction", (transaction: Y.Transaction) => {
      const origin = transaction.origin;
      if (!isConnection(origin)) return;
      const fields = touchedFields(draft.doc, transaction);
      if (!fields.size) return;
      const entry = draft.touched.get(origin.user.id) ?? { user: origin.user, fields: new Set<LiveField>() };
      for (const f of fields) entry.fields.add(f);
      draft.touched.set(origin.user.id, entry);
    });
    return draft;
  }

  /**
   * Folds a revision saved elsewhere into the live document. Fields the revision did not
   * change (relative to the document's base) are left as people are typing them.
   */
  integrate(draft: LiveDraft, theirs: BadgeContent, revision: RevisionRef, baseContent?: BadgeContent | null): void {
    const base =
      baseContent === undefined
        ? (() => {
            const rev = safeRevision(this.ctx, draft.badgeId, draft.baseRevision.id);
            return rev ? revisionContent(rev) : null;
          })()
        : baseContent;
    const changed = BADGE_FIELDS.filter((f) => !base || !sameValue(base[f], theirs[f]));
    const values = valuesFromContent(theirs);
    // Replay the text changes on the document as it was at the base revision...
    const fork = defineTypes(new Y.Doc());
    Y.applyUpdate(fork, draft.baseUpdate);
    fork.transact(() => {
      for (const f of LIVE_TEXT_FIELDS) if (changed.includes(f)) setText(textOf(fork, f), values[f]);
    });
    const delta = Y.encodeStateAsUpdate(fork, Y.encodeStateVector(draft.doc));
    // ...and merge them in; the structured fields are set outright. (Two transactions:
    // Yjs marks a transaction that applies an update as remote, so local edits go apart.)
    Y.applyUpdate(draft.doc, delta, SERVER_ORIGIN);
    draft.doc.transact(() => {
      const fields = fieldsOf(draft.doc);
      for (const [field, live] of Object.entries(MAP_CONTENT_FIELDS)) {
        if (!changed.includes(field as BadgeField)) continue;
        const next = values[live as keyof typeof values];
        fields.set(live, plainCopy(next));
      }
      if (changed.includes("alignments")) setAlignments(draft.doc, values.alignments);
    }, SERVER_ORIGIN);
    draft.baseUpdate = Y.encodeStateAsUpdate(fork);
    fork.destroy();
    draft.baseRevision = { id: revision.id, number: revision.number };
  }

  /**
   * Fetches badges of other instances the document names and this instance does not hold,
   * when the document would save at all (a commit refused for other reasons answers at once).
   */
  async fetchPrerequisites(draft: LiveDraft): Promise<void> {
    const parsed = parseDraftValues({ ...readValues(draft.doc), imageId: null }, { selfUri: draft.badgeUri });
    if (!parsed.ok) return;
    const uris = prerequisiteUris(parsed.content.prerequisites);
    if (uris.length) await fetchPrerequisites(this.ctx, uris, { waitMs: LOOKUP_WAIT_MS.live });
  }

  /** Whether someone has typed changes not yet in a revision. */
  hasPending(draft: LiveDraft, userId: string): boolean {
    return draft.touched.has(userId);
  }

  /**
   * Saves the document's content as a revision by `user` (nothing if unchanged). Fields
   * that only other people changed since the last revision are first saved as revisions
   * of theirs, so the history says who changed what; fields several people changed go to
   * the one committing.
   */
  commit(draft: LiveDraft, user: SessionUser): CommitReply {
    try {
      const badge = getBadge(this.ctx.db, draft.badgeId);
      let current = currentRevision(this.ctx.db, badge);
      // A revision made outside this process: take it in first.
      if (current.id !== draft.baseRevision.id) this.integrate(draft, revisionContent(current), current);
      const doc = readValues(draft.doc);
      // Checked before anything is written: a commit saves all of it or nothing.
      const parsed = parseDraftValues({ ...doc, imageId: revisionContent(current).imageId }, { selfUri: draft.badgeUri });
      if (!parsed.ok) {
        return { ok: false, status: 400, message: "Not saved yet: some fields need a look.", fieldErrors: parsed.fieldErrors };
      }
      requireEdit(this.ctx.db, draft.badgeId, user.id);
      for (const [userId, { user: other, fields }] of [...draft.touched]) {
        if (userId === user.id) continue;
        const theirs = [...fields].filter((f) => ![...draft.touched].some(([id, t]) => id !== userId && t.fields.has(f)));
        if (!theirs.length) continue;
        const saved = this.saveLive(draft, other, current, theirs.map((f) => [f, doc[f]] as const));
        if (saved) current = saved;
      }
      const result = saveDraft(this.ctx, user.id, draft.badgeId, {
        content: { ...parsed.content, imageId: revisionContent(current).imageId },
        baseRevisionId: current.id,
        source: "live",
      });
      if (result.status === "conflict") {
        // Cannot happen with the current revision as base; answered rather than thrown.
        return { ok: false, status: 409, message: "The draft changed meanwhile; try again." };
      }
      current = result.revision;
      this.rebase(draft, current);
      draft.touched.clear();
      return { ok: true, status: result.status, revision: { id: current.id, number: current.number } };
    } catch (error) {
      if (isDomainError(error)) {
        const status = error.kind === "not_found" ? 404 : error.kind === "forbidden" ? 403 : 400;
        return {
          ok: false,
          status,
          message: error.message,
          ...(isValidationError(error) ? { fieldErrors: error.fieldErrors } : {}),
        };
      }
      throw error;
    }
  }

  /** One person's fields on top of the current revision, saved as theirs; null if not possible. */
  private saveLive(draft: LiveDraft, user: SessionUser, current: Revision, fields: (readonly [LiveField, unknown])[]): Revision | null {
    const values = { ...valuesFromContent(revisionContent(current)) } as Record<string, unknown>;
    for (const [f, v] of fields) values[f] = v;
    const parsed = parseDraftValues(values as unknown as DraftValues, { selfUri: draft.badgeUri });
    if (!parsed.ok) return null;
    try {
      const result = saveDraft(this.ctx, user.id, draft.badgeId, { content: parsed.content, baseRevisionId: current.id, source: "live" });
      return result.status === "saved" ? result.revision : null;
    } catch (error) {
      // They may have lost their rights meanwhile: their typing goes with the next revision.
      if (isDomainError(error)) return null;
      throw error;
    }
  }

  /** The document now stands at `revision`. */
  private rebase(draft: LiveDraft, revision: Revision) {
    if (draft.baseRevision.id === revision.id) return;
    draft.baseRevision = { id: revision.id, number: revision.number };
    draft.baseUpdate = Y.encodeStateAsUpdate(draft.doc);
    this.schedulePersist(draft);
  }

  peers(draft: LiveDraft): Peer[] {
    return [...draft.connections.values()].map((c) => ({
      connectionId: c.id,
      userId: c.user.id,
      name: c.user.displayName,
      organisation: c.organisation,
      colour: c.colour,
      field: c.field,
    }));
  }

  private schedulePersist(draft: LiveDraft) {
    if (draft.persistTimer || this.persistDelayMs < 0) return;
    draft.persistTimer = setTimeout(() => {
      draft.persistTimer = null;
      if (this.drafts.get(draft.badgeId) === draft) this.persist(draft);
    }, this.persistDelayMs);
  }

  persist(draft: LiveDraft): void {
    if (draft.persistTimer) clearTimeout(draft.persistTimer);
    draft.persistTimer = null;
    saveStoredDraft(this.ctx.db, draft.badgeId, {
      update: Y.encodeStateAsUpdate(draft.doc),
      baseUpdate: draft.baseUpdate,
      baseRevisionId: draft.baseRevision.id,
    });
  }

  /** Stores and unloads a document nobody has open any more. */
  releaseIfIdle(draft: LiveDraft): void {
    if (draft.connections.size) return;
    this.persist(draft);
    this.drafts.delete(draft.badgeId);
    draft.doc.destroy();
  }

  /** Stores every open document (shutdown). */
  closeAll(): void {
    for (const draft of this.drafts.values()) {
      this.persist(draft);
      draft.doc.destroy();
    }
    this.drafts.clear();
  }
}

function safeRevision(ctx: ServiceContext, badgeId: string, revisionId: string) {
  try {
    return getRevision(ctx.db, badgeId, revisionId);
  } catch {
    return null;
  }
}
