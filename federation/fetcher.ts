// The one HTTP client for everything remote: documents fetched (actors, keys, objects,
// WebFinger) and activities delivered. Every request is bounded in time and size, speaks
// only http(s), and connects only to addresses the operator allows.
//
// DNS rebinding: a name is resolved by the socket's own `lookup`, which validates every
// answer and hands the socket only validated ones, so the address judged is the address
// connected to. The connected socket's remoteAddress is checked again before a byte is
// written, and address literals (which skip lookup) are judged before connecting.
import { lookup as dnsLookup } from "node:dns/promises";
import type { LookupAddress, LookupOptions } from "node:dns";
import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP, type LookupFunction, type Socket } from "node:net";
import { judgeAddress } from "./addresses";
import {
  FetchFailed,
  FetchRefused,
  FetchTimeout,
  FetchTooLarge,
  InvalidDocument,
  RemoteError,
  isFetchError,
} from "./fetch-errors";
import { signRequest, signRequestAsync, type SigningKey } from "./http-signatures";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface FetcherConfig {
  /** FEDERATION_ALLOW_PRIVATE_ADDRESSES: loopback, private, link-local, ULA and CGNAT peers. */
  allowPrivateAddresses: boolean;
  userAgent: string;
  /** Name resolution; the system resolver unless given (tests and benchmarks map names). */
  resolve?: Resolver;
  connectTimeoutMs?: number;
  /** For the whole exchange, redirects included. */
  timeoutMs?: number;
  maxResponseBytes?: number;
  maxRedirects?: number;
}

export const ACTIVITY_ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"';
export const ACTIVITY_CONTENT_TYPE = "application/activity+json";

export interface FetchedDocument {
  document: Record<string, unknown>;
  /** Where the document was finally read, after redirects. */
  url: string;
}

export interface PostResult {
  status: number;
  headers: IncomingHttpHeaders;
  /** At most the first POST_BODY_KEPT bytes, as text: enough for an error message. */
  body: string;
}

export interface Fetcher {
  /**
   * An ActivityStreams document, signed as `signAs` when given. Refused unless its `id` is
   * the URL asked for (FEP-fe34), or the URL it was finally read from when every redirect
   * stayed on the origin asked.
   */
  getDocument(url: string, options?: { signAs?: SigningKey; accept?: string }): Promise<FetchedDocument>;
  /** Bytes of any resource (a badge's image), with the same guards and size cap. */
  getBytes(url: string, options?: { accept?: string; maxBytes?: number }): Promise<{ body: Buffer; contentType: string; url: string }>;
  /** Any JSON document (WebFinger, NodeInfo): the same guards, without the `id` rule. */
  getJson(url: string, options?: { signAs?: SigningKey; accept?: string }): Promise<FetchedDocument>;
  /** One POST, never redirected; any status is returned, network failures are thrown. */
  post(url: string, body: string, options: { signAs?: SigningKey; contentType?: string; signal?: AbortSignal }): Promise<PostResult>;
  /** Closes idle keep-alive connections (tests, shutdown). */
  close(): void;
}

const DEFAULTS = { connectTimeoutMs: 5_000, timeoutMs: 15_000, maxResponseBytes: 1024 * 1024, maxRedirects: 3 };
const POST_BODY_KEPT = 16 * 1024;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The system resolver, every address, in the order the system prefers. */
export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/**
 * A `lookup` for sockets: resolves with `resolve`, drops every answer the policy refuses,
 * and fails with FetchRefused when none is left. What it returns is what the socket uses.
 */
