// The data of a badge's Endorsements section, as the badge page and the endorsements page
// hand it to app/components/endorsements.tsx: plain values (dates as ISO strings), the
// same on the server and in the browser.
import type { DatabaseLike } from "../../db/client";
import { badgeAccess } from "~/services/badges.server";
import {
  endorsementCounts,
  endorsementNetwork,
  endorsementPanel,
  listBadgeEndorsements,
  type EndorsementView,
} from "~/services/endorsement-queries.server";

const viewOf = (e: EndorsementView) => ({
  id: e.id,
  // Local credentials are linked on this site's own origin, whatever PUBLIC_URL says.
  href: e.endorser.host === null ? `/endorsements/${e.id}` : e.uri,
  status: e.status,
  statement: e.statement,
  issuedAt: e.issuedAt.toISOString(),
  decidedAt: e.decidedAt?.toISOString() ?? null,
  versionNumber: e.versionNumber,
  isCurrent: e.isCurrent,
  endorser: { handle: e.endorser.handle, host: e.endorser.host, name: e.endorser.name, kind: e.endorser.kind, uri: e.endorser.uri },
});

export type EndorsementItem = ReturnType<typeof viewOf>;

export function endorsementSection(
  db: DatabaseLike,
  badgeId: string,
  userId: string | null,
  options: { badgeName: string; page?: number; pageSize?: number },
) {
  const pageSize = options.pageSize ?? 10;
  const access = badgeAccess(db, badgeId, userId);
  const counts = endorsementCounts(db, badgeId);
  const pageCount = Math.max(1, Math.ceil(counts.total / pageSize));
  const page = Math.min(Math.max(1, options.page ?? 1), pageCount);
  const panel = endorsementPanel(db, badgeId, userId, access);
  return {
    badgeId,
    badgeName: options.badgeName,
    signedIn: userId !== null,
    counts,
    list: listBadgeEndorsements(db, badgeId, { limit: pageSize, offset: (page - 1) * pageSize }).map(viewOf),
    page,
    pageCount,
    network: endorsementNetwork(db, badgeId, options.badgeName, counts, 12),
    latestVersionNumber: panel.latestVersionNumber,
    closedReason: panel.closedReason,
    endorseAs: panel.endorseAs.map((o) => ({ organisation: o.organisation, endorsement: o.endorsement ? viewOf(o.endorsement) : null })),
    steward: panel.steward
      ? { autoAccept: panel.steward.autoAccept, pending: panel.steward.pending.map(viewOf), pendingTotal: panel.steward.pendingTotal }
      : null,
  };
}

export type EndorsementSectionData = ReturnType<typeof endorsementSection>;
