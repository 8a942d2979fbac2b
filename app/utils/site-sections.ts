// Which part of the site a page belongs to, for the top navigation. The catalogue is what
// anyone may browse (the list, a badge's public page, its published versions); "my work"
// is what authors do with their badges (dashboard, starting a badge, editing, history,
// publishing), pathways alike; organisations are their pages; learning is what a learner
// holds and plans. Pure, shared by server and browser.
export type SiteSection = "catalogue" | "work" | "organisations" | "learning";

export const SECTION_HOME: Record<SiteSection, string> = {
  catalogue: "/badges",
  work: "/dashboard",
  organisations: "/orgs",
  learning: "/learning",
};

// Pages under /badges/:id and /pathways/:id that belong to the authors' work, not to the
// public catalogue.
const AUTHORING = new Set(["edit", "history", "publishing", "comments"]);

export function sectionOf(pathname: string): SiteSection | null {
  const parts = pathname.split("/").filter(Boolean);
  const [first, second, third] = parts;
  switch (first) {
    case "badges":
    case "pathways":
      if (second === undefined) return "catalogue";
      if (second === "new") return parts.length === 2 ? "work" : null;
      if (third === undefined || third === "versions" || (first === "badges" && third === "achievement.json")) return "catalogue";
      return AUTHORING.has(third) ? "work" : null;
    case "dashboard":
    case "coauthor-invitations":
      return "work";
    case "orgs":
      return "organisations";
    case "learning":
      return "learning";
    default:
      return null;
  }
}

/**
 * How a link to a section's home is marked on `pathname`: "page" when it is that very page,
 * "true" when the page is elsewhere in the section, nothing otherwise (aria-current values).
 */
export function currentFor(section: SiteSection, pathname: string): "page" | "true" | undefined {
  if (sectionOf(pathname) !== section) return undefined;
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  return path === SECTION_HOME[section] ? "page" : "true";
}
