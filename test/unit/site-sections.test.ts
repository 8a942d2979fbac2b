import { describe, expect, it } from "vitest";
import { currentFor, sectionOf } from "../../app/utils/site-sections";

const id = "3f2b8c1e-0000-4000-8000-000000000001";

describe("sectionOf", () => {
  it("puts the catalogue list, public badge pages and published versions in the catalogue", () => {
    for (const path of ["/badges", "/badges/", `/badges/${id}`, `/badges/${id}/versions/2`, `/badges/${id}/achievement.json`]) {
      expect(sectionOf(path), path).toBe("catalogue");
    }
  });

  it("puts editing, history, publishing and starting a badge in the author's work", () => {
    for (const path of [
      `/badges/${id}/edit`,
      `/badges/${id}/history`,
      `/badges/${id}/history/${id}`,
      `/badges/${id}/publishing`,
      `/badges/${id}/comments`,
      "/badges/new",
      "/dashboard",
      "/coauthor-invitations",
    ]) {
      expect(sectionOf(path), path).toBe("work");
    }
  });

  it("knows organisation pages and the learner's page, and claims nothing else", () => {
    expect(sectionOf("/orgs/changemakers/members")).toBe("organisations");
    expect(sectionOf("/learning")).toBe("learning");
    expect(currentFor("learning", "/learning")).toBe("page");
    for (const path of ["/", "/signin", "/invitations/abc", `/badges/${id}/unknown`, "/badgesx"]) {
      expect(sectionOf(path), path).toBeNull();
    }
  });
});

describe("sectionOf for pathways", () => {
  it("puts the pathway list, a pathway's page and its versions in the catalogue, and composing it in the author's work", () => {
    for (const path of ["/pathways", `/pathways/${id}`, `/pathways/${id}/versions/3`]) expect(sectionOf(path), path).toBe("catalogue");
    for (const path of ["/pathways/new", `/pathways/${id}/edit`, `/pathways/${id}/publishing`, `/pathways/${id}/history`]) {
      expect(sectionOf(path), path).toBe("work");
    }
    for (const path of [`/pathways/${id}/achievement.json`, `/pathways/${id}/unknown`]) expect(sectionOf(path), path).toBeNull();
    expect(currentFor("catalogue", "/pathways")).toBe("true");
  });
});

describe("currentFor", () => {
  it("says page on a section's home, true elsewhere in it, nothing outside", () => {
    expect(currentFor("catalogue", "/badges")).toBe("page");
    expect(currentFor("catalogue", "/badges/")).toBe("page");
    expect(currentFor("catalogue", `/badges/${id}`)).toBe("true");
    expect(currentFor("catalogue", `/badges/${id}/edit`)).toBeUndefined();
    expect(currentFor("work", `/badges/${id}/publishing`)).toBe("true");
    expect(currentFor("work", "/dashboard")).toBe("page");
    expect(currentFor("organisations", "/orgs")).toBe("page");
    expect(currentFor("organisations", "/dashboard")).toBeUndefined();
  });
});
