// socket.io side of co-authoring: one room per badge draft. Presence, Yjs co-editing
// and live comments are added in app/realtime/ (see docs/ARCHITECTURE.md).
import type { Server as SocketServer } from "socket.io";
import type { Db } from "../../db/client";
import type { Auth } from "../services/auth.server";
import type { BadgeEvents } from "../services/events";

export interface RealtimeOptions {
  io: SocketServer;
  db: Db;
  auth: Auth;
  publicUrl: string;
}

export function createRealtime({ io }: RealtimeOptions) {
  const room = (badgeId: string) => `badge:${badgeId}`;
  const events: BadgeEvents = {
    revisionSaved(badgeId, event) {
      io.to(room(badgeId)).emit("revision:saved", event);
    },
    commentAdded(badgeId, event) {
      io.to(room(badgeId)).emit("comment:added", event);
    },
    badgeChanged(badgeId, what) {
      io.to(room(badgeId)).emit("badge:changed", { what });
    },
  };
  return {
    events,
    async close() {},
  };
}
