// The browser side of live co-editing: a React hook that joins a draft's room over
// socket.io, holds the Yjs document the server hands over, binds text boxes to it,
// publishes where this editor is typing, and asks the server to commit a revision after
// a pause in typing. Without a connection the page stays an ordinary form.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";
import * as Y from "yjs";
import {
  addAlignmentRow,
  defineTypes,
  alignmentsOf,
  fieldsOf,
  plainCopy,
  LIVE_TEXT_FIELDS,
  readValues,
  textOf,
  type AlignmentKey,
  type LiveField,
  type LiveMapField,
  type LiveTextField,
  type LiveValues,
} from "./draft-doc";
import {
  EV,
  toBytes,
  type CommentAddedMessage,
  type CommitReply,
  type JoinReply,
  type Peer,
  type PeersMessage,
  type RevisionRef,
  type RevisionSavedMessage,
  type UpdateMessage,
} from "./protocol";
import { bindText, type TextElement } from "./text-binding";

export type LiveStatus = "connecting" | "live" | "offline" | "denied";

export type SaveState =
  | { state: "idle" | "pending" | "saving" }
  | { state: "saved"; revision: RevisionRef }
  | { state: "invalid"; message: string; fieldErrors: Record<string, string[]> }
  | { state: "failed"; message: string };

export interface UseLiveDraftOptions {
  badgeId: string;
  // false: never connect (the plain form).
  enabled?: boolean;
  // Pause in typing after which a revision is committed (ms).
  idleCommitMs?: number;
  onRevision?(message: RevisionSavedMessage): void;
  onComment?(message: CommentAddedMessage): void;
}

export interface LiveDraft {
  status: LiveStatus;
  me: Peer | null;
  // Everyone in the draft, this connection included.
  peers: Peer[];
  // What the live document says; null until there is one.
  values: LiveValues | null;
  // The revision the live document is based on (moves with every commit or save).
  revision: RevisionRef | null;
  save: SaveState;
  bindText(field: LiveTextField): (el: TextElement | null) => void;
  setField<F extends LiveMapField>(field: F, value: LiveValues[F]): void;
  setAlignment(rowId: string, key: AlignmentKey, value: string): void;
  addAlignment(): void;
  removeAlignment(rowId: string): void;
  focusField(field: LiveField | null): void;
  commitNow(): Promise<CommitReply | null>;
  // Forget the local document (the form was posted instead): the next join starts afresh.
  discardLocal(): void;
  doc: Y.Doc | null;
}

const REMOTE = "remote";

