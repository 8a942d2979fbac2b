// db/client.ts `prepared`: one statement per connection, shared by the database and its
// transactions (it reads drizzle's session, which a drizzle upgrade could move).
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { prepared } from "../../db/client";
import { organisations } from "../../db/schema";
import { createTestDb } from "../support/factories";

describe("prepared", () => {
  it("builds a statement once per connection and runs it inside and outside transactions", () => {
    const a = createTestDb();
    const b = createTestDb();
    let built = 0;
    const byHandle = (db: Parameters<typeof prepared>[0]) =>
      prepared(db, "test:organisation by handle", (d) => {
        built++;
        return d.select({ name: organisations.name }).from(organisations).where(eq(organisations.handle, sql.placeholder("handle"))).prepare();
      });

    const outside = byHandle(a);
    a.$client.prepare("INSERT INTO organisations (id, handle, name, kind, uri) VALUES ('o1', 'riverside', 'Riverside School', 'school', 'http://x/orgs/riverside')").run();
    const inside = a.transaction((tx) => {
      const statement = byHandle(tx);
      return { statement, row: statement.get({ handle: "riverside" }) };
    });
    expect(inside.statement).toBe(outside);
    expect(inside.row).toEqual({ name: "Riverside School" });
    expect(built).toBe(1);

    // Another database file: a statement of its own.
    expect(byHandle(b)).not.toBe(outside);
    expect(byHandle(b).get({ handle: "riverside" })).toBeUndefined();
    expect(built).toBe(2);
  });
});
