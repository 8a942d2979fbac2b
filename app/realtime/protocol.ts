// The co-editing channel's messages over socket.io, shared by the browser hook
// (use-live-draft.ts), the server (server.ts) and tests/benchmarks that drive it directly.
//
// Client -> server (all carry the badge id; replies through socket.io acknowledgements):
//   draft:join     {badgeId, stateVector?, epoch?}   ack JoinReply   (needs edit rights)
//   draft:update   {badgeId, update}                 a Yjs update made locally
//   draft:presence {badgeId, field}                  where this editor is typing (null: nowhere)
//   draft:commit   {badgeId}                         ack CommitReply: save the document as a revision
//   draft:leave    {badgeId}
//   badge:watch    {badgeId}                         ack WatchReply: follow the badge's changes without
//                                                    editing (publishing page; needs the right to see it)
//   badge:unwatch  {badgeId}
// Server -> client (to everyone in the badge's room):
//   draft:update     {badgeId, update}               others' Yjs updates (never echoed to the sender)
//   presence:update  {badgeId, peers}                everyone in the draft, on any change
//   revision:saved   {badgeId, ...RevisionSavedEvent}
//   comment:added    {badgeId, ...CommentAddedEvent}
//   badge:changed    {badgeId, what}
//   draft:closed     {badgeId, reason}               this connection was put out (rights taken away)
// Server -> client (to the badge's watchers, a room of their own):
//   badge:changed    {badgeId, what}                 what: "revision" for a saved revision, or as above.
//                                                    Watchers get only this notice, never content: the
//                                                    page reloads its data, where rights are checked.
// The handshake is authenticated by the session cookie; a connection without one is refused.
import type { BadgeEvents, CommentAddedEvent, RevisionSavedEvent } from "../services/events";
import type { LiveField } from "./draft-doc";

export const EV = {
  join: "draft:join",
  update: "draft:update",
  presence: "draft:presence",
  commit: "draft:commit",
  leave: "draft:leave",
  peers: "presence:update",
  revisionSaved: "revision:saved",
  commentAdded: "comment:added",
  badgeChanged: "badge:changed",
  closed: "draft:closed",
  watch: "badge:watch",
  unwatch: "badge:unwatch",
} as const;

export const roomOf = (badgeId: string) => `badge:${badgeId}`;
export const watchRoomOf = (badgeId: string) => `watch:${badgeId}`;

export interface Peer {
  // One per open connection (a person with two tabs appears once per tab).
  connectionId: string;
  userId: string;
  name: string;
  organisation: string | null;
  // A background colour with white text at AA contrast, stable per person.
  colour: string;
  field: LiveField | null;
}

export interface RevisionRef {
  id: string;
  number: number;
}

export interface JoinRequest {
  badgeId: string;
  // What the client already holds (on reconnect), so only the difference is sent.
  stateVector?: Uint8Array;
  // The document the client's state belongs to; if the server's differs, it starts afresh.
  epoch?: string;
}

export type JoinReply =
  | {
      ok: true;
      epoch: string;
      // true: drop any local document and start from `update` alone.
      reset: boolean;
      update: Uint8Array;
      stateVector: Uint8Array;
      revision: RevisionRef;
      me: Peer;
      peers: Peer[];
    }
  | { ok: false; status: 400 | 401 | 403 | 404 | 500; message: string };

export interface UpdateMessage {
  badgeId: string;
  update: Uint8Array;
}

export interface PresenceMessage {
  badgeId: string;
  field: LiveField | null;
}

export interface PeersMessage {
  badgeId: string;
  peers: Peer[];
}

export type CommitReply =
  | { ok: true; status: "saved" | "unchanged"; revision: RevisionRef }
  | { ok: false; status: 400 | 401 | 403 | 404 | 409 | 500; message: string; fieldErrors?: Record<string, string[]> };

export type WatchReply = { ok: true } | { ok: false; status: 400 | 404 | 500; message: string };

export type BadgeChange = Parameters<BadgeEvents["badgeChanged"]>[1] | "revision";

export interface BadgeChangedMessage {
  badgeId: string;
  what: BadgeChange;
}

export type RevisionSavedMessage = RevisionSavedEvent & { badgeId: string };
export type CommentAddedMessage = CommentAddedEvent & { badgeId: string };

/** socket.io hands binary over as Buffer (Node) or ArrayBuffer (browser). */
export function toBytes(data: unknown): Uint8Array | null {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return null;
}

// Accessible colours (white text on them is at least 4.5:1).
const COLOURS = ["#1d4e89", "#8a2c74", "#1e6b3a", "#a1271d", "#5b3f9e", "#7a4b00", "#0b6a77", "#4a5562"];

export function colourFor(userId: string): string {
  let h = 0;
  for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
  return COLOURS[h % COLOURS.length];
}
