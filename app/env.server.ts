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
