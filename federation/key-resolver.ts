// Key resolvers for verifying signatures and proofs. Remote keys are fetched from the
// document their id points to (through the fetch function the caller passes: the guarded
// fetcher in production) and cached in `remote_keys`; a refresh fetches again, because the
// owner may have rotated its key. Local actors' keys are read from `actor_keys`, never over
// HTTP. See docs/decisions/005-verifying-incoming-requests.md.
import { createPublicKey, type KeyObject } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { DatabaseLike } from "../db/client";
import { actorKeys, remoteKeys, type RemoteKey } from "../db/schema";
import { lookUpKey, KeyDocumentError, type PublishedKey } from "./key-document";
import { ed25519KeyId, ed25519PublicKeyFromMultikey, rsaKeyId } from "./keys";
import type { ResolveMultikey } from "./proof";
import type { KeyResolver, ResolvedKey } from "./signature-verify";

export type FetchDocument = (url: string) => Promise<unknown>;

export interface RemoteKeyOptions {
  /**
   * However often a refresh is asked for, a key is fetched again at most once in this long,
   * so a stream of forged signatures cannot make us hammer the claimed owner. Default 60 s.
   */
  minRefreshIntervalMs?: number;
  now?: () => Date;
}

const PARSED_KEYS_KEPT = 1000;

// Keys read from `remote_keys` are kept in memory this long: reading the row was about a
// tenth of an inbox's work per activity (40 µs in the profiled server). A refresh always
// goes to the table and to the owner, so a rotated key costs nothing more than before; only
// a change made by another process on the same database is seen up to this much later.
const REMEMBERED_FOR_MS = 60_000;

function httpUrl(value: string): URL | null {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url : null;
  } catch {
    return null;
  }
}

/** Parsing PEM costs more than verifying with RSA; keep recent KeyObjects by key text. */
function keyObjectCache() {
  const parsed = new Map<string, KeyObject>();
  return (row: Pick<RemoteKey, "kind" | "publicKey">): KeyObject => {
    const known = parsed.get(row.publicKey);
    if (known) return known;
    const key = row.kind === "rsa" ? createPublicKey(row.publicKey) : ed25519PublicKeyFromMultikey(row.publicKey);
    if (parsed.size >= PARSED_KEYS_KEPT) parsed.delete(parsed.keys().next().value!);
    parsed.set(row.publicKey, key);
    return key;
  };
}

