import { z } from "zod";

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  PUBLIC_URL: z
    .string()
    .url()
    .optional()
    .transform((v) => v?.replace(/\/+$/, "")),
  DATABASE_PATH: z.string().min(1).default("./data/badge-commons.sqlite"),
  // Secure cookies are used whenever PUBLIC_URL is https; this forces them on or off.
  COOKIE_SECURE: z.enum(["true", "false"]).optional(),
  SIGNIN_RATE_LIMIT: z.coerce.number().int().positive().default(10),
  // Lets the fetcher reach loopback, private, link-local, unique-local and CGNAT addresses
  // (tests, or a federation inside one private network). Metadata endpoints stay closed.
  FEDERATION_ALLOW_PRIVATE_ADDRESSES: z
    .enum(["0", "1", "false", "true"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
  // Remote badges fetched here (prerequisites; not those of organisations followed, whose
  // activities keep them current) are asked for again: a pass every this many minutes (0:
  // never), copies older than this many hours, at most this many badges a pass.
  REMOTE_BADGE_REFRESH_MINUTES: z.coerce.number().int().min(0).default(360),
  REMOTE_BADGE_STALE_HOURS: z.coerce.number().positive().default(24),
  REMOTE_BADGE_REFRESH_BATCH: z.coerce.number().int().positive().max(10_000).default(100),
  // Instance operators: people signed in with these e-mails see the /admin pages.
  ADMIN_EMAILS: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((e) => e.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.string().email("each entry must be an e-mail address"))),
});

export type Env = z.infer<typeof EnvSchema> & { PUBLIC_URL: string };

/** Parses the environment once at boot; fails fast with every problem named. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${problems.join("\n")}`);
  }
  const env = parsed.data;
  return { ...env, PUBLIC_URL: env.PUBLIC_URL ?? `http://localhost:${env.PORT}` };
}
