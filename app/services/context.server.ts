import type { Db } from "../../db/client";
import type { BadgeEvents } from "./events";
import type { FederationOutbox } from "./federation-outbox";

/** What every service needs, made once in server.ts and handed down through Remix's load context. */
export interface ServiceContext {
  db: Db;
  // Origin of this instance, without a trailing slash; ids of local things are made from it.
  publicUrl: string;
  events: BadgeEvents;
  // Writes the activities other instances must receive, in the service's transaction.
  federation: FederationOutbox;
}
