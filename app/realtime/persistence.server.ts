// Keeps live documents in `draft_documents`, so a restart keeps what people typed between
// revisions. One row per badge; the blob holds the document, the document as it stood at
// the base revision (needed to fold later form saves in, see live-drafts.server.ts) and
// that revision's id:
//   "BCY1" | u32 len | document update | u32 len | base update | revision id (utf-8)
import { eq } from "drizzle-orm";
import type { DatabaseLike } from "../../db/client";
import { draftDocuments } from "../../db/schema";

export interface StoredDraft {
  update: Uint8Array;
  baseUpdate: Uint8Array;
  baseRevisionId: string;
}

const MAGIC = Buffer.from("BCY1");

export function encodeStoredDraft(d: StoredDraft): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(d.update.length);
  const mid = Buffer.alloc(4);
  mid.writeUInt32BE(d.baseUpdate.length);
  return Buffer.concat([MAGIC, head, Buffer.from(d.update), mid, Buffer.from(d.baseUpdate), Buffer.from(d.baseRevisionId, "utf8")]);
}

/** null when the blob is not one of ours (then the document is rebuilt from the revision). */
export function decodeStoredDraft(blob: Buffer): StoredDraft | null {
  if (blob.length < 12 || !blob.subarray(0, 4).equals(MAGIC)) return null;
  const n = blob.readUInt32BE(4);
  if (8 + n + 4 > blob.length) return null;
  const update = new Uint8Array(blob.subarray(8, 8 + n));
  const m = blob.readUInt32BE(8 + n);
  const at = 12 + n;
  if (at + m > blob.length) return null;
  const baseUpdate = new Uint8Array(blob.subarray(at, at + m));
  const baseRevisionId = blob.subarray(at + m).toString("utf8");
  if (!baseRevisionId) return null;
  return { update, baseUpdate, baseRevisionId };
}

export function loadStoredDraft(db: DatabaseLike, badgeId: string): StoredDraft | null {
  const row = db.select().from(draftDocuments).where(eq(draftDocuments.badgeId, badgeId)).get();
  return row ? decodeStoredDraft(row.state) : null;
}

export function saveStoredDraft(db: DatabaseLike, badgeId: string, d: StoredDraft): void {
  const state = encodeStoredDraft(d);
  const updatedAt = new Date();
  db.insert(draftDocuments)
    .values({ badgeId, state, updatedAt })
    .onConflictDoUpdate({ target: draftDocuments.badgeId, set: { state, updatedAt } })
    .run();
}
