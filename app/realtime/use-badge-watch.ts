// The browser side of watching a badge: a page that shows a badge's state but does not
// edit it (the publishing page) follows its changes over socket.io and reloads its data
// through Remix, at most every few seconds. Without JavaScript or a connection the page
// is what the server rendered, and a reload shows the rest.
import { useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { io } from "socket.io-client";
import { EV, type BadgeChangedMessage, type WatchReply } from "./protocol";
import { PAGE_REFRESH_MS, throttle } from "./throttle";

export type WatchStatus = "off" | "connecting" | "live";

export interface UseBadgeWatchOptions {
  badgeId: string;
  // false: never connect (signed out: the socket needs a session).
  enabled: boolean;
  // At most one reload per this many milliseconds; the last change always gets one.
  intervalMs?: number;
}

export function useBadgeWatch({ badgeId, enabled, intervalMs = PAGE_REFRESH_MS }: UseBadgeWatchOptions): WatchStatus {
  // "off" until the browser runs this, so server and first client render agree.
  const [status, setStatus] = useState<WatchStatus>("off");
  const revalidator = useRevalidator();
  // The revalidator changes identity with its state; the throttle must not.
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;

  useEffect(() => {
    if (!enabled) return;
    setStatus("connecting");
    const refresh = throttle(() => revalidate.current(), intervalMs);
    const socket = io({ reconnectionDelayMax: 5000 });
    let watchedBefore = false;

    const watch = () => {
      socket.emit(EV.watch, { badgeId }, (reply: WatchReply) => {
        if (!reply.ok) {
          setStatus("off");
          socket.disconnect();
          return;
        }
        setStatus("live");
        // Changes made while the connection was down were not announced.
        if (watchedBefore) refresh.request();
        watchedBefore = true;
      });
    };
    socket.on("connect", watch);
    socket.on("disconnect", () => setStatus("connecting"));
    socket.on("connect_error", () => {
      // A refused handshake (signed out meanwhile) is not retried by socket.io.
      if (!socket.active) setStatus("off");
    });
    socket.on(EV.badgeChanged, (m: BadgeChangedMessage) => {
      if (m.badgeId === badgeId) refresh.request();
    });
    return () => {
      refresh.cancel();
      socket.emit(EV.unwatch, { badgeId });
      socket.close();
    };
  }, [badgeId, enabled, intervalMs]);

  return status;
}