/** Keys of remote actors: `remote_keys` first, else (or on refresh) fetched with `fetchDocument`. */
export function remoteKeyResolver(db: DatabaseLike, fetchDocument: FetchDocument, options: RemoteKeyOptions = {}): KeyResolver {
  const minRefresh = options.minRefreshIntervalMs ?? 60_000;
  const now = options.now ?? (() => new Date());
  const keyObject = keyObjectCache();
  const inFlight = new Map<string, Promise<ResolvedKey | null>>();
  // Prepared once: this runs for every signed request an inbox receives, and building and
  // preparing the query each time cost several times what running it does.
  const storedKey = db.select().from(remoteKeys).where(eq(remoteKeys.keyId, sql.placeholder("keyId"))).prepare();
  const remembered = new Map<string, { ownerUri: string; publicKey: KeyObject; until: number }>();
  const remember = (keyId: string, key: { ownerUri: string; publicKey: KeyObject }) => {
    remembered.delete(keyId);
    if (remembered.size >= PARSED_KEYS_KEPT) remembered.delete(remembered.keys().next().value!);
    remembered.set(keyId, { ownerUri: key.ownerUri, publicKey: key.publicKey, until: now().getTime() + REMEMBERED_FOR_MS });
  };

  async function fetchKey(keyId: string, documentUrl: string): Promise<PublishedKey | null> {
    const lookup = lookUpKey(await fetchDocument(documentUrl), keyId, documentUrl);
    if (lookup.status !== "needs-owner") return lookup.status === "found" ? lookup.key : null;
    // A key served on its own counts only if its owner's actor document lists the same key.
    const confirmed = lookUpKey(await fetchDocument(lookup.ownerUri), keyId, lookup.ownerUri);
    if (confirmed.status !== "found" || !confirmed.key.publicKey.equals(lookup.key.publicKey)) {
      throw new KeyDocumentError(`The actor ${lookup.ownerUri} does not list the key ${keyId}.`);
    }
    return confirmed.key;
  }

  async function refetch(keyId: string): Promise<ResolvedKey | null> {
    const documentUrl = keyId.split("#")[0];
    const key = await fetchKey(keyId, documentUrl);
    if (!key) {
      // The owner no longer publishes it: forget it so it is not trusted from the cache.
      remembered.delete(keyId);
      db.delete(remoteKeys).where(eq(remoteKeys.keyId, keyId)).run();
      return null;
    }
    remember(keyId, key);
    const row = { keyId, ownerUri: key.ownerUri, kind: key.kind, publicKey: key.text, fetchedAt: now() };
    db.insert(remoteKeys)
      .values(row)
      .onConflictDoUpdate({ target: remoteKeys.keyId, set: { ownerUri: row.ownerUri, kind: row.kind, publicKey: row.publicKey, fetchedAt: row.fetchedAt } })
      .run();
    return { ownerUri: key.ownerUri, publicKey: key.publicKey, cached: false };
  }

  return {
    async resolve(keyId, { refresh }) {
      if (!httpUrl(keyId)) return null;
      const inMemory = refresh ? undefined : remembered.get(keyId);
      if (inMemory && inMemory.until > now().getTime()) return { ownerUri: inMemory.ownerUri, publicKey: inMemory.publicKey, cached: true };
      const row = storedKey.get({ keyId });
      if (row && (!refresh || now().getTime() - row.fetchedAt.getTime() < minRefresh)) {
        const key = { ownerUri: row.ownerUri, publicKey: keyObject(row) };
        remember(keyId, key);
        return { ...key, cached: !refresh };
      }
      // Concurrent requests signed with the same new key share one fetch.
      const pending = inFlight.get(keyId);
      if (pending) return pending;
      const fetching = refetch(keyId).finally(() => inFlight.delete(keyId));
      inFlight.set(keyId, fetching);
      return fetching;
    },
  };
}

/** Keys of this instance's own actors, from `actor_keys`; never generates any. */
export function localKeyResolver(db: DatabaseLike): KeyResolver {
  return {
    async resolve(keyId) {
      const actorUri = keyId.split("#")[0];
      const row = db.select().from(actorKeys).where(eq(actorKeys.actorUri, actorUri)).get();
      if (!row) return null;
      if (keyId === rsaKeyId(actorUri)) return { ownerUri: actorUri, publicKey: createPublicKey(row.rsaPublicKeyPem), cached: false };
      if (keyId === ed25519KeyId(actorUri)) {
        return { ownerUri: actorUri, publicKey: ed25519PublicKeyFromMultikey(row.ed25519PublicKeyMultibase), cached: false };
      }
      return null;
    },
  };
}

export interface KeyResolverSetup extends RemoteKeyOptions {
  /** This instance's public URL: key ids on its origin are local and never fetched. */
  publicUrl: string;
  fetchDocument: FetchDocument;
}

/** The resolver an instance uses: its own origin from `actor_keys`, every other from the network. */
export function createKeyResolver(db: DatabaseLike, setup: KeyResolverSetup): KeyResolver {
  const ownOrigin = new URL(setup.publicUrl).origin;
  const local = localKeyResolver(db);
  const remote = remoteKeyResolver(db, setup.fetchDocument, setup);
  return {
    resolve(keyId, opts) {
      return httpUrl(keyId)?.origin === ownOrigin ? local.resolve(keyId, opts) : remote.resolve(keyId, opts);
    },
  };
}

/** Adapts a KeyResolver to verifyProof: only Ed25519 keys (Multikeys from assertionMethod) count. */
export function multikeyResolver(keys: KeyResolver): ResolveMultikey {
  return async (verificationMethod, opts) => {
    const key = await keys.resolve(verificationMethod, { refresh: opts?.refresh ?? false });
    if (!key || key.publicKey.asymmetricKeyType !== "ed25519") return null;
    return { controller: key.ownerUri, publicKey: key.publicKey, cached: key.cached };
  };
}
