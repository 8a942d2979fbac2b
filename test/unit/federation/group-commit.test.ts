import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { groupCommit } from "../../../federation/group-commit";
import { createTestDb } from "../../support/factories";

/** A table of names on a fresh database, and a second connection that sees only what was committed. */
function setup() {
  const db = createTestDb();
  db.$client.exec("CREATE TABLE names (name TEXT NOT NULL UNIQUE)");
  const insert = db.$client.prepare("INSERT INTO names (name) VALUES (?) ON CONFLICT DO NOTHING");
  const reader = new Database(db.$client.name, { readonly: true });
  const committed = () => (reader.prepare("SELECT name FROM names ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  return { db, insert, committed, reader };
}

describe("groupCommit", () => {
  it("commits the writes of one turn together, and answers each caller only once they are committed", async () => {
    const { db, insert, committed, reader } = setup();
    const seenByOthersDuringWrite: string[][] = [];
    const write = groupCommit(db.$client, (name: string) => {
      seenByOthersDuringWrite.push(committed());
      return insert.run(name).changes > 0;
    });
    const answers = [write("ada"), write("grace"), write("ada")];
    // Nothing is written, let alone committed, until the turn ends.
    expect(seenByOthersDuringWrite).toEqual([]);
    const settled: boolean[] = [];
    answers.forEach((a) => void a.then((r) => settled.push(r)));
    expect(await Promise.all(answers)).toEqual([true, true, false]);
    // One transaction: no write of the group was visible to others while the next was made.
    expect(seenByOthersDuringWrite).toEqual([[], [], []]);
    expect(committed()).toEqual(["ada", "grace"]);
    expect(settled).toHaveLength(3);

    // A later turn is a group of its own.
    expect(await write("hedy")).toBe(true);
    expect(seenByOthersDuringWrite.at(-1)).toEqual(["ada", "grace"]);
    reader.close();
  });

  it("fails only the write that fails, and commits the others of its group", async () => {
    const { db, insert, committed, reader } = setup();
    const write = groupCommit(db.$client, (name: string | null) => insert.run(name).changes > 0);
    const results = await Promise.allSettled([write("ada"), write(null), write("grace")]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/NOT NULL/);
    expect(committed()).toEqual(["ada", "grace"]);
    reader.close();
  });
});
