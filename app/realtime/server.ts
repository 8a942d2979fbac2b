// socket.io side of co-authoring: one room per badge draft, joined by editors only.
// Carries the live document (Yjs updates), presence (who is in the draft, in which
// field), commits of the document as revisions, and the services' announcements
// (revisions saved elsewhere, comments). Message shapes: ./protocol.ts.
import type { Server as SocketServer, Socket } from "socket.io";
import * as Y from "yjs";
import type { Db } from "../../db/client";
import type { Auth, SessionUser } from "../services/auth.server";
import { BadgeContentSchema } from "../services/badge-content";
import { badgeAccess } from "../services/badges.server";
import { requirePublishingView } from "../services/coauthoring.server";
import type { FederationOutbox } from "../services/federation-outbox";
import type { ServiceContext } from "../services/context.server";
import { isDomainError } from "../services/errors";
import type { BadgeEvents } from "../services/events";
import { LIVE_FIELDS, type LiveField } from "./draft-doc";
import { isConnection, LiveDrafts, type LiveConnection, type LiveDraft } from "./live-drafts.server";
import { colourFor, EV, roomOf, toBytes, watchRoomOf, type BadgeChangedMessage, type CommitReply, type JoinReply, type WatchReply } from "./protocol";

export interface RealtimeOptions {
  io: SocketServer;
  db: Db;
  auth: Auth;
  publicUrl: string;
  federation: FederationOutbox;
  // How long changes wait before the document is stored (ms); default 1000.
  persistDelayMs?: number;
  // How often a connected editor's rights are checked again while they type (ms).
  recheckRightsMs?: number;
}

// A failure in one message must not take the server down with it.
function safely<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    console.error("realtime:", error);
    return undefined;
  }
}