export function useLiveDraft({ badgeId, enabled = true, idleCommitMs = 2000, onRevision, onComment }: UseLiveDraftOptions): LiveDraft {
  // "offline" until the browser runs this: the server-rendered page is the plain form.
  const [status, setStatus] = useState<LiveStatus>("offline");
  const [me, setMe] = useState<Peer | null>(null);
  const [peers, setPeers] = useState<Peer[]>([]);
  const [values, setValues] = useState<LiveValues | null>(null);
  const [revision, setRevision] = useState<RevisionRef | null>(null);
  const [save, setSave] = useState<SaveState>({ state: "idle" });

  const socketRef = useRef<Socket | null>(null);
  const docRef = useRef<Y.Doc | null>(null);
  const epochRef = useRef<string | null>(null);
  const joinedRef = useRef(false);
  const dirtyRef = useRef(false);
  const focusRef = useRef<LiveField | null>(null);
  const commitTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const bindings = useRef(new Map<LiveTextField, { el: TextElement; unbind?: () => void }>());
  // Marks this browser's own edits (Yjs transaction origin).
  const local = useMemo(() => ({ local: true }), []);
  const callbacks = useRef({ onRevision, onComment });
  callbacks.current = { onRevision, onComment };

  const bindAll = useCallback(() => {
    const doc = docRef.current;
    for (const [field, b] of bindings.current) {
      b.unbind?.();
      b.unbind = doc ? bindText(textOf(doc, field), b.el, local) : undefined;
    }
  }, [local]);

  const unbindAll = useCallback(() => {
    for (const b of bindings.current.values()) {
      b.unbind?.();
      b.unbind = undefined;
    }
  }, []);

  const commitNow = useCallback(async (): Promise<CommitReply | null> => {
    const socket = socketRef.current;
    if (commitTimer.current) clearTimeout(commitTimer.current);
    commitTimer.current = null;
    if (!socket?.connected || !joinedRef.current) return null;
    dirtyRef.current = false;
    setSave({ state: "saving" });
    try {
      const reply: CommitReply = await socket.timeout(10_000).emitWithAck(EV.commit, { badgeId });
      if (reply.ok) {
        setRevision(reply.revision);
        setSave(dirtyRef.current ? { state: "pending" } : { state: "saved", revision: reply.revision });
      } else if (reply.status === 400 && reply.fieldErrors) {
        setSave({ state: "invalid", message: reply.message, fieldErrors: reply.fieldErrors });
      } else {
        setSave({ state: "failed", message: reply.message });
      }
      return reply;
    } catch {
      dirtyRef.current = true;
      setSave({ state: "failed", message: "Saving is taking long; your typing is kept and will be saved." });
      return null;
    }
  }, [badgeId]);

  const markDirty = useCallback(() => {
    dirtyRef.current = true;
    setSave((s) => (s.state === "invalid" ? s : { state: "pending" }));
    if (commitTimer.current) clearTimeout(commitTimer.current);
    commitTimer.current = setTimeout(() => void commitNow(), idleCommitMs);
  }, [commitNow, idleCommitMs]);

  const attach = useCallback(
    (doc: Y.Doc) => {
      doc.on("update", (update: Uint8Array, origin: unknown) => {
        setValues(readValues(doc));
        if (origin === REMOTE) return;
        socketRef.current?.emit(EV.update, { badgeId, update });
        markDirty();
      });
    },
    [badgeId, markDirty],
  );

  useEffect(() => {
    if (!enabled) return;
    setStatus("connecting");
    const socket = io({ reconnectionDelayMax: 5000 });
    socketRef.current = socket;
    // A page that cannot connect soon is an ordinary form in the meantime.
    const fallback = setTimeout(() => {
      if (!joinedRef.current) setStatus((s) => (s === "connecting" ? "offline" : s));
    }, 4000);

    const join = () => {
      const doc = docRef.current;
      socket.emit(
        EV.join,
        { badgeId, epoch: epochRef.current ?? undefined, stateVector: doc ? Y.encodeStateVector(doc) : undefined },
        (reply: JoinReply) => {
          if (!reply.ok) {
            setStatus(reply.status === 403 || reply.status === 404 ? "denied" : "offline");
            if (reply.status === 403 || reply.status === 404) socket.disconnect();
            return;
          }
          let d = docRef.current;
          const fresh = !d || reply.reset;
          if (fresh) {
            d?.destroy();
            d = defineTypes(new Y.Doc());
            docRef.current = d;
            attach(d);
          }
          Y.applyUpdate(d!, toBytes(reply.update)!, REMOTE);
          if (!fresh) {
            // Typing done while the connection was down goes to the others now.
            const missing = Y.encodeStateAsUpdate(d!, toBytes(reply.stateVector)!);
            if (missing.length > 2) socket.emit(EV.update, { badgeId, update: missing });
          }
          epochRef.current = reply.epoch;
          joinedRef.current = true;
          setMe(reply.me);
          setPeers(reply.peers);
          setRevision(reply.revision);
          setValues(readValues(d!));
          setStatus("live");
          bindAll();
          if (focusRef.current) socket.emit(EV.presence, { badgeId, field: focusRef.current });
          if (dirtyRef.current) markDirty();
        },
      );
    };

    socket.on("connect", join);
    socket.on("connect_error", () => {
      if (!joinedRef.current) setStatus((s) => (s === "denied" ? s : "offline"));
    });
    socket.on("disconnect", () => {
      joinedRef.current = false;
      setStatus((s) => (s === "denied" ? s : "offline"));
      // The boxes stay bound to the local document: typing goes on and is sent on reconnect.
    });
    socket.on(EV.update, (m: UpdateMessage) => {
      const bytes = toBytes(m.update);
      if (m.badgeId === badgeId && docRef.current && bytes) Y.applyUpdate(docRef.current, bytes, REMOTE);
    });
    socket.on(EV.peers, (m: PeersMessage) => {
      if (m.badgeId === badgeId) setPeers(m.peers);
    });
    socket.on(EV.revisionSaved, (m: RevisionSavedMessage) => {
      if (m.badgeId !== badgeId) return;
      setRevision({ id: m.revisionId, number: m.number });
      callbacks.current.onRevision?.(m);
    });
    socket.on(EV.commentAdded, (m: CommentAddedMessage) => {
      if (m.badgeId === badgeId) callbacks.current.onComment?.(m);
    });
    socket.on(EV.closed, (m: { badgeId: string }) => {
      if (m.badgeId !== badgeId) return;
      setStatus("denied");
      unbindAll();
      socket.disconnect();
    });

    return () => {
      clearTimeout(fallback);
      if (commitTimer.current) clearTimeout(commitTimer.current);
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
      joinedRef.current = false;
      unbindAll();
      docRef.current?.destroy();
      docRef.current = null;
      epochRef.current = null;
    };
  }, [badgeId, enabled, attach, bindAll, unbindAll, markDirty]);

  // One stable ref callback per text field.
  const refCallbacks = useMemo(() => {
    const entries = LIVE_TEXT_FIELDS.map((field) => [
      field,
      (el: TextElement | null) => {
        const old = bindings.current.get(field);
        if (old?.el === el) return;
        old?.unbind?.();
        bindings.current.delete(field);
        if (!el) return;
        const doc = docRef.current;
        bindings.current.set(field, { el, unbind: doc ? bindText(textOf(doc, field), el, local) : undefined });
      },
    ]);
    return Object.fromEntries(entries) as Record<LiveTextField, (el: TextElement | null) => void>;
  }, [local]);

  const change = useCallback(
    (fn: (doc: Y.Doc) => void) => {
      const doc = docRef.current;
      if (doc) doc.transact(() => fn(doc), local);
    },
    [local],
  );

  return {
    status,
    me,
    peers,
    values,
    revision,
    save,
    bindText: (field) => refCallbacks[field],
    setField: (field, value) => change((doc) => fieldsOf(doc).set(field, plainCopy(value))),
    setAlignment: (rowId, key, value) =>
      change((doc) => {
        const row = alignmentsOf(doc)
          .toArray()
          .find((r) => r instanceof Y.Map && r.get("id") === rowId);
        if (row && row.get(key) !== value) row.set(key, value);
      }),
    addAlignment: () => change((doc) => void addAlignmentRow(doc)),
    removeAlignment: (rowId) =>
      change((doc) => {
        const arr = alignmentsOf(doc);
        const i = arr.toArray().findIndex((r) => r instanceof Y.Map && r.get("id") === rowId);
        if (i >= 0) arr.delete(i, 1);
      }),
    focusField: (field) => {
      if (focusRef.current === field) return;
      focusRef.current = field;
      if (joinedRef.current) socketRef.current?.emit(EV.presence, { badgeId, field });
    },
    commitNow,
    discardLocal: () => {
      unbindAll();
      if (commitTimer.current) clearTimeout(commitTimer.current);
      dirtyRef.current = false;
      docRef.current?.destroy();
      docRef.current = null;
      epochRef.current = null;
      setValues(null);
    },
    doc: docRef.current,
  };
}
