// The read side of federation over HTTP: WebFinger, NodeInfo, actors, their collections
// and badge and pathway objects. Mounted in server.ts before the same-origin guard and Remix. A URL
// that has an HTML page too (an organisation, a badge, a version) answers ActivityStreams
// JSON only to a request that asks for it, and otherwise passes the request on to Remix;
// both answers carry `Vary: Accept` so no cache hands one to the other.
import { readFileSync } from "node:fs";
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from "express";
import type { Db } from "../db/client";
import { isDomainError } from "../app/services/errors";
import { imageContentType } from "../app/services/images.server";
import { instanceUsage } from "../app/services/instance.server";
import { getLocalOrganisation, listLocalOrganisations } from "../app/services/organisations.server";
import { publicPathwayVersion } from "../app/services/pathway-queries.server";
import { escapeHtml } from "./html";
import { publicBadgeVersion } from "../app/services/public-versions.server";
import { instanceActor, organisationActor } from "./actor";
import { toBadgeObject, toBadgeTombstone } from "./badge-object";
import { followCollection, outboxCollection, outboxPage, publicActivity } from "./collections";
import { toPathwayObject } from "./pathway-object";
import { actorKeysFor } from "./keys";
import { activityContentType, wantsActivityStreams } from "./negotiation";
import { nodeInfo21, nodeInfoDiscovery } from "./nodeinfo";
import { instanceActorUri } from "./uris";
import { ACTOR_TERMS, AS_CONTEXT, JRD_JSON, NODEINFO_21_PROFILE } from "./vocabulary";
import { servedEndorsement } from "./endorsement-documents";
import { parseWebfingerResource, webfingerDocument } from "./webfinger";

export interface FederationRouterOptions {
  db: Db;
  publicUrl: string;
  // Defaults to package.json's version.
  softwareVersion?: string;
  openRegistrations?: boolean;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "0.0.0";
}

// Public documents: readable from any origin, cached briefly (keys and names change rarely).
function sendJson(res: Response, status: number, body: unknown, contentType: string, cache = "public, max-age=60") {
  res.status(status);
  res.set({ "Content-Type": contentType, "Access-Control-Allow-Origin": "*", "Cache-Control": status < 400 ? cache : "no-store" });
  // Bytes, not a string: Express would otherwise rewrite the Content-Type's parameters.
  res.send(Buffer.from(JSON.stringify(body), "utf8"));
}

const sendError = (res: Response, status: number, message: string) =>
  sendJson(res, status, { error: message }, "application/json; charset=utf-8");

const isNotFound = (error: unknown) => isDomainError(error) && error.kind === "not_found";

/**
 * A handler answering ActivityStreams JSON. `page: true` marks a URL that also has an
 * HTML page: requests that do not ask for ActivityStreams go on to Remix. Collections and
 * activities have no page and answer JSON whatever Accept says. A service's NotFound
 * becomes a JSON 404.
 */
function documentRoute(handler: (req: Request, res: Response) => void, options: { page: boolean }): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    res.vary("Accept");
    if (options.page && !wantsActivityStreams(req.get("accept"))) return next();
    try {
      handler(req, res);
    } catch (error) {
      if (isNotFound(error)) return sendError(res, 404, "Not found.");
      next(error);
    }
  };
}
const negotiated = (handler: (req: Request, res: Response) => void) => documentRoute(handler, { page: true });
const activityOnly = (handler: (req: Request, res: Response) => void) => documentRoute(handler, { page: false });

const PAGE = /^[1-9]\d{0,6}$/;
const VERSION_NUMBER = /^[1-9]\d{0,8}$/;
const ACTIVITY_ID = /^[0-9a-f-]{36}$/;

