// The addresses of local ActivityPub things, made from PUBLIC_URL. One place, so the
// router, the documents and delivery agree on every id.
import { randomUUID } from "node:crypto";
import { catalogueHref } from "../app/utils/catalogue-url";

export const organisationActorUri = (publicUrl: string, handle: string) => `${publicUrl}/orgs/${handle}`;
export const instanceActorUri = (publicUrl: string) => `${publicUrl}/actor`;
export const sharedInboxUri = (publicUrl: string) => `${publicUrl}/inbox`;

/** Inbox, outbox, followers and following of an organisation actor. */
export function actorCollections(actorUri: string) {
  return {
    inbox: `${actorUri}/inbox`,
    outbox: `${actorUri}/outbox`,
    followers: `${actorUri}/followers`,
    following: `${actorUri}/following`,
  };
}

/** A fresh id for an activity `actorUri` performs; the router serves the public ones. */
export const newActivityUri = (actorUri: string) => `${actorUri}/activities/${randomUUID()}`;

/** The catalogue filtered on a tag: where a Hashtag of ours points. */
export const tagHref = (publicUrl: string, tag: string) => `${publicUrl}${catalogueHref({ tag })}`;

export const achievementUrl = (badgeUri: string) => `${badgeUri}/achievement.json`;

/** The host people type after the handle: `@handle@host` (with the port, if PUBLIC_URL has one). */
export const instanceHost = (publicUrl: string) => new URL(publicUrl).host;
