// NodeInfo 2.1 (http://nodeinfo.diaspora.software/schema.html): what software this is and
// how much it hosts, for crawlers and other servers' "about this instance" views.
import type { InstanceUsage } from "../app/services/instance.server";
import { instanceHost } from "./uris";
import { NODEINFO_21_PROFILE } from "./vocabulary";

export const SOFTWARE_NAME = "badge-commons";

/** `/.well-known/nodeinfo`: where the 2.1 document lives. */
export function nodeInfoDiscovery(publicUrl: string) {
  return { links: [{ rel: NODEINFO_21_PROFILE, href: `${publicUrl}/nodeinfo/2.1` }] };
}

export function nodeInfo21(usage: InstanceUsage, options: { publicUrl: string; version: string; openRegistrations: boolean }) {
  return {
    version: "2.1",
    software: { name: SOFTWARE_NAME, version: options.version },
    protocols: ["activitypub"],
    services: { inbound: [], outbound: [] },
    openRegistrations: options.openRegistrations,
    usage: {
      users: { total: usage.users },
      // A published badge version is what this instance "posts".
      localPosts: usage.publishedVersions,
    },
    metadata: {
      nodeName: `Badge Commons at ${instanceHost(options.publicUrl)}`,
      organisations: usage.organisations,
      publishedBadges: usage.publishedBadges,
      // Where other instances (and their learners) browse the organisations hosted here.
      organisationDirectory: `${options.publicUrl}/directory`,
    },
  };
}
