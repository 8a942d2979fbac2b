// How a badge field's value reads to people (conflicts, history). Pure; shared.
import type { BadgeField } from "./badge-content";

const typeLabel = (t: string) => t.replace(/([a-z])([A-Z])/g, "$1 $2");

/** A field's value as text. `names` gives badge names for prerequisite URIs when known. */
export function displayField(field: BadgeField, value: unknown, names: Record<string, string> = {}): string {
  switch (field) {
    case "tags":
      return Array.isArray(value) ? value.join(", ") : "";
    case "alignments":
      return Array.isArray(value)
        ? value
            .map((a: { targetName?: string; targetUrl?: string; targetFramework?: string }) =>
              [a.targetName, a.targetUrl, a.targetFramework ? `(${a.targetFramework})` : ""].filter(Boolean).join(" — "),
            )
            .join("\n")
        : "";
    case "prerequisites":
      return Array.isArray(value) ? value.map((uri: string) => (names[uri] ? `${names[uri]} (${uri})` : uri)).join("\n") : "";
    case "imageId":
      return value ? "An uploaded image" : "The generated image";
    case "achievementType":
      return typeof value === "string" ? typeLabel(value) : "";
    case "estimatedHours":
      return value === null || value === undefined ? "—" : String(value);
    default:
      return typeof value === "string" ? value : value === null || value === undefined ? "" : String(value);
  }
}
