// What the AS2 objects of published badges and pathways share: who wrote them and who may
// read them, and when they were published and last changed.
import { PUBLIC_COLLECTION } from "./vocabulary";

interface PublishedVersion {
  stewardUri: string;
  coauthorUris: readonly string[];
  publishedAt: Date;
}

/** The steward first (Mastodon takes the first entry as the author), then the co-authors. */
export function authorship(version: PublishedVersion) {
  const coauthors = [...version.coauthorUris].sort();
  return {
    attributedTo: [version.stewardUri, ...coauthors],
    to: [PUBLIC_COLLECTION, `${version.stewardUri}/followers`],
    cc: coauthors,
  };
}

/**
 * `published`, and `updated` when the object changed since. The object of the whole badge or
 * pathway (`asWhole`) changes when a version is published or it is deprecated; Mastodon
 * shows an edit only when `updated` is later than what it has. A version never changes.
 */
export function publicationDates(source: { firstPublishedAt: Date; deprecatedAt: Date | null; version: PublishedVersion }, asWhole: boolean) {
  const published = asWhole ? source.firstPublishedAt : source.version.publishedAt;
  const changedAt = asWhole ? Math.max(source.version.publishedAt.getTime(), source.deprecatedAt?.getTime() ?? 0) : null;
  return {
    published: published.toISOString(),
    ...(changedAt !== null && changedAt > published.getTime() ? { updated: new Date(changedAt).toISOString() } : {}),
  };
}