export function guardedLookup(resolve: Resolver, allowPrivate: boolean): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    resolve(hostname).then(
      (answers) => {
        const wanted = options.family === 4 || options.family === 6 ? answers.filter((a) => a.family === options.family) : answers;
        const allowed = wanted.filter((a) => judgeAddress(a.address, allowPrivate).allowed);
        if (allowed.length === 0) {
          const refused = wanted.map((a) => judgeAddress(a.address, allowPrivate)).find((v) => !v.allowed);
          const reason = refused && !refused.allowed ? `${hostname} resolves to ${refused.category} address ${refused.address}` : `${hostname} has no address`;
          callback(Object.assign(new FetchRefused(hostname, reason), { code: "EREFUSED_ADDRESS" }), "", 0);
          return;
        }
        if (options.all) callback(null, allowed.map((a): LookupAddress => ({ address: a.address, family: a.family })));
        else callback(null, allowed[0].address, allowed[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}

/** Destroys `socket` (before anything is written) unless its peer address is allowed. */
export function guardConnectedSocket(
  socket: Socket,
  allowPrivate: boolean,
  url: string,
  onRefused: (e: FetchRefused) => void,
  onAllowed?: () => void,
): void {
  const check = () => {
    const address = socket.remoteAddress;
    const verdict = address ? judgeAddress(address, allowPrivate) : null;
    if (verdict?.allowed) return void onAllowed?.();
    const reason = verdict && !verdict.allowed ? `connected to ${verdict.category} address ${verdict.address}` : "no peer address";
    const error = new FetchRefused(url, reason);
    socket.destroy(error);
    onRefused(error);
  };
  // Prepended so it runs before the HTTP client flushes the request it buffered.
  if (socket.connecting) socket.prependOnceListener("connect", check);
  else check();
}

interface Exchange {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface ExchangeRequest {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: Buffer;
  /** When the body exceeds the cap: refuse (documents) or keep the start (delivery replies). */
  overflow: "refuse" | "truncate";
  limit: number;
  signal?: AbortSignal;
}

export function createFetcher(config: FetcherConfig): Fetcher {
  const settings = { ...DEFAULTS, ...stripUndefined(config) };
  const resolve = config.resolve ?? systemResolver;
  const lookup = guardedLookup(resolve, config.allowPrivateAddresses);
  // One keep-alive pool per fetcher; server.ts makes one fetcher per process, so
  // deliveries to a host reuse their connections.
  const agents = {
    "http:": new http.Agent({ keepAlive: true, scheduling: "lifo", maxFreeSockets: 64 }),
    "https:": new https.Agent({ keepAlive: true, scheduling: "lifo", maxFreeSockets: 64 }),
  };
  // Sockets whose peer address was judged allowed when they connected; a kept-alive socket
  // stays connected to that peer, so its next requests need no second look.
  const judged = new WeakSet<Socket>();
  const markJudged = (socket: Socket) => () => judged.add(socket);

  function checkTarget(raw: string | URL): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new FetchRefused(String(raw), "not a URL");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new FetchRefused(url.href, `scheme ${url.protocol} is not http(s)`);
    if (url.username || url.password) throw new FetchRefused(url.href, "credentials in the URL");
    const host = bareHostname(url);
    if (isIP(host)) {
      const verdict = judgeAddress(host, config.allowPrivateAddresses);
      if (!verdict.allowed) throw new FetchRefused(url.href, `${verdict.category} address ${host}`);
    }
    return url;
  }

  function exchangeOnce(url: URL, request: ExchangeRequest, deadline: number): Promise<Exchange & { reused: boolean }> {
    return new Promise((resolvePromise, reject) => {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return reject(new FetchTimeout(url.href, "total", settings.timeoutMs));
      const transport = url.protocol === "https:" ? https : http;
      const req = transport.request({
        protocol: url.protocol,
        hostname: bareHostname(url),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: request.headers,
        agent: agents[url.protocol as "http:" | "https:"],
        lookup,
      });
      let settled = false;
      let reused = false;
      const finish = (error: unknown, value?: Exchange) => {
        if (settled) return;
        settled = true;
        clearTimeout(totalTimer);
        clearTimeout(connectTimer);
        request.signal?.removeEventListener("abort", onAbort);
        if (error) {
          req.destroy();
          // The lookup names only the host; say which URL was refused.
          if (error instanceof FetchRefused && error.url !== url.href) error = new FetchRefused(url.href, error.reason);
          reject(isFetchError(error) ? error : Object.assign(new FetchFailed(url.href, error), { reused }));
        } else resolvePromise({ ...value!, reused });
      };
      const totalTimer = setTimeout(() => finish(new FetchTimeout(url.href, "total", settings.timeoutMs)), remaining);
      // Only a new connection has a connect phase (name lookup included) to time.
      let connectTimer: NodeJS.Timeout | undefined;
      const onAbort = () => finish(new FetchFailed(url.href, request.signal?.reason ?? new Error("aborted")));
      if (request.signal?.aborted) return onAbort();
      request.signal?.addEventListener("abort", onAbort, { once: true });

      req.on("socket", (socket: Socket) => {
        reused = req.reusedSocket;
        if (reused && judged.has(socket)) return;
        if (!reused) {
          const connectMs = Math.min(settings.connectTimeoutMs, deadline - Date.now());
          connectTimer = setTimeout(() => finish(new FetchTimeout(url.href, "connect", settings.connectTimeoutMs)), connectMs);
          socket.once("connect", () => clearTimeout(connectTimer));
        }
        guardConnectedSocket(socket, config.allowPrivateAddresses, url.href, (e) => finish(e), markJudged(socket));
      });
      req.on("error", (error) => finish(error));
      req.on("response", (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        // A redirect's body is never read: only its Location matters.
        const limit = REDIRECTS.has(status) && request.method === "GET" ? 0 : request.limit;
        const declared = Number(res.headers["content-length"]);
        if (limit > 0 && request.overflow === "refuse" && Number.isFinite(declared) && declared > limit) {
          return finish(new FetchTooLarge(url.href, limit));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => finish(null, { status, headers: res.headers, body: Buffer.concat(chunks) });
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= limit) return void chunks.push(chunk);
          if (request.overflow === "refuse" && limit > 0) return finish(new FetchTooLarge(url.href, limit));
          chunks.push(chunk.subarray(0, chunk.length - (size - limit)));
          done();
          res.destroy();
        });
        res.on("end", done);
        res.on("error", (error) => finish(error));
        res.on("aborted", () => finish(new FetchFailed(url.href, new Error("response aborted"))));
      });
      req.end(request.body);
    });
  }

  // A kept-alive connection the server closed while idle fails on reuse; that request
  // never reached the application, so it is sent once more on a fresh connection.
  async function exchange(url: URL, request: ExchangeRequest, deadline: number): Promise<Exchange> {
    try {
      return await exchangeOnce(url, request, deadline);
    } catch (error) {
      const code = ((error as FetchFailed).cause as NodeJS.ErrnoException | undefined)?.code;
      if ((error as { reused?: boolean }).reused && (code === "ECONNRESET" || code === "EPIPE")) {
        return exchangeOnce(url, request, deadline);
      }
      throw error;
    }
  }

  async function get(raw: string, options: { signAs?: SigningKey; accept: string; maxBytes?: number }) {
    const deadline = Date.now() + settings.timeoutMs;
    const asked = new URL(normaliseUrl(checkTarget(raw).href)!);
    let url = asked;
    let sameOrigin = true;
    for (let hop = 0; ; hop++) {
      const base = { accept: options.accept, "user-agent": config.userAgent };
      const headers = options.signAs ? signRequest({ method: "GET", url: url.href, headers: base }, options.signAs) : base;
      // A caller's own cap may only be tighter than the fetcher's.
      const limit = Math.min(options.maxBytes ?? settings.maxResponseBytes, settings.maxResponseBytes);
      const res = await exchange(url, { method: "GET", headers, overflow: "refuse", limit }, deadline);
      if (REDIRECTS.has(res.status)) {
        const location = res.headers.location;
        if (!location) throw new RemoteError(url.href, res.status);
        if (hop >= settings.maxRedirects) throw new FetchRefused(asked.href, `more than ${settings.maxRedirects} redirects`);
        let target: URL;
        try {
          target = new URL(location, url);
        } catch {
          throw new FetchRefused(url.href, `redirect to an unreadable location ${JSON.stringify(location.slice(0, 100))}`);
        }
        const next = new URL(normaliseUrl(checkTarget(target).href)!);
        sameOrigin &&= next.origin === asked.origin;
        url = next;
        continue;
      }
      if (res.status < 200 || res.status > 299) throw new RemoteError(url.href, res.status);
      return { asked, url, sameOrigin, res };
    }
  }

  function parseJsonObject(url: URL, res: Exchange): Record<string, unknown> {
    const type = String(res.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
    if (!/^application\/([a-z0-9.+-]+\+)?json$/.test(type)) throw new InvalidDocument(url.href, `content type "${type || "none"}" is not JSON`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body.toString("utf8"));
    } catch {
      throw new InvalidDocument(url.href, "malformed JSON");
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new InvalidDocument(url.href, "not a JSON object");
    return parsed as Record<string, unknown>;
  }

  return {
    async getBytes(raw, options = {}) {
      const { url, res } = await get(raw, { accept: options.accept ?? "*/*", maxBytes: options.maxBytes });
      return { body: res.body, contentType: String(res.headers["content-type"] ?? ""), url: url.href };
    },

    async getJson(raw, options = {}) {
      const { url, res } = await get(raw, { signAs: options.signAs, accept: options.accept ?? "application/json" });
      return { document: parseJsonObject(url, res), url: url.href };
    },

    async getDocument(raw, options = {}) {
      const { asked, url, sameOrigin, res } = await get(raw, { signAs: options.signAs, accept: options.accept ?? ACTIVITY_ACCEPT });
      const document = parseJsonObject(url, res);
      const id = typeof document.id === "string" ? normaliseUrl(document.id) : null;
      if (!id) throw new InvalidDocument(url.href, "it has no id");
      // The asker named `asked`; a redirect on the same origin may canonicalise it (the
      // origin speaks for itself), a redirect elsewhere may not rename the object.
      if (id !== asked.href && !(sameOrigin && id === url.href)) {
        throw new InvalidDocument(url.href, `its id ${id} is not the URL asked for (${asked.href})`);
      }
      return { document, url: url.href };
    },

    async post(raw, body, options) {
      const url = checkTarget(raw);
      const deadline = Date.now() + settings.timeoutMs;
      const bytes = Buffer.from(body, "utf8");
      const base: Record<string, string> = {
        "content-type": options.contentType ?? ACTIVITY_CONTENT_TYPE,
        "user-agent": config.userAgent,
        accept: ACTIVITY_ACCEPT,
      };
      const headers = options.signAs ? await signRequestAsync({ method: "POST", url: url.href, body: bytes, headers: base }, options.signAs) : base;
      headers["content-length"] = String(bytes.length);
      const res = await exchange(url, { method: "POST", headers, body: bytes, overflow: "truncate", limit: POST_BODY_KEPT, signal: options.signal }, deadline);
      return { status: res.status, headers: res.headers, body: res.body.toString("utf8") };
    },

    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  };
}

/**
 * A URL as compared for identity (RFC 3986 section 6.2.2): parsed (scheme and host case,
 * default port, dot segments), escapes of unreserved characters decoded and the others
 * upper-cased, fragment dropped.
 */
export function normaliseUrl(raw: string): string | null {
  try {
    const url = new URL(raw);
    url.hash = "";
    const tidy = (part: string) =>
      part.replace(/%([0-9a-fA-F]{2})/g, (_m, hex: string) => {
        const char = String.fromCharCode(parseInt(hex, 16));
        return /[A-Za-z0-9\-._~]/.test(char) ? char : `%${hex.toUpperCase()}`;
      });
    url.pathname = tidy(url.pathname);
    url.search = tidy(url.search);
    return url.href;
  } catch {
    return null;
  }
}

function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
