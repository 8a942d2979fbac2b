// What storing a version of another instance's badge or pathway requires, whichever it is:
// its steward sent it, it lives on its steward's instance, its hash matches its content,
// and the steward is an organisation of another instance known here.
import { eq } from "drizzle-orm";
import type { ZodError } from "zod";
import type { DatabaseLike } from "../../db/client";
import { organisations, type Organisation } from "../../db/schema";
import { ForbiddenError, NotFoundError, ValidationError } from "./errors";
import { computeVersionHash, type VersionHashInput } from "./versions.server";

type Kind = "badge" | "pathway";

/** A version that did not parse, with what was wrong, as one ValidationError. */
export function unreadableVersion(kind: Kind, error: ZodError): ValidationError {
  return new ValidationError(`Not a ${kind} version we can read: ${error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
}

const originOf = (uri: string) => new URL(uri).origin;

/** Throws unless `actorUri` is the version's steward, on the instance of the thing and the version, and the hash holds. */
export function requireStewardsVersion(
  kind: Kind,
  actorUri: string,
  thingUri: string,
  v: VersionHashInput & { versionUri: string; contentHash: string },
): void {
  if (v.stewardUri !== actorUri) throw new ForbiddenError(`Only a ${kind}'s steward publishes its versions.`);
  if (originOf(thingUri) !== originOf(actorUri) || originOf(v.versionUri) !== originOf(actorUri)) {
    throw new ForbiddenError(`A ${kind} and its versions must live on their steward's instance.`);
  }
  const expected = computeVersionHash({ content: v.content, stewardUri: v.stewardUri, coauthorUris: v.coauthorUris, number: v.number });
  if (expected !== v.contentHash) throw new ValidationError("The version's content hash does not match its content.");
}

/** The remote organisation stewarding the version; a local one cannot be named by a peer. */
export function remoteSteward(db: DatabaseLike, kind: Kind, stewardUri: string): Organisation {
  const steward = db.select().from(organisations).where(eq(organisations.uri, stewardUri)).get();
  if (!steward) throw new NotFoundError(`The ${kind}'s steward organisation`);
  if (!steward.host) throw new ForbiddenError("That steward is an organisation of this instance.");
  return steward;
}
