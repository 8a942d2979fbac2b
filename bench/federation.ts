// `npm run bench:federation`: figures for issue 3 (see docs/performance.md).
//   npm run bench:federation              all of them
//   npm run bench:federation -- delivery  one of them
// Inbox throughput (signed activities verified, de-duplicated and stored per second)
// belongs here too, beside delivery, as its own module.
import { benchFederationDelivery } from "./federation-delivery";

const only = process.argv[2];
console.log(`Badge Commons federation benchmarks — Node ${process.version}, ${new Date().toISOString()}`);
if (!only || only === "delivery") await benchFederationDelivery();
