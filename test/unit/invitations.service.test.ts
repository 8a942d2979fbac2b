import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { invitations } from "../../db/schema";
import {
  acceptInvitation,
  createInvitation,
  INVITATION_TTL_MS,
  listPendingInvitations,
  revokeInvitation,
  viewInvitation,
} from "../../app/services/invitations.server";
import { roleIn } from "../../app/services/roles.server";
import { createTestContext, makeOrganisationWithTeam, makeUser } from "../support/factories";

describe("invitation links", () => {
  let ctx: ReturnType<typeof createTestContext>;
  let team: ReturnType<typeof makeOrganisationWithTeam>;
  let guest: ReturnType<typeof makeUser>;
  const t0 = new Date("2026-11-01T10:00:00Z");
  const later = (ms: number) => new Date(t0.getTime() + ms);

  beforeEach(() => {
    ctx = createTestContext();
    team = makeOrganisationWithTeam(ctx.db, { name: "Acme" });
    guest = makeUser(ctx.db, { displayName: "Guest" });
  });

  it("carries a random 32-byte token of which only the hash is stored", () => {
    const { token, url, invitation } = createInvitation(ctx, team.admin.id, team.org.id, "editor", t0);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(url).toBe(`http://badges.test/invitations/${token}`);
    const [row] = ctx.db.select().from(invitations).all();
    expect(row.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.expiresAt.getTime() - t0.getTime()).toBe(7 * 24 * 3600 * 1000);
    expect(invitation.role).toBe("editor");
    expect(createInvitation(ctx, team.admin.id, team.org.id, "editor", t0).token).not.toBe(token);
  });

  it("makes the guest a member with the link's role, once", () => {
    const { token } = createInvitation(ctx, team.admin.id, team.org.id, "editor", t0);
    expect(viewInvitation(ctx.db, token, guest.id, later(1000))).toMatchObject({ state: "pending", currentRole: null });
    const result = acceptInvitation(ctx, guest.id, token, later(1000));
    expect(result).toMatchObject({ role: "editor", alreadyMember: false });
    expect(result.organisation.id).toBe(team.org.id);
    expect(roleIn(ctx.db, team.org.id, guest.id)).toBe("editor");
    // Accepting again is harmless; someone else cannot reuse the link.
    expect(acceptInvitation(ctx, guest.id, token, later(2000))).toMatchObject({ role: "editor", alreadyMember: true });
    const other = makeUser(ctx.db);
    expect(() => acceptInvitation(ctx, other.id, token, later(3000))).toThrow(/already been used/);
    expect(roleIn(ctx.db, team.org.id, other.id)).toBeNull();
    expect(viewInvitation(ctx.db, token, other.id, later(3000)).state).toBe("used");
    expect(listPendingInvitations(ctx.db, team.admin.id, team.org.id, later(3000))).toHaveLength(0);
  });

  it("stops working after 7 days", () => {
    const { token } = createInvitation(ctx, team.admin.id, team.org.id, "viewer", t0);
    expect(listPendingInvitations(ctx.db, team.admin.id, team.org.id, later(INVITATION_TTL_MS - 1))).toHaveLength(1);
    expect(listPendingInvitations(ctx.db, team.admin.id, team.org.id, later(INVITATION_TTL_MS))).toHaveLength(0);
    expect(viewInvitation(ctx.db, token, guest.id, later(INVITATION_TTL_MS)).state).toBe("expired");
    expect(() => acceptInvitation(ctx, guest.id, token, later(INVITATION_TTL_MS + 1))).toThrow(/expired on 2026-11-08/);
    expect(roleIn(ctx.db, team.org.id, guest.id)).toBeNull();
  });

  it("stops working once revoked", () => {
    const { token, invitation } = createInvitation(ctx, team.admin.id, team.org.id, "viewer", t0);
    revokeInvitation(ctx, team.owner.id, team.org.id, invitation.id, later(10));
    expect(viewInvitation(ctx.db, token, guest.id, later(20)).state).toBe("revoked");
    expect(() => acceptInvitation(ctx, guest.id, token, later(20))).toThrow(/revoked/);
    expect(roleIn(ctx.db, team.org.id, guest.id)).toBeNull();
    expect(listPendingInvitations(ctx.db, team.admin.id, team.org.id, later(20))).toHaveLength(0);
  });

  it("cannot revoke a used link or another organisation's link", () => {
    const { token, invitation } = createInvitation(ctx, team.admin.id, team.org.id, "viewer", t0);
    acceptInvitation(ctx, guest.id, token, later(1));
    expect(() => revokeInvitation(ctx, team.admin.id, team.org.id, invitation.id)).toThrow(/already been used/);
    const other = makeOrganisationWithTeam(ctx.db, { name: "Other" });
    const theirs = createInvitation(ctx, other.admin.id, other.org.id, "viewer", t0);
    expect(() => revokeInvitation(ctx, team.admin.id, team.org.id, theirs.invitation.id)).toThrow(/not found/);
  });

  it("keeps a member's higher role and leaves the link for its guest", () => {
    const { token } = createInvitation(ctx, team.admin.id, team.org.id, "viewer", t0);
    expect(acceptInvitation(ctx, team.admin.id, token, later(1))).toMatchObject({ role: "admin", alreadyMember: true });
    expect(roleIn(ctx.db, team.org.id, team.admin.id)).toBe("admin");
    expect(acceptInvitation(ctx, guest.id, token, later(2))).toMatchObject({ role: "viewer", alreadyMember: false });
  });

  it("raises a member to the link's higher role", () => {
    const { token } = createInvitation(ctx, team.owner.id, team.org.id, "admin", t0);
    expect(acceptInvitation(ctx, team.viewer.id, token, later(1))).toMatchObject({ role: "admin", alreadyMember: false });
    expect(roleIn(ctx.db, team.org.id, team.viewer.id)).toBe("admin");
  });

  it("does not know made-up tokens", () => {
    expect(() => viewInvitation(ctx.db, "x".repeat(43), guest.id)).toThrow(/not found/);
    expect(() => acceptInvitation(ctx, guest.id, "../../etc", t0)).toThrow(/not found/);
  });

  it("lists pending links with who made them", () => {
    createInvitation(ctx, team.admin.id, team.org.id, "editor", t0);
    createInvitation(ctx, team.owner.id, team.org.id, "owner", later(1000));
    const pending = listPendingInvitations(ctx.db, team.owner.id, team.org.id, later(2000));
    expect(pending.map((p) => [p.role, p.createdByName])).toEqual([
      ["editor", "Acme admin"],
      ["owner", "Acme owner"],
    ]);
    expect(() => listPendingInvitations(ctx.db, team.editor.id, team.org.id)).toThrow(expect.objectContaining({ kind: "forbidden" }));
  });
});
