// Validators for Open Badges 3.0 documents, from the official schema kept in
// test/fixtures/ob3 (so tests run offline and without ../shared).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv2019 from "ajv/dist/2019";
import addFormats from "ajv-formats";

const schemaPath = fileURLToPath(new URL("../fixtures/ob3/achievementcredential.schema.json", import.meta.url));

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
