// The in-memory facet store behind catalogue search (ADR 012): it must never disagree with
// the read model it copies, however that changes, and rank and page like the SQL it replaced.
import { beforeEach, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { badges } from "../../db/schema";
import { searchCatalogue } from "../../app/services/catalogue.server";
import { catalogueFacetStore } from "../../app/services/catalogue-facets.server";
import { indexEndorsements, indexPublishedVersion } from "../../app/services/catalogue-index.server";
import { createTestDb, makeOrganisation } from "../support/factories";
import { makePublishedBadge } from "../support/catalogue-factories";
import type { Db } from "../../db/client";

const names = (r: ReturnType<typeof searchCatalogue>) => r.entries.map((e) => e.name);

describe("catalogue facet store", () => {
  let db: Db;
  let nonprofit: ReturnType<typeof makeOrganisation>;
  let school: ReturnType<typeof makeOrganisation>;

  beforeEach(() => {
    db = createTestDb();
    nonprofit = makeOrganisation(db, { handle: "changemakers", name: "Changemakers", kind: "nonprofit" });
    school = makeOrganisation(db, { handle: "northside", name: "Northside School", kind: "school" });
  });

  it("follows publications, new versions and withdrawals from one search to the next", () => {
    const first = makePublishedBadge(db, { steward: nonprofit, content: { name: "Listening", tags: ["care"] }, publishedAt: new Date("2026-01-01") });
    expect(names(searchCatalogue(db))).toEqual(["Listening"]);
    const store = catalogueFacetStore(db);

    const second = makePublishedBadge(db, { steward: school, content: { name: "Facilitation", tags: ["care", "groups"] }, publishedAt: new Date("2026-02-01") });
    const after = searchCatalogue(db);
    expect(names(after)).toEqual(["Facilitation", "Listening"]);
    expect(after.facets.tags).toEqual([{ tag: "care", count: 2 }, { tag: "groups", count: 1 }]);
    expect(after.facets.kinds).toEqual([{ kind: "nonprofit", count: 1 }, { kind: "school", count: 1 }]);
    // Caught up in place: the same store, not a reload.
    expect(catalogueFacetStore(db)).toBe(store);

    // Withdrawal takes the entry out of the read model: gone from the next search and its counts.
    db.update(badges).set({ status: "withdrawn" }).where(eq(badges.id, second.id)).run();
    indexPublishedVersion(db, second.id);
    const withdrawn = searchCatalogue(db, { q: "facilitation" });
    expect(withdrawn.total).toBe(0);
    expect(searchCatalogue(db).facets.tags).toEqual([{ tag: "care", count: 1 }]);
    expect(names(searchCatalogue(db, { tag: "care" }))).toEqual(["Listening"]);

    // Re-indexed (as a new version is): found by its words once, not twice.
    indexPublishedVersion(db, first.id);
    const again = searchCatalogue(db, { q: "listening" });
    expect(again.total).toBe(1);
    expect(names(again)).toEqual(["Listening"]);
  });

  it("sees an endorsement's new mask on the next search", () => {
    const badge = makePublishedBadge(db, { steward: nonprofit, content: { name: "Listening" } });
    expect(searchCatalogue(db, { endorserKind: "school" }).total).toBe(0);
    // As an accepted endorsement by a school leaves it (indexEndorsements writes the mask).
    db.run(sql`UPDATE catalogue_entries SET endorser_kind_mask = 4 WHERE badge_id = ${badge.id}`);
    const endorsed = searchCatalogue(db, { endorserKind: "school" });
    expect(names(endorsed)).toEqual(["Listening"]);
    expect(endorsed.facets.endorserKinds).toEqual([{ kind: "school", count: 1 }]);
    indexEndorsements(db, badge.id); // no endorsements in the table: back to none
    expect(searchCatalogue(db, { endorserKind: "school" }).total).toBe(0);
  });

  it("reloads everything when the change log no longer reaches back to it", () => {
    makePublishedBadge(db, { steward: nonprofit, content: { name: "Listening" } });
    const store = catalogueFacetStore(db);
    makePublishedBadge(db, { steward: school, content: { name: "Facilitation" } });
    // As if more than the 10,000 changes the log keeps had happened since.
    db.run(sql`DELETE FROM catalogue_entry_changes`);
    makePublishedBadge(db, { steward: school, content: { name: "Mediation" } });
    expect(searchCatalogue(db).total).toBe(3);
    expect(catalogueFacetStore(db)).not.toBe(store);
  });

  it("keeps the change log to its last 10,000 changes", () => {
    db.run(sql`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10050)
      INSERT INTO catalogue_entry_changes (entry_id) SELECT i FROM n`);
    const { n, oldest, newest } = db.get<{ n: number; oldest: number; newest: number }>(
      sql`SELECT count(*) AS n, min(seq) AS oldest, max(seq) AS newest FROM catalogue_entry_changes`,
    )!;
    expect(n).toBe(10_000);
    expect(newest - oldest).toBe(9_999);
  });

  it("never keeps what a transaction saw before it rolled back", () => {
    makePublishedBadge(db, { steward: nonprofit, content: { name: "Listening" } });
    expect(searchCatalogue(db).total).toBe(1);
    expect(() =>
      db.transaction((tx) => {
        db.run(sql`DELETE FROM catalogue_entries`);
        expect(searchCatalogue(tx).total).toBe(0);
        throw new Error("roll back");
      }),
    ).toThrow("roll back");
    expect(names(searchCatalogue(db))).toEqual(["Listening"]);
  });

  it("pages a ranked search without gaps or repeats, equal scores newest first", () => {
    for (let i = 1; i <= 30; i++)
      makePublishedBadge(db, {
        steward: i % 2 ? nonprofit : school,
        // Three groups of equal scores: the word in the name, in the summary, in the criteria.
        content: i % 3 === 0 ? { name: `Mentoring ${i}` } : i % 3 === 1 ? { name: `Badge ${i}`, summary: "Mentoring" } : { name: `Badge ${i}`, criteria: "Mentoring" },
        publishedAt: new Date(Date.UTC(2026, 0, i)),
      });
    const all = names(searchCatalogue(db, { q: "mentoring", pageSize: 30 }));
    const paged = [1, 2, 3, 4].flatMap((page) => names(searchCatalogue(db, { q: "mentoring", pageSize: 8, page })));
    expect(paged).toEqual(all);
    expect(all.slice(0, 3)).toEqual(["Mentoring 30", "Mentoring 27", "Mentoring 24"]);
    expect(all.slice(10, 13)).toEqual(["Badge 28", "Badge 25", "Badge 22"]);
    // Filtered the same way: only the school's, still in rank order.
    const schools = names(searchCatalogue(db, { q: "mentoring", kind: "school", pageSize: 30 }));
    expect(schools).toEqual(all.filter((n) => Number(n.split(" ")[1]) % 2 === 0));
  });
});
