import type { RequestHandler } from "express";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF protection for every state-changing request: the browser must say it comes from
 * this origin (Sec-Fetch-Site, else Origin, else Referer). Session cookies are also
 * SameSite=Lax; this closes what Lax leaves open (same-site subdomains, old browsers).
 * Paths under `exempt` (ActivityPub inboxes, which are signed instead) skip the check.
 */
export function sameOriginGuard(publicUrl: string, exempt: RegExp[] = []): RequestHandler {
  const publicOrigin = new URL(publicUrl).origin;
  return (req, res, next) => {
    if (SAFE.has(req.method) || exempt.some((re) => re.test(req.path))) return next();
    const ownOrigins = new Set([publicOrigin, `${req.protocol}://${req.get("host")}`]);
    const site = req.get("sec-fetch-site");
    const origin = req.get("origin");
    const referer = req.get("referer");
    let ok: boolean;
    if (site) ok = site === "same-origin";
    else if (origin && origin !== "null") ok = ownOrigins.has(origin);
    else if (referer) ok = safeOrigin(referer) !== null && ownOrigins.has(safeOrigin(referer)!);
    else ok = false;
    if (ok) return next();
    res.status(403).type("text/plain").send("Cross-site request refused: this form must be sent from this site.");
  };
}

function safeOrigin(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
