// The catalogue's "endorsed by" filters and facet: accepted endorsements only, combined
// with the other filters, and the cached whole-catalogue facets move when endorsements do.
import { beforeEach, describe, expect, it } from "vitest";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { searchCatalogue } from "../../app/services/catalogue.server";
import { normaliseCatalogueQuery } from "../../app/services/catalogue-query.server";
import { decideEndorsement, endorseBadge, withdrawEndorsement } from "../../app/services/endorsements.server";
import { EndorsementNetworkFigure, type NetworkView } from "../../app/components/endorsement-network";
import { catalogueHref } from "../../app/utils/catalogue-url";
import { createTestContext, makeOrganisationWithTeam } from "../support/factories";
import { approveAndPublish } from "../support/federation";
import { makeCoauthoredBadge, type Team } from "../support/publishing";

const names = (r: ReturnType<typeof searchCatalogue>) => r.entries.map((e) => e.name).sort();

describe("catalogue filtered by endorsements", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let steward: Team;
  let acme: Team;
  let northside: Team;
  let harbour: Team;
  let ids: Record<string, string>;

  beforeEach(() => {
    ctx = createTestContext();
    steward = makeOrganisationWithTeam(ctx.db, { handle: "changemakers", name: "Changemakers", kind: "nonprofit" });
    acme = makeOrganisationWithTeam(ctx.db, { handle: "acme", name: "Acme", kind: "business" });
    northside = makeOrganisationWithTeam(ctx.db, { handle: "northside", name: "Northside School", kind: "school" });
    harbour = makeOrganisationWithTeam(ctx.db, { handle: "harbour", name: "Harbour College", kind: "school" });
    ids = {};
    for (const name of ["Social Innovation 101", "Theory of Change", "Storytelling"]) {
      const badge = makeCoauthoredBadge(ctx, steward, [], { name });
      approveAndPublish(ctx, badge.id, [steward]);
      ids[name] = badge.id;
    }
  });

  const endorse = (team: Team, badge: string) =>
    endorseBadge(ctx, team.admin.id, ids[badge], { organisationId: team.org.id, statement: `${team.org.name} vouches.`, versionNumber: 1 }).endorsement;

  it("filters by an endorsing organisation's handle and by an endorser kind, with a facet of endorser kinds", () => {
    endorse(acme, "Social Innovation 101");
    endorse(northside, "Social Innovation 101");
    endorse(harbour, "Theory of Change");
    expect(names(searchCatalogue(ctx.db, { endorserKind: "school" }))).toEqual(["Social Innovation 101", "Theory of Change"]);
    expect(names(searchCatalogue(ctx.db, { endorserKind: "business" }))).toEqual(["Social Innovation 101"]);
    expect(names(searchCatalogue(ctx.db, { endorserKind: "community" }))).toEqual([]);
    const byHarbour = searchCatalogue(ctx.db, { endorser: "@Harbour" });
    expect(names(byHarbour)).toEqual(["Theory of Change"]);
    expect(byHarbour.endorser?.name).toBe("Harbour College");
    expect(searchCatalogue(ctx.db, { endorser: "nobody" })).toMatchObject({ total: 0, endorser: null });
    // Combined with words and with each other.
    expect(names(searchCatalogue(ctx.db, { q: "theory", endorserKind: "school" }))).toEqual(["Theory of Change"]);
    expect(names(searchCatalogue(ctx.db, { endorser: "acme", endorserKind: "school" }))).toEqual(["Social Innovation 101"]);
    // The facet counts badges per endorser kind, ignoring its own filter.
    expect(searchCatalogue(ctx.db, { endorserKind: "business" }).facets.endorserKinds).toEqual([
      { kind: "school", count: 2 },
      { kind: "business", count: 1 },
    ]);
    expect(normaliseCatalogueQuery({ endorserKind: "spaceship", endorser: "  Acme  " })).toMatchObject({ endorserKind: null, endorser: "acme" });
    expect(catalogueHref({ endorser: "acme", endorserKind: "school" })).toBe("/badges?endorser=acme&endorserKind=school");
  });

  it("counts accepted endorsements only; the unfiltered catalogue's cached facet follows every change", () => {
    const facet = () => searchCatalogue(ctx.db, {}).facets.endorserKinds;
    expect(facet()).toEqual([]);
    const e = endorse(northside, "Storytelling");
    expect(facet()).toEqual([{ kind: "school", count: 1 }]);
    decideEndorsement(ctx, steward.admin.id, e.id, "decline");
    expect(facet()).toEqual([]);
    const again = endorse(northside, "Storytelling");
    expect(again.status).toBe("pending");
    expect(facet()).toEqual([]);
    expect(names(searchCatalogue(ctx.db, { endorser: "northside" }))).toEqual([]);
    decideEndorsement(ctx, steward.admin.id, again.id, "accept");
    expect(facet()).toEqual([{ kind: "school", count: 1 }]);
    withdrawEndorsement(ctx, northside.admin.id, again.id);
    expect(facet()).toEqual([]);
  });
});

describe("the endorsement network picture", () => {
  const node = (i: number, kind: NetworkView["nodes"][number]["kind"], host: string | null = null) => ({
    name: `Organisation <${i}>`,
    kind,
    host,
    handle: `org${i}`,
    isCurrent: i % 2 === 0,
  });

  it("draws one shape and arrow per endorser, says what it leaves out, and lists the same as text", () => {
    const html = renderToStaticMarkup(
      createElement(EndorsementNetworkFigure, {
        network: {
          badgeName: "Social Innovation 101",
          nodes: [node(1, "school"), node(2, "business", "faraway.example"), node(3, "school")],
          others: [{ kind: "business", count: 5 }, { kind: "community", count: 1 }],
        },
      }),
    );
    expect(html).toContain('role="img"');
    expect(html).toContain("<title id=\"endorsement-network-title\">Who vouches for Social Innovation 101</title>");
    expect(html.match(/<line /g)).toHaveLength(3);
    expect(html.match(/stroke-dasharray="6 5"/g)).toHaveLength(2); // versions of odd-numbered nodes are earlier
    expect(html).toContain("on faraway.example");
    // Names are text, escaped, never markup.
    expect(html).toContain("Organisation &lt;2&gt;");
    expect(html).not.toContain("<2>");
    expect(html).toContain("And 5 businesses, 1 community group not drawn.");
    expect(html).toContain("<strong>School</strong>: <span>Organisation &lt;1&gt; (for an earlier version)</span><span>, Organisation &lt;3&gt; (for an earlier version)</span>");
    expect(html).toContain("Organisation &lt;2&gt; (on faraway.example)");
  });

  it("draws nothing without endorsers", () => {
    expect(renderToStaticMarkup(createElement(EndorsementNetworkFigure, { network: { badgeName: "X", nodes: [], others: [] } }))).toBe("");
  });
});
