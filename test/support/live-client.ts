// A co-editing client in Node, speaking the same socket.io protocol as the browser hook
// (app/realtime/protocol.ts), for integration tests and benchmarks.
import { eq } from "drizzle-orm";
import { io as connect, type Socket } from "socket.io-client";
import * as Y from "yjs";
import type { Db } from "../../db/client";
import { users } from "../../db/schema";
import { defineTypes, textOf, type LiveTextField } from "../../app/realtime/draft-doc";
import {
  EV,
  toBytes,
  type BadgeChangedMessage,
  type CommentAddedMessage,
  type CommitReply,
  type JoinReply,
  type Peer,
  type PeersMessage,
  type RevisionSavedMessage,
  type UpdateMessage,
  type WatchReply,
} from "../../app/realtime/protocol";
import { HttpSession } from "./server";

const REMOTE = "remote";

export class LiveClient {
  doc: Y.Doc | null = null;
  epoch: string | null = null;
  peers: Peer[] = [];
  revisions: RevisionSavedMessage[] = [];
  comments: CommentAddedMessage[] = [];
  changes: BadgeChangedMessage[] = [];
  // When each remote update arrived (ms since epoch), for latency checks.
  updatesAt: number[] = [];
  badgeId: string | null = null;
  private attached: Y.Doc | null = null;

  private constructor(readonly socket: Socket) {
    socket.on(EV.update, (m: UpdateMessage) => {
      this.updatesAt.push(Date.now());
      const bytes = toBytes(m.update);
      if (this.doc && bytes && m.badgeId === this.badgeId) Y.applyUpdate(this.doc, bytes, REMOTE);
    });
    socket.on(EV.peers, (m: PeersMessage) => {
      if (m.badgeId === this.badgeId) this.peers = m.peers;
    });
    socket.on(EV.revisionSaved, (m: RevisionSavedMessage) => this.revisions.push(m));
    socket.on(EV.commentAdded, (m: CommentAddedMessage) => this.comments.push(m));
    socket.on(EV.badgeChanged, (m: BadgeChangedMessage) => this.changes.push(m));
  }

  /** Connects with a session cookie; rejects when the server refuses the handshake. */
  static connect(url: string, cookie: string | null): Promise<LiveClient> {
    const socket = connect(url, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      extraHeaders: { ...(cookie ? { cookie } : {}), origin: url },
    });
    return new Promise((resolve, reject) => {
      socket.once("connect", () => resolve(new LiveClient(socket)));
      socket.once("connect_error", (e) => {
        socket.close();
        reject(e);
      });
    });
  }

  /** Joins a draft; with `keepDoc`, offers the document it holds (a reconnect). */
  async join(badgeId: string, keepDoc = false): Promise<JoinReply> {
    this.badgeId = badgeId;
    const have = keepDoc ? this.doc : null;
    const reply: JoinReply = await this.socket.timeout(5000).emitWithAck(EV.join, {
      badgeId,
      epoch: have ? (this.epoch ?? undefined) : undefined,
      stateVector: have ? Y.encodeStateVector(have) : undefined,
    });
    if (!reply.ok) return reply;
    let doc = have;
    if (!doc || reply.reset) doc = defineTypes(new Y.Doc());
    if (this.attached !== doc) {
      const mine = doc;
      this.attached = doc;
      doc.on("update", (update: Uint8Array, origin: unknown) => {
        if (origin !== REMOTE && this.doc === mine) this.socket.emit(EV.update, { badgeId, update });
      });
    }
    Y.applyUpdate(doc, toBytes(reply.update)!, REMOTE);
    if (have && !reply.reset) {
      const missing = Y.encodeStateAsUpdate(doc, toBytes(reply.stateVector)!);
      if (missing.length > 2) this.socket.emit(EV.update, { badgeId, update: missing });
    }
    this.doc = doc;
    this.epoch = reply.epoch;
    this.peers = reply.peers;
    return reply;
  }

  /** Follows a badge's changes without joining its draft (as the publishing page does). */
  watch(badgeId: string): Promise<WatchReply> {
    return this.socket.timeout(5000).emitWithAck(EV.watch, { badgeId });
  }

  unwatch(badgeId: string) {
    this.socket.emit(EV.unwatch, { badgeId });
  }

  text(field: LiveTextField): string {
    return this.doc ? textOf(this.doc, field).toString() : "";
  }

  insert(field: LiveTextField, index: number, text: string) {
    textOf(this.doc!, field).insert(index, text);
  }

  typing(field: string | null) {
    this.socket.emit(EV.presence, { badgeId: this.badgeId, field });
  }

  commit(): Promise<CommitReply> {
    return this.socket.timeout(5000).emitWithAck(EV.commit, { badgeId: this.badgeId });
  }

  close() {
    this.socket.close();
  }
}

/** Polls until `check` holds (or fails after `ms`). */
export async function waitFor(check: () => boolean, ms = 2000, what = "condition"): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - start;
}

/** Signs a new person up over HTTP; returns their session and user id. */
export async function signedUp(baseUrl: string, db: Db, email: string, displayName: string) {
  const session = new HttpSession(baseUrl);
  await session.signUp(email, displayName);
  const user = db.select().from(users).where(eq(users.email, email)).get()!;
  return { session, user };
}
