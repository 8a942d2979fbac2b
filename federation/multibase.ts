// Multikey / multibase for Ed25519 public keys (base58btc, `z` prefix, 0xed01 multicodec),
// the encoding `publicKeyMultibase` uses in FEP-521a and Data Integrity proofs.
const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const ED25519_PUB_PREFIX = Uint8Array.of(0xed, 0x01);

export function base58btcEncode(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  let out = "";
  while (value > 0n) {
    out = ALPHABET[Number(value % 58n)] + out;
    value /= 58n;
  }
  return "1".repeat(zeros) + out;
}

export function base58btcDecode(text: string): Uint8Array {
  let zeros = 0;
  while (zeros < text.length && text[zeros] === "1") zeros++;
  let value = 0n;
  for (const ch of text) {
    const digit = ALPHABET.indexOf(ch);
    if (digit < 0) throw new Error(`not base58btc: ${JSON.stringify(ch)}`);
    value = value * 58n + BigInt(digit);
  }
  const body: number[] = [];
  while (value > 0n) {
    body.unshift(Number(value & 0xffn));
    value >>= 8n;
  }
  return Uint8Array.from([...new Array<number>(zeros).fill(0), ...body]);
}

/** `z…` Multikey of a raw 32-byte Ed25519 public key. */
export function ed25519MultikeyFromRaw(raw: Uint8Array): string {
  if (raw.length !== 32) throw new Error("an Ed25519 public key is 32 bytes");
  return "z" + base58btcEncode(Uint8Array.from([...ED25519_PUB_PREFIX, ...raw]));
}

/**
 * The raw 32-byte key of an Ed25519 `publicKeyBase58` (Ed25519VerificationKey2018, still
 * common in DID documents): base58btc of the key alone, no multibase or multicodec prefix.
 */
export function ed25519RawFromBase58(text: string): Uint8Array {
  const bytes = base58btcDecode(text);
  if (bytes.length !== 32) throw new Error("an Ed25519 publicKeyBase58 is 32 bytes");
  return bytes;
}

/** The raw 32-byte key of an Ed25519 Multikey, or an error when it is something else. */
export function ed25519RawFromMultikey(multibase: string): Uint8Array {
  if (!multibase.startsWith("z")) throw new Error("only base58btc (z) multibase is supported");
  const bytes = base58btcDecode(multibase.slice(1));
  if (bytes.length !== 34 || bytes[0] !== 0xed || bytes[1] !== 0x01) {
    throw new Error("not an Ed25519 Multikey");
  }
  return bytes.slice(2);
}