export function federationRouter(options: FederationRouterOptions): Router {
  const { db, publicUrl } = options;
  const version = options.softwareVersion ?? packageVersion();
  const router = Router();
  const as = (req: Request) => activityContentType(req.get("accept"));

  const localOrganisation = (handle: string) => getLocalOrganisation(db, handle);

  router.get("/.well-known/webfinger", (req, res) => {
    const parsed = parseWebfingerResource(req.query.resource, publicUrl);
    if (!parsed.ok) return sendError(res, 400, parsed.error);
    const target = parsed.target;
    if (!target) return sendError(res, 404, "No such account here.");
    const rels = ([] as unknown[]).concat(req.query.rel ?? []).filter((r): r is string => typeof r === "string");
    let username: string;
    let actorUri: string;
    if (target.kind === "instance") {
      username = new URL(publicUrl).host;
      actorUri = instanceActorUri(publicUrl);
    } else {
      try {
        const org = localOrganisation(target.handle);
        username = org.handle;
        actorUri = org.uri;
      } catch (error) {
        if (isNotFound(error)) return sendError(res, 404, "No such account here.");
        throw error;
      }
    }
    sendJson(res, 200, webfingerDocument({ username, publicUrl, actorUri, rels }), `${JRD_JSON}; charset=utf-8`);
  });

  router.get("/.well-known/nodeinfo", (_req, res) => {
    sendJson(res, 200, nodeInfoDiscovery(publicUrl), "application/json; charset=utf-8", "public, max-age=1800");
  });

  router.get("/nodeinfo/2.1", (_req, res) => {
    const body = nodeInfo21(instanceUsage(db), { publicUrl, version, openRegistrations: options.openRegistrations ?? true });
    sendJson(res, 200, body, `application/json; profile="${NODEINFO_21_PROFILE}#"; charset=utf-8`, "public, max-age=1800");
  });

  // The instance actor.
  router.get(
    "/actor",
    negotiated((req, res) => {
      const keys = actorKeysFor(db, instanceActorUri(publicUrl));
      sendJson(res, 200, instanceActor(keys, publicUrl), as(req));
    }),
  );

  // Organisations.
  router.get(
    "/orgs/:handle",
    negotiated((req, res) => {
      const org = localOrganisation(req.params.handle);
      const document = organisationActor(
        {
          organisation: org,
          logoContentType: org.logoImageId ? imageContentType(db, org.logoImageId) : null,
          keys: actorKeysFor(db, org.uri),
        },
        publicUrl,
      );
      sendJson(res, 200, document, as(req));
    }),
  );

  const outbox = (actorUri: string) => (req: Request, res: Response) => {
    const outboxUri = `${actorUri}/outbox`;
    const page = req.query.page;
    if (page === undefined) return sendJson(res, 200, outboxCollection(db, actorUri, outboxUri), as(req));
    if (typeof page !== "string" || !PAGE.test(page)) return sendError(res, 400, "page must be a positive whole number.");
    sendJson(res, 200, outboxPage(db, actorUri, outboxUri, Number(page)), as(req));
  };
  const activity = (actorUri: string) => (req: Request, res: Response) => {
    const id = req.params.activityId;
    const document = ACTIVITY_ID.test(id) ? publicActivity(db, actorUri, `${actorUri}/activities/${id}`) : null;
    if (!document) return sendError(res, 404, "Not found.");
    sendJson(res, 200, document, as(req), "public, max-age=3600");
  };

  router.get("/actor/outbox", activityOnly((req, res) => outbox(instanceActorUri(publicUrl))(req, res)));
  router.get("/actor/activities/:activityId", activityOnly((req, res) => activity(instanceActorUri(publicUrl))(req, res)));
  router.get(
    "/orgs/:handle/outbox",
    activityOnly((req, res) => outbox(localOrganisation(req.params.handle).uri)(req, res)),
  );
  router.get(
    "/orgs/:handle/activities/:activityId",
    activityOnly((req, res) => activity(localOrganisation(req.params.handle).uri)(req, res)),
  );
  for (const which of ["followers", "following"] as const) {
    // `following` is also the HTML page where an organisation's admins follow others.
    const route = which === "following" ? negotiated : activityOnly;
    router.get(
      `/orgs/:handle/${which}`,
      route((req, res) => {
        const org = localOrganisation(req.params.handle);
        sendJson(res, 200, followCollection(db, org.uri, which), as(req));
      }),
    );
  }

  // Badges: the badge's URI serves its latest version; a version's URI, that version.
  const badgeHandler = (versioned: boolean) =>
    negotiated((req, res) => {
      if (versioned && !VERSION_NUMBER.test(req.params.number)) return sendError(res, 404, "Not found.");
      const result = publicBadgeVersion(db, req.params.badgeId, versioned ? Number(req.params.number) : undefined);
      if (result.state === "withdrawn") {
        const uri = result.versionUri ?? result.badgeUri;
        return sendJson(res, 410, toBadgeTombstone(uri, result.withdrawnAt), as(req));
      }
      const document = toBadgeObject(result.badge, { publicUrl, as: versioned ? "version" : "badge" });
      // A version never changes; the badge object changes with each version.
      sendJson(res, 200, document, as(req), versioned ? "public, max-age=86400" : "public, max-age=60");
    });
  // Endorsements: the endorsement object (a Note carrying the credential) for ActivityStreams
  // requests; the credential itself, for everyone else, is the Remix route's.
  router.get(
    "/endorsements/:endorsementId",
    negotiated((req, res) => {
      const found = ACTIVITY_ID.test(req.params.endorsementId) ? servedEndorsement(db, publicUrl, req.params.endorsementId) : null;
      if (!found) return sendError(res, 404, "Not found.");
      if (found.state === "withdrawn") return sendJson(res, 410, found.tombstone, as(req), "no-cache");
      sendJson(res, 200, found.object, as(req));
    }),
  );

  // The directory of organisations hosted here (named in NodeInfo's metadata), so another
  // instance can show what this one offers without following anyone.
  router.get(
    "/directory",
    activityOnly((req, res) => {
      const orgs = listLocalOrganisations(db);
      sendJson(
        res,
        200,
        {
          "@context": [AS_CONTEXT, { bc: ACTOR_TERMS.organisationKind.replace(/organisationKind$/, ""), organisationKind: ACTOR_TERMS.organisationKind }],
          id: `${publicUrl}/directory`,
          type: "OrderedCollection",
          totalItems: orgs.length,
          orderedItems: orgs.map((o) => ({
            id: o.uri,
            type: "Organization",
            preferredUsername: o.handle,
            name: o.name,
            summary: o.description ? escapeHtml(o.description) : undefined,
            organisationKind: o.kind,
            url: o.uri,
          })),
        },
        as(req),
      );
    }),
  );

  router.get("/badges/:badgeId", badgeHandler(false));
  router.get("/badges/:badgeId/versions/:number", badgeHandler(true));

  // Pathways, the same way: the pathway's URI serves its latest version.
  const pathwayHandler = (versioned: boolean) =>
    negotiated((req, res) => {
      if (versioned && !VERSION_NUMBER.test(req.params.number)) return sendError(res, 404, "Not found.");
      const result = publicPathwayVersion(db, req.params.pathwayId, versioned ? Number(req.params.number) : undefined);
      if (result.state === "withdrawn") {
        return sendJson(res, 410, toBadgeTombstone(result.versionUri ?? result.pathwayUri, result.withdrawnAt), as(req));
      }
      const document = toPathwayObject(result.pathway, { as: versioned ? "version" : "pathway" });
      sendJson(res, 200, document, as(req), versioned ? "public, max-age=86400" : "public, max-age=60");
    });
  router.get("/pathways/:pathwayId", pathwayHandler(false));
  router.get("/pathways/:pathwayId/versions/:number", pathwayHandler(true));

  return router;
}

