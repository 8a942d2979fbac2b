// Actor documents: each local organisation is an `Organization`; the instance itself is an
// `Application` that signs fetches made on the instance's behalf (Mastodon's secure mode
// wants every GET signed, and a user-less fetch needs an actor to sign it).
import type { ActorKeys, Organisation } from "../db/schema";
import { imageUrl } from "../app/services/open-badges.server";
import { escapeHtml } from "./html";
import { ed25519KeyId, rsaKeyId } from "./keys";
import { actorCollections, instanceActorUri, instanceHost, sharedInboxUri } from "./uris";
import { ACTOR_CONTEXT } from "./vocabulary";


/**
 * An organisation's plain-text description as the HTML `summary` holds: escaped, blank
 * lines make paragraphs, single newlines line breaks. Nothing of the text becomes markup.
 */
export function descriptionHtml(description: string): string {
  return description
    .trim()
    .split(/\n\s*\n/)
    .filter((p) => p.trim())
    .map((p) => `<p>${escapeHtml(p.trim()).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

function keyMaterial(actorUri: string, keys: ActorKeys) {
  return {
    publicKey: { id: rsaKeyId(actorUri), owner: actorUri, publicKeyPem: keys.rsaPublicKeyPem },
    // FEP-521a: the Ed25519 key that verifies this actor's eddsa-jcs-2022 proofs (FEP-8b32).
    assertionMethod: [
      {
        id: ed25519KeyId(actorUri),
        type: "Multikey",
        controller: actorUri,
        publicKeyMultibase: keys.ed25519PublicKeyMultibase,
      },
    ],
  };
}

export interface OrganisationActorSource {
  organisation: Pick<Organisation, "uri" | "handle" | "name" | "kind" | "description" | "website" | "logoImageId" | "createdAt">;
  logoContentType: string | null;
  keys: ActorKeys;
}

export function organisationActor({ organisation: org, logoContentType, keys }: OrganisationActorSource, publicUrl: string) {
  const collections = actorCollections(org.uri);
  const website = org.website && /^https?:\/\//i.test(org.website) ? org.website : null;
  return {
    "@context": ACTOR_CONTEXT,
    id: org.uri,
    type: "Organization",
    preferredUsername: org.handle,
    name: org.name,
    organisationKind: org.kind,
    summary: descriptionHtml(org.description),
    // The profile page is the actor's own URL: browsers get HTML there.
    url: org.uri,
    ...(org.logoImageId
      ? {
          icon: {
            type: "Image",
            url: imageUrl(publicUrl, org.logoImageId),
            ...(logoContentType ? { mediaType: logoContentType } : {}),
          },
        }
      : {}),
    ...collections,
    endpoints: { sharedInbox: sharedInboxUri(publicUrl) },
    ...keyMaterial(org.uri, keys),
    // Follows are accepted at once: an organisation's badges are public anyway.
    manuallyApprovesFollowers: false,
    discoverable: true,
    indexable: true,
    published: org.createdAt.toISOString(),
    // Shown by Mastodon as a profile field.
    ...(website
      ? {
          attachment: [
            {
              type: "PropertyValue",
              name: "Website",
              value: `<a href="${escapeHtml(website)}" rel="me nofollow noopener" target="_blank">${escapeHtml(website)}</a>`,
            },
          ],
        }
      : {}),
  };
}

export function instanceActor(keys: ActorKeys, publicUrl: string) {
  const id = instanceActorUri(publicUrl);
  const host = instanceHost(publicUrl);
  return {
    "@context": ACTOR_CONTEXT,
    id,
    type: "Application",
    preferredUsername: host,
    name: `Badge Commons at ${host}`,
    summary: "<p>The instance itself: it signs requests made on behalf of the whole instance.</p>",
    url: publicUrl,
    // Nothing is addressed to the instance alone; what arrives goes through the shared inbox.
    inbox: sharedInboxUri(publicUrl),
    outbox: `${id}/outbox`,
    endpoints: { sharedInbox: sharedInboxUri(publicUrl) },
    ...keyMaterial(id, keys),
    manuallyApprovesFollowers: true,
    discoverable: false,
    indexable: false,
  };
}