export function createRealtime({ io, db, auth, publicUrl, federation, persistDelayMs, recheckRightsMs = 15_000 }: RealtimeOptions) {
  let closed = false;

  const events: BadgeEvents = {
    revisionSaved(badgeId, event) {
      const draft = drafts.get(badgeId);
      // Live commits come from the document itself; anything else is folded into it.
      if (draft && event.source !== "live") {
        const content = BadgeContentSchema.safeParse(event.content);
        if (content.success) safely(() => drafts.integrate(draft, content.data, { id: event.revisionId, number: event.number }));
      }
      io.to(roomOf(badgeId)).emit(EV.revisionSaved, { badgeId, ...event });
      notifyWatchers(badgeId, "revision");
    },
    commentAdded(badgeId, event) {
      io.to(roomOf(badgeId)).emit(EV.commentAdded, { badgeId, ...event });
    },
    badgeChanged(badgeId, what) {
      io.to(roomOf(badgeId)).emit(EV.badgeChanged, { badgeId, what });
      notifyWatchers(badgeId, what);
    },
  };
  const notifyWatchers = (badgeId: string, what: BadgeChangedMessage["what"]) =>
    io.to(watchRoomOf(badgeId)).emit(EV.badgeChanged, { badgeId, what } satisfies BadgeChangedMessage);
  const ctx: ServiceContext = { db, publicUrl, events, federation };

  const drafts = new LiveDrafts(ctx, {
    persistDelayMs,
    onUpdate(draft, update, origin) {
      const message = { badgeId: draft.badgeId, update };
      const room = io.to(roomOf(draft.badgeId));
      // Everyone but the sender: it has the change already.
      if (isConnection(origin)) room.except(origin.id).emit(EV.update, message);
      else room.emit(EV.update, message);
    },
  });

  const broadcastPeers = (draft: LiveDraft) =>
    io.to(roomOf(draft.badgeId)).emit(EV.peers, { badgeId: draft.badgeId, peers: drafts.peers(draft) });

  // The handshake carries the session cookie (browsers send it; tests set it).
  io.use(async (socket, next) => {
    try {
      const user = await auth.userFromCookieHeader(socket.handshake.headers.cookie);
      if (!user) return next(new Error("unauthenticated"));
      socket.data.user = user;
      next();
    } catch {
      next(new Error("unauthenticated"));
    }
  });

  io.on("connection", (socket: Socket) => {
    const user = socket.data.user as SessionUser;
    const joined = new Set<string>();

    const connection = (badgeId: unknown): [LiveDraft, LiveConnection] | null => {
      if (typeof badgeId !== "string" || !joined.has(badgeId)) return null;
      const draft = drafts.get(badgeId);
      const conn = draft?.connections.get(socket.id);
      return draft && conn ? [draft, conn] : null;
    };

    // Rights can be taken away while someone types; look again now and then.
    const stillEditor = (draft: LiveDraft, conn: LiveConnection): boolean => {
      if (Date.now() - conn.checkedAt < recheckRightsMs) return true;
      conn.checkedAt = Date.now();
      let ok = false;
      try {
        ok = badgeAccess(db, draft.badgeId, user.id).canEdit;
      } catch {
        ok = false;
      }
      if (!ok) {
        leave(draft.badgeId, false);
        socket.emit(EV.closed, { badgeId: draft.badgeId, reason: "You can no longer edit this draft." });
      }
      return ok;
    };

    const leave = (badgeId: string, commitPending: boolean) => {
      if (closed) return;
      const found = connection(badgeId);
      joined.delete(badgeId);
      void socket.leave(roomOf(badgeId));
      if (!found) return;
      const [draft, conn] = found;
      draft.connections.delete(socket.id);
      // Typing not yet committed is saved as theirs when they go.
      if (commitPending && drafts.hasPending(draft, user.id)) safely(() => drafts.commit(draft, user));
      broadcastPeers(draft);
      drafts.releaseIfIdle(draft);
    };

    socket.on(EV.join, (request: { badgeId?: unknown; stateVector?: unknown; epoch?: unknown }, ack?: (r: JoinReply) => void) => {
      if (typeof ack !== "function") return;
      const badgeId = request?.badgeId;
      if (closed || typeof badgeId !== "string" || badgeId.length > 200) {
        return ack({ ok: false, status: 400, message: "Which draft?" });
      }
      try {
        const access = badgeAccess(db, badgeId, user.id);
        if (!access.canView) return ack({ ok: false, status: 404, message: "That badge was not found." });
        if (!access.canEdit) {
          return ack({ ok: false, status: 403, message: "Only editors of the steward or a co-author organisation can edit this draft." });
        }
        const draft = drafts.open(badgeId);
        const conn: LiveConnection = {
          id: socket.id,
          user,
          organisation: access.editingAs?.name ?? null,
          colour: colourFor(user.id),
          field: null,
          checkedAt: Date.now(),
        };
        draft.connections.set(socket.id, conn);
        joined.add(badgeId);
        void socket.join(roomOf(badgeId));
        const stateVector = toBytes(request.stateVector);
        const reset = !stateVector || request.epoch !== draft.epoch;
        const peers = drafts.peers(draft);
        ack({
          ok: true,
          epoch: draft.epoch,
          reset,
          update: Y.encodeStateAsUpdate(draft.doc, reset ? undefined : stateVector),
          stateVector: Y.encodeStateVector(draft.doc),
          revision: draft.baseRevision,
          me: peers.find((p) => p.connectionId === socket.id)!,
          peers,
        });
        socket.to(roomOf(badgeId)).emit(EV.peers, { badgeId, peers });
      } catch (error) {
        if (isDomainError(error)) return ack({ ok: false, status: error.kind === "not_found" ? 404 : 403, message: error.message });
        console.error("draft:join failed", error);
        ack({ ok: false, status: 500, message: "The draft could not be opened; try again." });
      }
    });

    socket.on(EV.update, (message: { badgeId?: unknown; update?: unknown }) => {
      const found = connection(message?.badgeId);
      const update = toBytes(message?.update);
      if (!found || !update || closed) return;
      const [draft, conn] = found;
      if (!stillEditor(draft, conn)) return;
      try {
        // The connection is the origin: it is credited, and not sent its own change back.
        Y.applyUpdate(draft.doc, update, conn);
      } catch {
        // Not a Yjs update: this client is broken or hostile.
        socket.disconnect(true);
      }
    });

    socket.on(EV.presence, (message: { badgeId?: unknown; field?: unknown }) => {
      const found = connection(message?.badgeId);
      if (!found) return;
      const [draft, conn] = found;
      const field = (LIVE_FIELDS as readonly unknown[]).includes(message.field) ? (message.field as LiveField) : null;
      if (conn.field === field) return;
      conn.field = field;
      broadcastPeers(draft);
    });

    socket.on(EV.commit, (message: { badgeId?: unknown }, ack?: (r: CommitReply) => void) => {
      if (typeof ack !== "function") return;
      const found = connection(message?.badgeId);
      if (!found || closed) return ack({ ok: false, status: 400, message: "Join the draft first." });
      const [draft] = found;
      // Badges of other instances typed for the first time are fetched before the commit,
      // so that its cycle check sees their own prerequisites.
      drafts.fetchPrerequisites(draft).then(
        () => {
          if (closed || drafts.get(draft.badgeId) !== draft) return ack({ ok: false, status: 409, message: "The draft was closed; open it again." });
          ack(safely(() => drafts.commit(draft, user)) ?? { ok: false, status: 500, message: "Saving failed; try again." });
        },
        (error: unknown) => {
          console.error("realtime: fetching prerequisites", error);
          ack({ ok: false, status: 500, message: "Saving failed; try again." });
        },
      );
    });

    // Watching: a page that shows the badge's state (publishing) reloads when it changes.
    socket.on(EV.watch, (message: { badgeId?: unknown }, ack?: (r: WatchReply) => void) => {
      if (typeof ack !== "function") return;
      const badgeId = message?.badgeId;
      if (closed || typeof badgeId !== "string" || badgeId.length > 200) return ack({ ok: false, status: 400, message: "Which badge?" });
      try {
        requirePublishingView(db, badgeId, user.id);
      } catch (error) {
        if (isDomainError(error)) return ack({ ok: false, status: 404, message: "That badge was not found." });
        console.error("badge:watch failed", error);
        return ack({ ok: false, status: 500, message: "Could not follow this badge; try again." });
      }
      void socket.join(watchRoomOf(badgeId));
      ack({ ok: true });
    });

    socket.on(EV.unwatch, (message: { badgeId?: unknown }) => {
      if (typeof message?.badgeId === "string") void socket.leave(watchRoomOf(message.badgeId));
    });

    socket.on(EV.leave, (message: { badgeId?: unknown }) => {
      if (typeof message?.badgeId === "string") leave(message.badgeId, true);
    });

    socket.on("disconnect", () => {
      for (const badgeId of [...joined]) leave(badgeId, true);
    });
  });

  return {
    events,
    // For tests and benchmarks: how many live documents are loaded.
    get openDocuments() {
      return drafts.openCount;
    },
    async close() {
      // Unsaved typing is stored (not turned into revisions): a restart picks it up.
      closed = true;
      drafts.closeAll();
    },
  };
}
