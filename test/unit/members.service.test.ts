import { beforeEach, describe, expect, it } from "vitest";
import type { Role } from "../../db/schema";
import { createInvitation, revokeInvitation, listPendingInvitations } from "../../app/services/invitations.server";
import { changeMemberRole, listMembers, removeMember, soleOwnerOf } from "../../app/services/members.server";
import { getLocalOrganisationById, updateOrganisationProfile } from "../../app/services/organisations.server";
import { roleIn } from "../../app/services/roles.server";
import { addMember, createTestContext, makeOrganisationWithTeam, makeUser } from "../support/factories";

type Ctx = ReturnType<typeof createTestContext>;
type Actor = Role | "non-member";

// Each organisation action, and who may do it.
const ACTIONS: Record<string, { allowed: Actor[]; run: (s: Setup, actorId: string) => void; check: (s: Setup) => void }> = {
  "edit the profile": {
    allowed: ["owner", "admin"],
    run: (s, actorId) => updateOrganisationProfile(s.ctx, actorId, s.team.org.id, { name: "Renamed", kind: "school", description: "", website: "" }),
    check: (s) => expect(orgName(s)).toBe("Renamed"),
  },
  "make an invitation link": {
    allowed: ["owner", "admin"],
    run: (s, actorId) => createInvitation(s.ctx, actorId, s.team.org.id, "editor"),
    check: (s) => expect(listPendingInvitations(s.ctx.db, s.team.owner.id, s.team.org.id)).toHaveLength(2),
  },
  "change a member's role": {
    allowed: ["owner", "admin"],
    run: (s, actorId) => changeMemberRole(s.ctx, actorId, s.team.org.id, s.target.id, "editor"),
    check: (s) => expect(roleIn(s.ctx.db, s.team.org.id, s.target.id)).toBe("editor"),
  },
  "remove a member": {
    allowed: ["owner", "admin"],
    run: (s, actorId) => removeMember(s.ctx, actorId, s.team.org.id, s.target.id),
    check: (s) => expect(roleIn(s.ctx.db, s.team.org.id, s.target.id)).toBeNull(),
  },
  "revoke an invitation link": {
    allowed: ["owner", "admin"],
    run: (s, actorId) => revokeInvitation(s.ctx, actorId, s.team.org.id, s.invitationId),
    check: (s) => expect(listPendingInvitations(s.ctx.db, s.team.owner.id, s.team.org.id)).toHaveLength(0),
  },
};

const orgName = (s: Setup) => getLocalOrganisationById(s.ctx.db, s.team.org.id).name;

interface Setup {
  ctx: Ctx;
  team: ReturnType<typeof makeOrganisationWithTeam>;
  outsider: ReturnType<typeof makeUser>;
  // A viewer acted upon by the role and removal actions.
  target: ReturnType<typeof makeUser>;
  invitationId: string;
}

function setup(): Setup {
  const ctx = createTestContext();
  const team = makeOrganisationWithTeam(ctx.db, { name: "Acme" });
  const target = makeUser(ctx.db, { displayName: "Target" });
  addMember(ctx.db, team.org.id, target.id, "viewer");
  const invitationId = createInvitation(ctx, team.owner.id, team.org.id, "viewer").invitation.id;
  return { ctx, team, outsider: makeUser(ctx.db), target, invitationId };
}

const ACTORS: Actor[] = ["owner", "admin", "editor", "viewer", "non-member"];
const cases = Object.entries(ACTIONS).flatMap(([action, spec]) =>
  ACTORS.map((actor) => ({ action, actor, allowed: spec.allowed.includes(actor) })),
);

describe("each role against each organisation action", () => {
  it.each(cases)("$actor → $action: allowed=$allowed", ({ action, actor, allowed }) => {
    const s = setup();
    const actorId = actor === "non-member" ? s.outsider.id : s.team[actor].id;
    const spec = ACTIONS[action];
    if (allowed) {
      spec.run(s, actorId);
      spec.check(s);
    } else {
      expect(() => spec.run(s, actorId)).toThrow(expect.objectContaining({ kind: "forbidden" }));
      // Nothing changed.
      expect(roleIn(s.ctx.db, s.team.org.id, s.target.id)).toBe("viewer");
      expect(listPendingInvitations(s.ctx.db, s.team.owner.id, s.team.org.id)).toHaveLength(1);
      expect(orgName(s)).toBe("Acme");
    }
  });
});

