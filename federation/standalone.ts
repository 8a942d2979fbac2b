// Federation for code that runs beside no server of its own (the seed script, benchmarks,
// service contexts in tests): the same outbox (activities are queued for the server's
// delivery worker to send later) and look-ups of remote badges through the fetcher given.
import type { Db } from "../db/client";
import type { FederationOutbox } from "../app/services/federation-outbox";
import { createFetcher, type Fetcher } from "./fetcher";
import { federationOutbox } from "./publisher";
import { federationDeps } from "./runtime";

export function standaloneFederation(db: Db, publicUrl: string, fetcher?: Fetcher): FederationOutbox {
  const reader = fetcher ?? createFetcher({ allowPrivateAddresses: false, userAgent: `BadgeCommons (+${publicUrl}/)` });
  return { ...federationOutbox(publicUrl), lookUpRemoteBadge: federationDeps({ db, publicUrl, fetcher: reader }).lookUpRemoteBadge };
}
