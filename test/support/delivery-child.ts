// A delivery worker in a process of its own, on an existing database file: the test that
// kills it with SIGKILL mid-delivery starts it. Usage: node --import tsx delivery-child.ts <db>
import { openDatabase } from "../../db/client";
import { createDeliveryWorker } from "../../federation/delivery-worker";
import { createFetcher } from "../../federation/fetcher";

const databasePath = process.argv[2];
if (!databasePath) throw new Error("usage: delivery-child.ts <database path>");
const db = openDatabase(databasePath);
const fetcher = createFetcher({ allowPrivateAddresses: true, userAgent: "BadgeCommons-test-child", timeoutMs: 30_000 });
const worker = createDeliveryWorker({ db, fetcher, pollIntervalMs: 100, retry: { scheduleMs: [200], jitter: 0 } });
worker.start();
process.stdout.write(`worker ${worker.owner}\n`);
