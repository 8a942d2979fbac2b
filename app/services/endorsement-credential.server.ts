// An endorsement as an Open Badges 3.0 EndorsementCredential (a W3C Verifiable Credential
// 2.0): the endorsing organisation is the issuer, the badge's Achievement is the subject,
// the statement is its endorsementComment. The exact version endorsed travels as the same
// extension terms the Achievement uses (versionId, contentHash), so a credential for
// version 1 never passes for an endorsement of version 2. Pure: signing is done by the
// caller (endorsements.server.ts through ctx.federation.signAsActor).
import type { OrganisationProfile } from "./catalogue-authors.server";
import { EXTENSION, OB3_CONTEXT, toProfile, type Ob3Profile } from "./open-badges.server";

export interface EndorsementSubject {
  id: string;
  type: ["EndorsementSubject"];
  endorsementComment: string;
  [extension: string]: unknown;
}

export interface UnsignedEndorsementCredential {
  "@context": typeof OB3_CONTEXT;
  id: string;
  type: ["VerifiableCredential", "EndorsementCredential"];
  name: string;
  issuer: Ob3Profile;
  validFrom: string;
  // When first endorsed: validFrom moves on each renewal, as OB 3.0 updates a credential.
  awardedDate: string;
  credentialSubject: EndorsementSubject;
  [key: string]: unknown;
}

export interface EndorsementCredentialSource {
  uri: string;
  endorser: OrganisationProfile;
  badge: { uri: string; name: string };
  version: { uri: string; number: number; contentHash: string };
  statement: string;
  issuedAt: Date;
  firstIssuedAt: Date;
}

/** XML Schema dateTime to the second, as Verifiable Credentials examples write it. */
export function credentialDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function toEndorsementCredential(source: EndorsementCredentialSource, options: { publicUrl: string }): UnsignedEndorsementCredential {
  return {
    "@context": OB3_CONTEXT,
    id: source.uri,
    type: ["VerifiableCredential", "EndorsementCredential"],
    name: `${source.endorser.name} endorses ${source.badge.name} (version ${source.version.number})`,
    issuer: toProfile(source.endorser, options.publicUrl),
    validFrom: credentialDateTime(source.issuedAt),
    awardedDate: credentialDateTime(source.firstIssuedAt),
    credentialSubject: {
      id: source.badge.uri,
      type: ["EndorsementSubject"],
      endorsementComment: source.statement,
      [EXTENSION.versionId]: source.version.uri,
      [EXTENSION.contentHash]: source.version.contentHash,
    },
  };
}
