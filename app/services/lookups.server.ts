// Looking up other instances and organisations on a signed-in person's behalf. Each look-up
// makes this instance fetch several documents from the address typed, so people may do a
// few at a time only; the fetching itself is federation's (guarded, size-capped, signed).
import type { Discovery } from "./discovery";
import type { FederationActions } from "./federation-outbox";
import { RateLimiter } from "./rate-limit.server";

const perPerson = new RateLimiter(20, 60_000);

export async function lookUpAddress(actions: Pick<FederationActions, "lookUp">, userId: string, address: string): Promise<Discovery> {
  perPerson.hit(`lookup:${userId}`);
  return actions.lookUp(address);
}
