// The inboxes' own HTTP path: POST /inbox and /orgs/:handle/inbox answered straight from
// Node's request listener, before Express. They are the busiest endpoints of a federated
// server and answer a line of text, so Express's routing, middleware and response helpers
// were a tenth of each activity's CPU (docs/performance.md, "Federation: inbox").
//
// The rules are the ones the Express route applied: any content type, the body capped at
// INBOX_BODY_LIMIT (413, said in words), the bytes handed to receiveActivity exactly as
// received (it answers 400, 401, 202, 503 …). A body with a Content-Encoding is left to
// the Express route, whose body parser inflates gzip and deflate under the same cap and
// refuses other encodings with 415; senders hardly ever compress activities.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { InboxAnswer } from "./inbox";

export interface InboxHttpOptions {
  /** Verifies, records and applies one activity (federation/runtime.ts wires receiveActivity). */
  receive(request: { method: string; url: string; headers: IncomingMessage["headers"]; body: Buffer }): Promise<InboxAnswer>;
  publicUrl: string;
  limit: number;
  /** Sent with every answer (the security headers server.ts sends with every response). */
  headers?: OutgoingHttpHeaders;
}

// Express's routing of the same paths: case-insensitive, an optional trailing slash, any
// query string.
const INBOX_PATH = /^\/(?:orgs\/[^/?#]+\/)?inbox\/?(?:\?|$)/i;

/** The request is an inbox POST this path answers (otherwise the caller hands it on). */
export function isLeanInboxRequest(req: IncomingMessage): boolean {
  if (req.method !== "POST" || !INBOX_PATH.test(req.url ?? "")) return false;
  const encoding = req.headers["content-encoding"];
  return encoding === undefined || encoding.toLowerCase() === "identity";
}

/** A request listener for inbox POSTs: returns false, touching nothing, for any other request. */
export function inboxHttpHandler(options: InboxHttpOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { limit } = options;
  const tooLarge = `An activity is at most ${limit} bytes.`;

  function answer(res: ServerResponse, status: number, text: string) {
    if (res.headersSent || res.destroyed) return;
    const body = Buffer.from(text, "utf8");
    res.writeHead(status, { ...options.headers, "content-type": "text/plain; charset=utf-8", "content-length": body.length });
    res.end(body);
  }

  return (req, res) => {
    if (!isLeanInboxRequest(req)) return false;
    const declared = Number(req.headers["content-length"]);
    if (declared > limit) {
      // Node reads and drops the rest of the body before it reuses the connection.
      answer(res, 413, tooLarge);
      return true;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        answer(res, 413, tooLarge);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (over) return;
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      options
        .receive({ method: "POST", url: new URL(req.url!, options.publicUrl).href, headers: req.headers, body })
        .then(
          (result) => answer(res, result.status, result.reason),
          (error: unknown) => {
            console.error("the inbox failed on a request", error);
            answer(res, 500, "Internal error.");
          },
        );
    });
    // A sender that hangs up mid-body gets no answer; nothing was read, nothing applied.
    req.on("error", () => res.destroy());
    return true;
  };
}
