// How a badge field's value reads to people (conflicts, history). Pure; shared.
import type { ImageSource } from "../../db/schema";
import type { BadgeField } from "./badge-content";
import { describeCondition, prerequisiteConditions, type Prerequisites } from "./prerequisites";

const typeLabel = (t: string) => t.replace(/([a-z])([A-Z])/g, "$1 $2");

/**
 * A field's value as text. `names` gives badge names for prerequisite URIs when known,
 * `imageSources` whether each image id was generated or uploaded.
 */
export function displayField(
  field: BadgeField,
  value: unknown,
  names: Record<string, string> = {},
  imageSources: Record<string, ImageSource> = {},
): string {
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
    case "prerequisites": {
      if (!Array.isArray(value)) return "";
      const named = (uri: string) => (names[uri] ? `${names[uri]} (${uri})` : uri);
      const conditions = prerequisiteConditions(value as Prerequisites);
      // A single all-of condition reads as the plain list it is stored as.
      if (conditions.length === 1 && conditions[0].requiredNumber === conditions[0].badges.length) return conditions[0].badges.map(named).join("\n");
      return conditions
        .map((c) => `${describeCondition({ requiredNumber: c.requiredNumber, size: c.badges.length })}:\n${c.badges.map((b) => `  ${named(b)}`).join("\n")}`)
        .join("\n");
    }
    case "imageId":
      if (typeof value !== "string" || !value) return "No image";
      return imageSources[value] === "generated" ? "A generated image" : imageSources[value] === "uploaded" ? "An uploaded image" : "An image";
    case "achievementType":
      return typeof value === "string" ? typeLabel(value) : "";
    case "estimatedHours":
      return value === null || value === undefined ? "—" : String(value);
    default:
      return typeof value === "string" ? value : value === null || value === undefined ? "" : String(value);
  }
}
