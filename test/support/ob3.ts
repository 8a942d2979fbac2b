// Validators for Open Badges 3.0 documents, from the official schemas kept in
// test/fixtures/ob3 (so tests run offline and without ../shared).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv2019 from "ajv/dist/2019";
import addFormats from "ajv-formats";

const schemaPath = fileURLToPath(new URL("../fixtures/ob3/achievementcredential.schema.json", import.meta.url));
const endorsementSchemaPath = fileURLToPath(new URL("../fixtures/ob3/endorsementcredential.schema.json", import.meta.url));

let cached: ReturnType<Ajv2019["getSchema"]> | null = null;

/** The ajv validator of `$defs/Achievement`. */
export function achievementValidator() {
  if (cached) return cached;
  const schema = JSON.parse(readFileSync(schemaPath, "utf8")) as { $id: string };
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(schema);
  cached = ajv.getSchema(`${schema.$id}#/$defs/Achievement`) ?? null;
  if (!cached) throw new Error("The OB 3.0 schema has no $defs/Achievement");
  return cached;
}

/** Schema errors of a document as readable lines; empty when it validates. */
export function achievementErrors(doc: unknown): string[] {
  const validate = achievementValidator()!;
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
}

let endorsementCached: ReturnType<Ajv2019["compile"]> | null = null;

/** Schema errors of an EndorsementCredential as readable lines; empty when it validates. */
export function endorsementCredentialErrors(doc: unknown): string[] {
  if (!endorsementCached) {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    endorsementCached = ajv.compile(JSON.parse(readFileSync(endorsementSchemaPath, "utf8")));
  }
  const validate = endorsementCached;
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
}