describe("owners and the last owner", () => {
  let s: Setup;
  beforeEach(() => {
    s = setup();
  });
  const forbidden = expect.objectContaining({ kind: "forbidden" });

  it("only owners make owners, unmake owners, remove owners or invite owners", () => {
    const { ctx, team } = s;
    expect(() => changeMemberRole(ctx, team.admin.id, team.org.id, team.editor.id, "owner")).toThrow(forbidden);
    expect(() => changeMemberRole(ctx, team.admin.id, team.org.id, team.owner.id, "admin")).toThrow(forbidden);
    expect(() => removeMember(ctx, team.admin.id, team.org.id, team.owner.id)).toThrow(forbidden);
    expect(() => createInvitation(ctx, team.admin.id, team.org.id, "owner")).toThrow(forbidden);
    changeMemberRole(ctx, team.owner.id, team.org.id, team.editor.id, "owner");
    expect(roleIn(ctx.db, team.org.id, team.editor.id)).toBe("owner");
    expect(createInvitation(ctx, team.owner.id, team.org.id, "owner").invitation.role).toBe("owner");
  });

  it("admins manage other admins", () => {
    const other = makeUser(s.ctx.db);
    addMember(s.ctx.db, s.team.org.id, other.id, "admin");
    changeMemberRole(s.ctx, s.team.admin.id, s.team.org.id, other.id, "viewer");
    expect(roleIn(s.ctx.db, s.team.org.id, other.id)).toBe("viewer");
  });

  it("never demotes or removes the last owner, who cannot leave either", () => {
    const { ctx, team } = s;
    expect(() => changeMemberRole(ctx, team.owner.id, team.org.id, team.owner.id, "admin")).toThrow(/at least one owner/);
    expect(() => removeMember(ctx, team.owner.id, team.org.id, team.owner.id)).toThrow(/at least one owner/);
    expect(roleIn(ctx.db, team.org.id, team.owner.id)).toBe("owner");
    // With a second owner, the first may step down or leave.
    changeMemberRole(ctx, team.owner.id, team.org.id, team.admin.id, "owner");
    changeMemberRole(ctx, team.owner.id, team.org.id, team.owner.id, "admin");
    expect(roleIn(ctx.db, team.org.id, team.owner.id)).toBe("admin");
    expect(() => removeMember(ctx, team.admin.id, team.org.id, team.admin.id)).toThrow(/at least one owner/);
  });

  it("names the sole owner while there is exactly one, which is whom the members page keeps from leaving", () => {
    const { ctx, team } = s;
    expect(soleOwnerOf(listMembers(ctx.db, team.owner.id, team.org.id))).toBe(team.owner.id);
    changeMemberRole(ctx, team.owner.id, team.org.id, team.admin.id, "owner");
    expect(soleOwnerOf(listMembers(ctx.db, team.owner.id, team.org.id))).toBeNull();
  });

  it("lets any member leave", () => {
    removeMember(s.ctx, s.team.viewer.id, s.team.org.id, s.team.viewer.id);
    expect(roleIn(s.ctx.db, s.team.org.id, s.team.viewer.id)).toBeNull();
  });

  it("refuses unknown members and roles", () => {
    const stranger = makeUser(s.ctx.db);
    expect(() => changeMemberRole(s.ctx, s.team.owner.id, s.team.org.id, stranger.id, "editor")).toThrow(/not found/);
    expect(() => removeMember(s.ctx, s.team.owner.id, s.team.org.id, stranger.id)).toThrow(/not found/);
    expect(() => changeMemberRole(s.ctx, s.team.owner.id, s.team.org.id, s.target.id, "king" as Role)).toThrow(/Choose a role/);
  });

  it("lists members, owners first, with e-mail addresses for admins only", () => {
    const asAdmin = listMembers(s.ctx.db, s.team.admin.id, s.team.org.id);
    expect(asAdmin.map((m) => m.role)).toEqual(["owner", "admin", "editor", "viewer", "viewer"]);
    expect(asAdmin.every((m) => m.email?.includes("@"))).toBe(true);
    expect(listMembers(s.ctx.db, s.team.viewer.id, s.team.org.id).every((m) => m.email === null)).toBe(true);
    expect(() => listMembers(s.ctx.db, s.outsider.id, s.team.org.id)).toThrow(expect.objectContaining({ kind: "forbidden" }));
  });
});
