// Conformance of an imported Open Badges 3.0 credential to 1EdTech's official JSON Schema
// for AchievementCredential / OpenBadgeCredential (a copy in app/schemas, the same file the
// tests' fixtures hold). Compiled once, on the first import that needs it.
import Ajv2019 from "ajv/dist/2019";
import addFormats from "ajv-formats";
import schema from "../schemas/ob3-achievementcredential.schema.json";

type Validate = ReturnType<Ajv2019["compile"]>;
let compiled: Validate | null = null;

function validator(): Validate {
  if (compiled) return compiled;
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  compiled = ajv.compile(schema);
  return compiled;
}

/** The schema's complaints about `credential`, as readable lines; empty when it conforms. */
export function ob3SchemaErrors(credential: unknown): string[] {
  const validate = validator();
  if (validate(asProofList(credential))) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is not valid"}`);
}

// The schema lists `proof` as an array; the VC Data Model (and JSON-LD, where one value and
// a one-element list mean the same) allows a single proof object, which is what
// digitalbazaar's libraries and others write. Read for the schema only as a list of one, so
// a credential is not called non-conformant over a difference its signature does not see.
function asProofList(credential: unknown): unknown {
  if (!credential || typeof credential !== "object" || Array.isArray(credential)) return credential;
  const proof = (credential as { proof?: unknown }).proof;
  if (!proof || typeof proof !== "object" || Array.isArray(proof)) return credential;
  return { ...(credential as object), proof: [proof] };
}
