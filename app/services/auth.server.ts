// Accounts and sessions. lucia 3 is used as the product owner asked; it is frozen
// upstream, so it stays behind this one module (see docs/decisions/002-sessions.md).
import { DrizzleSQLiteAdapter } from "@lucia-auth/adapter-drizzle";
import { Lucia, type Cookie } from "lucia";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client";
import { sessions, users, type User } from "../../db/schema";
import { RateLimiter } from "./rate-limit.server";
import { UnauthenticatedError, ValidationError } from "./errors";
import { hashPassword, verifyPassword } from "./passwords.server";

export type SessionUser = Pick<User, "id" | "email" | "displayName">;

export const SignUpSchema = z.object({
  displayName: z.string().trim().min(1, "Enter your name").max(80, "At most 80 characters"),
  email: z.string().trim().toLowerCase().email("Enter a valid e-mail address").max(254),
  password: z
    .string()
    .min(10, "Use at least 10 characters")
    .max(200, "At most 200 characters"),
});
export const SignInSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid e-mail address").max(254),
  password: z.string().min(1, "Enter your password").max(200),
});

// The cookie carries a random token; the database keeps only its SHA-256 as the
// session id, so a leaked database does not leak live sessions.
const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export interface AuthOptions {
  secureCookies: boolean;
  signInLimit: number;
}

/** Creates an account (no session): sign-up, and the demo seed. */
export async function createAccount(db: Db, input: z.infer<typeof SignUpSchema>): Promise<SessionUser> {
  const passwordHash = await hashPassword(input.password);
  const id = randomUUID();
  try {
    db.insert(users).values({ id, email: input.email, displayName: input.displayName, passwordHash }).run();
  } catch (e) {
    if (String(e).includes("UNIQUE")) {
      throw new ValidationError("That e-mail address already has an account.", {
        email: ["That e-mail address already has an account. Sign in instead."],
      });
    }
    throw e;
  }
  return { id, email: input.email, displayName: input.displayName };
}

export function createAuth(db: Db, options: AuthOptions) {
  const lucia = new Lucia(new DrizzleSQLiteAdapter(db, sessions, users), {
    sessionCookie: {
      name: "bc_session",
      attributes: { secure: options.secureCookies, sameSite: "lax" },
    },
  });
  // Per e-mail the limit as configured; per client address five times that, since many
  // people can share one address (a school's NAT).
  const signInLimiterByEmail = new RateLimiter(options.signInLimit, 15 * 60_000);
  const signInLimiterByAddress = new RateLimiter(options.signInLimit * 5, 15 * 60_000);

  function readToken(request: Request): string | null {
    return lucia.readSessionCookie(request.headers.get("cookie") ?? "");
  }

  async function startSession(userId: string): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    await lucia.createSession(userId, {}, { sessionId: hashToken(token) });
    // The Set-Cookie value holds the token, not the stored id.
    return lucia.createSessionCookie(token).serialize();
  }

  return {
    /** The signed-in user, or null. Also returns a refreshed cookie when lucia extends it. */
    async getSession(request: Request): Promise<{ user: SessionUser | null; setCookie?: string }> {
      const token = readToken(request);
      if (!token) return { user: null };
      const { session } = await lucia.validateSession(hashToken(token));
      if (!session) return { user: null, setCookie: lucia.createBlankSessionCookie().serialize() };
      const [user] = await db
        .select({ id: users.id, email: users.email, displayName: users.displayName })
        .from(users)
        .where(eq(users.id, session.userId));
      if (!user) return { user: null };
      const setCookie = session.fresh
        ? (lucia.createSessionCookie(token) as Cookie).serialize()
        : undefined;
      return { user, setCookie };
    },

    async requireUser(request: Request): Promise<SessionUser> {
      const { user } = await this.getSession(request);
      if (!user) throw new UnauthenticatedError();
      return user;
    },

    /** Creates an account and signs it in; returns the Set-Cookie header value. */
    async signUp(input: z.infer<typeof SignUpSchema>): Promise<{ user: SessionUser; cookie: string }> {
      const user = await createAccount(db, input);
      return { user, cookie: await startSession(user.id) };
    },

    /** Checks the password, rate limited per client address and per e-mail. */
    async signIn(
      input: z.infer<typeof SignInSchema>,
      clientAddress: string,
    ): Promise<{ user: SessionUser; cookie: string }> {
      signInLimiterByAddress.hit(clientAddress);
      signInLimiterByEmail.hit(input.email);
      const [row] = await db.select().from(users).where(eq(users.email, input.email));
      // Hash even for unknown e-mails so timing does not reveal which accounts exist.
      const ok = row
        ? await verifyPassword(input.password, row.passwordHash)
        : (await hashPassword(input.password), false);
      if (!row || !ok) {
        throw new ValidationError("E-mail or password is not right.", {
          password: ["E-mail or password is not right."],
        });
      }
      signInLimiterByEmail.reset(input.email);
      return {
        user: { id: row.id, email: row.email, displayName: row.displayName },
        cookie: await startSession(row.id),
      };
    },

    async signOut(request: Request): Promise<string> {
      const token = readToken(request);
      if (token) await lucia.invalidateSession(hashToken(token));
      return lucia.createBlankSessionCookie().serialize();
    },

    /** For socket.io handshakes: the user behind a raw Cookie header. */
    async userFromCookieHeader(cookieHeader: string | undefined): Promise<SessionUser | null> {
      const request = new Request("http://local/", { headers: { cookie: cookieHeader ?? "" } });
      return (await this.getSession(request)).user;
    },
  };
}

export type Auth = ReturnType<typeof createAuth>;
