// A top navigation link to one part of the site, marked when the page belongs to it.
// Not NavLink: NavLink matches by URL prefix, and /badges/:id/edit is not the catalogue.
import { Link, useLocation } from "@remix-run/react";
import type { ReactNode } from "react";
import { currentFor, SECTION_HOME, type SiteSection } from "~/utils/site-sections";

export function SectionLink({ section, children }: { section: SiteSection; children: ReactNode }) {
  const current = currentFor(section, useLocation().pathname);
  return (
    <Link to={SECTION_HOME[section]} aria-current={current}>
      {children}
    </Link>
  );
}
