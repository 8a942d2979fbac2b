import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { FormMessage } from "~/components/forms";
import { InvitationLink, ROLE_LABELS, RolePill, type RoleName } from "~/components/organisations";
import { ValidationError } from "~/services/errors";
import { createInvitation, listPendingInvitations, revokeInvitation } from "~/services/invitations.server";
import { changeMemberRole, listMembers, removeMember, ROLE_DESCRIPTIONS, RoleSchema, soleOwnerOf } from "~/services/members.server";
import { getLocalOrganisation } from "~/services/organisations.server";
import { requireRole, roleAtLeast } from "~/services/roles.server";
import { formAction, handle, requireUser } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `Members${data ? ` · ${data.organisation.name}` : ""} · Badge Commons` },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(request, context);
  const { db } = context.services;
  return handle(() => {
    const org = getLocalOrganisation(db, params.handle ?? "");
    const myRole = requireRole(db, org.id, user.id, "viewer");
    const isAdmin = roleAtLeast(myRole, "admin");
    const members = listMembers(db, user.id, org.id);
    return {
      organisation: { id: org.id, handle: org.handle, name: org.name },
      me: user.id,
      myRole,
      members,
      // The server refuses the only owner's leaving or stepping down; the page does not offer it.
      iAmSoleOwner: soleOwnerOf(members) === user.id,
      invitations: isAdmin ? listPendingInvitations(db, user.id, org.id) : [],
      roleDescriptions: ROLE_DESCRIPTIONS,
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const ctx = context.services;
  const org = await handle(() => getLocalOrganisation(ctx.db, params.handle ?? ""));
  const form = await request.formData();
  const values = {
    intent: String(form.get("intent") ?? ""),
    userId: String(form.get("userId") ?? ""),
    role: String(form.get("role") ?? ""),
    invitationId: String(form.get("invitationId") ?? ""),
  };
  // Built here, not at module level: RoleSchema comes from a server module.
  const ActionSchema = z.discriminatedUnion("intent", [
    z.object({ intent: z.literal("role"), userId: z.string().min(1), role: RoleSchema }),
    z.object({ intent: z.literal("remove"), userId: z.string().min(1) }),
    z.object({ intent: z.literal("leave") }),
    z.object({ intent: z.literal("invite"), role: RoleSchema }),
    z.object({ intent: z.literal("revoke"), invitationId: z.string().min(1) }),
  ]);
  return formAction(values, () => {
    const parsed = ActionSchema.safeParse(values);
    if (!parsed.success) throw new ValidationError("Please choose what to do.", parsed.error.flatten().fieldErrors);
    const input = parsed.data;
    switch (input.intent) {
      case "role": {
        const role = changeMemberRole(ctx, user.id, org.id, input.userId, input.role);
        return { ok: true as const, message: `Role changed to ${ROLE_LABELS[role].toLowerCase()}.` };
      }
      case "remove":
      case "leave": {
        const target = input.intent === "leave" ? user.id : input.userId;
        removeMember(ctx, user.id, org.id, target);
        if (target === user.id) return redirect("/orgs");
        return { ok: true as const, message: "Member removed." };
      }
      case "invite": {
        const { url, invitation } = createInvitation(ctx, user.id, org.id, input.role);
        return {
          ok: true as const,
          message: `Invitation link for a new ${ROLE_LABELS[invitation.role].toLowerCase()} created.`,
          invitationUrl: url,
        };
      }
      case "revoke":
        revokeInvitation(ctx, user.id, org.id, input.invitationId);
        return { ok: true as const, message: "Invitation link revoked: it no longer works." };
    }
  });
}

function roleOptions(myRole: RoleName): RoleName[] {
  return myRole === "owner" ? ["owner", "admin", "editor", "viewer"] : ["admin", "editor", "viewer"];
}

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

export default function Members() {
  const { organisation: org, me, myRole, members, iAmSoleOwner, invitations, roleDescriptions } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const isAdmin = myRole === "owner" || myRole === "admin";
  const failed = result && "fieldErrors" in result ? result : null;
  const done = result && "ok" in result && result.ok ? result : null;
  const invitationUrl = done && "invitationUrl" in done ? done.invitationUrl : null;
  return (
    <section className="stack">
      <p className="breadcrumbs">
        <Link to={`/orgs/${org.handle}`}>{org.name}</Link> / Members
      </p>
      <h1>Members of {org.name}</h1>
      <FormMessage message={failed?.message} />
      {done ? (
        <div className="notice ok" role="status">
          {done.message}
        </div>
      ) : null}

      <div className="card">
        <div className="table-wrap">
          <table className="members">
            <caption className="visually-hidden">Members and their roles</caption>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => {
                const manageable = isAdmin && m.userId !== me && (m.role !== "owner" || myRole === "owner");
                return (
                  <tr key={m.userId}>
                    <td>
                      {m.displayName}
                      {m.userId === me ? <span className="muted"> (you)</span> : null}
                      {m.email ? <div className="muted small">{m.email}</div> : null}
                    </td>
                    <td>
                      {manageable || (isAdmin && m.userId === me && !iAmSoleOwner) ? (
                        <Form method="post" className="inline-form">
                          <input type="hidden" name="intent" value="role" />
                          <input type="hidden" name="userId" value={m.userId} />
                          <label className="visually-hidden" htmlFor={`role-${m.userId}`}>
                            Role of {m.displayName}
                          </label>
                          <select id={`role-${m.userId}`} name="role" defaultValue={m.role}>
                            {roleOptions(myRole).map((r) => (
                              <option key={r} value={r}>
                                {ROLE_LABELS[r]}
                              </option>
                            ))}
                          </select>{" "}
                          <button type="submit" className="secondary small" disabled={busy}>
                            Change<span className="visually-hidden"> role of {m.displayName}</span>
                          </button>
                        </Form>
                      ) : (
                        <RolePill role={m.role} />
                      )}
                    </td>
                    <td className="small">{dateFormat.format(new Date(m.joinedAt))}</td>
                    <td>
                      {m.userId === me && iAmSoleOwner ? (
                        <p className="muted small sole-owner-hint">
                          You are the only owner, so you cannot leave or step down. Make another member an owner first.
                        </p>
                      ) : m.userId === me ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="leave" />
                          <button type="submit" className="secondary small" disabled={busy}>
                            Leave {org.name}
                          </button>
                        </Form>
                      ) : manageable ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value="remove" />
                          <input type="hidden" name="userId" value={m.userId} />
                          <button type="submit" className="danger small" disabled={busy}>
                            Remove<span className="visually-hidden"> {m.displayName}</span>
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <details className="role-help">
          <summary>What each role may do</summary>
          <dl>
            {(Object.keys(roleDescriptions) as RoleName[]).map((r) => (
              <div key={r}>
                <dt>{ROLE_LABELS[r]}</dt>
                <dd>{roleDescriptions[r]}</dd>
              </div>
            ))}
          </dl>
        </details>
      </div>

      {isAdmin ? (
        <section aria-labelledby="invite-heading" className="card stack">
          <h2 id="invite-heading">Invite people</h2>
          <p className="muted">
            An invitation link lets one signed-in person join with the role you choose. Links work once and expire after 7 days.
          </p>
          {invitationUrl ? <InvitationLink url={invitationUrl} /> : null}
          <Form method="post" className="row invite-form">
            <input type="hidden" name="intent" value="invite" />
            <label htmlFor="invite-role">Role for the new member</label>
            <select id="invite-role" name="role" defaultValue="editor">
              {roleOptions(myRole).map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
            <button type="submit" disabled={busy}>
              Create invitation link
            </button>
          </Form>

          <h3>Pending invitation links</h3>
          {invitations.length ? (
            <table>
              <thead>
                <tr>
                  <th scope="col">Role</th>
                  <th scope="col">Made by</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {invitations.map((inv) => (
                  <tr key={inv.id}>
                    <td>
                      <RolePill role={inv.role} />
                    </td>
                    <td>{inv.createdByName}</td>
                    <td className="small">{dateFormat.format(new Date(inv.expiresAt))}</td>
                    <td>
                      <Form method="post">
                        <input type="hidden" name="intent" value="revoke" />
                        <input type="hidden" name="invitationId" value={inv.id} />
                        <button type="submit" className="secondary small" disabled={busy}>
                          Revoke<span className="visually-hidden"> link for a new {inv.role}</span>
                        </button>
                      </Form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">No pending links.</p>
          )}
        </section>
      ) : null}
    </section>
  );
}
